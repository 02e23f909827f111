//! Everything a command writes goes through here: the one rule for a target path
//! ([`out_path`]), the output folder that appears whole or not at all and never replaces
//! what ecograph did not write ([`atomic_dir`]), the single page written the same way
//! ([`atomic_file`]) and the table writers ([`write`](mod@write)).

pub mod atomic_dir;
pub mod atomic_file;
pub mod out_path;
pub mod write;
