//! `ecograph`: the thin binary over the library's command line ([`ecograph::cli`]).

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(ecograph::cli::main(std::env::args_os()))
}
