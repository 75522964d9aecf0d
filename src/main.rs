//! The `guard` binary: all logic lives in the library; see `guard::main`.

fn main() -> std::process::ExitCode {
    guard::main()
}
