//! The one place guard replaces itself with the real program.
//!
//! `execv` keeps the process: same pid, argv (argv[0] as invoked), environment, open
//! file descriptors and cwd, so the real program's exit code and signals are what the
//! caller sees.

use crate::error::GuardError;
use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// What to run once a command is allowed. Room is left for adding environment
/// (a credential injected only into an approved call) without touching callers.
#[derive(Debug, Clone)]
pub struct ExecPlan {
    pub path: PathBuf,
    pub argv: Vec<OsString>,
}

/// Replaces this process with the plan. Returns only on failure.
pub fn exec(plan: &ExecPlan) -> GuardError {
    let path = match CString::new(plan.path.as_os_str().as_bytes()) {
        Ok(p) => p,
        Err(_) => return GuardError::Other("program path contains a NUL byte".into()),
    };
    // argv came from the kernel, so it holds no NUL bytes
    let argv: Vec<CString> = plan.argv.iter().filter_map(|a| CString::new(a.as_bytes()).ok()).collect();
    let errno = match nix::unistd::execv(&path, &argv) {
        Err(e) => e,
        Ok(never) => match never {},
    };
    GuardError::CannotExecute { path: plan.path.clone(), source: std::io::Error::from(errno) }
}
