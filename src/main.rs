//! `ecograph`: the thin binary over the library's command line ([`ecograph::cli`]).

/// mimalloc returns freed pages to the system, where glibc's malloc kept a large freed
/// input table in its arenas (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(ecograph::cli::main(std::env::args_os()))
}
