//! The `xxgk` command. All the work is in `cli`; this only maps its result to
//! the exit code.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
