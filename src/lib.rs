//! guard: stops AI coding agents from running irreversible commands without a
//! person's out-of-band confirmation.
//!
//! Where things happen:
//! - argv[0] dispatch and the panic net: [`main`] (this file).
//! - the shim's flow, top to bottom: [`shim::pipeline::run`].
//! - how argv becomes operations: [`inspect`]; rules are matched in
//!   [`rules::matcher`] and decided in [`rules::decide`].
//! - what happens after a decision (grants used, requests recorded): [`enforce`];
//!   approval by a person: [`confirm`]; the audit log: [`audit`].
//! - the only `execv`: [`shim::exec`]; `guard exec`'s supervisor: [`supervise`].
//! - the artifact contract: [`artifact`]; exit codes: [`exit`].

pub mod artifact;
pub mod audit;
pub mod cli;
pub mod confirm;
pub mod display;
pub mod doctor;
pub mod enforce;
pub mod error;
pub mod exit;
pub mod fingerprint;
pub mod hooks;
pub mod inspect;
pub mod invocation;
pub mod kubeconfig;
pub mod operation;
pub mod paths;
pub mod request;
pub mod rules;
pub mod settings;
pub mod shim;
pub mod state;
pub mod supervise;
pub mod target;
pub mod toolcall;

use std::ffi::OsString;
use std::io::Write;

/// The name that selects guard's own command line; any other argv[0] basename is a
/// shim for the program of that name.
pub const GUARD_NAME: &str = "guard";

/// Entry point; returns the exit code. Nothing escapes as a crash: errors and panics
/// both end in guard's error exit code with one line on stderr, and in neither case
/// has anything run.
pub fn main() -> u8 {
    tune_allocator();
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let _ = writeln!(std::io::stderr(), "guard: internal error: {what}{place}; nothing was run");
    }));
    let argv: Vec<OsString> = std::env::args_os().collect();
    // a harness hook that fails must still block: there only exit 2 does
    let hook_mode = argv.first().is_some_and(|a| invocation::program_name(a) == GUARD_NAME)
        && argv.get(1).is_some_and(|a| a == "hook");
    let failed = if hook_mode { exit::HOOK_BLOCK } else { exit::GUARD_ERROR };
    if hook_mode {
        // a harness that stops reading must see exit 2, not a death by SIGPIPE
        // SAFETY: setting a signal to SIG_IGN installs no handler code.
        let _ = unsafe {
            nix::sys::signal::signal(nix::sys::signal::Signal::SIGPIPE, nix::sys::signal::SigHandler::SigIgn)
        };
    }
    let code = match std::panic::catch_unwind(|| dispatch(argv)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            let _ = writeln!(std::io::stderr(), "guard: {e}");
            if hook_mode { failed } else { e.exit_code() }
        }
        Err(_) => failed,
    };
    // no Rust runtime flushes stdout at exit (see main.rs)
    if std::io::stdout().flush().is_err() && hook_mode {
        return failed;
    }
    code
}

fn dispatch(argv: Vec<OsString>) -> Result<u8, error::GuardError> {
    let name = argv.first().map(|a| invocation::program_name(a)).unwrap_or_default();
    if name == GUARD_NAME { cli::run(argv) } else { shim::pipeline::run(argv) }
}

/// Payloads of several MiB are read, copied and parsed, and glibc would hand each big
/// buffer fresh pages from the kernel (and fault them in) and return them on free:
/// keeping big buffers on the heap lets freed ones be reused.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator thresholds; called before any thread starts.
    unsafe {
        nix::libc::mallopt(nix::libc::M_MMAP_THRESHOLD, 64 << 20);
        nix::libc::mallopt(nix::libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
