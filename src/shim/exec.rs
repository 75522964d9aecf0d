//! The one place guard replaces itself with the real program.
//!
//! `execv` keeps the process: same pid, argv (argv[0] as invoked), environment, open
//! file descriptors and cwd, so the real program's exit code and signals are what the
//! caller sees. When guard had to read stdin to judge it, the program's stdin becomes
//! an in-memory file holding exactly the bytes guard judged.

use crate::error::GuardError;
use std::ffi::{CString, OsString};
use std::fs::File;
use std::io::{Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// What to run once a command is allowed. Room is left for adding environment
/// (a credential injected only into an approved call) without touching callers.
#[derive(Debug, Clone)]
pub struct ExecPlan {
    pub path: PathBuf,
    pub argv: Vec<OsString>,
    /// Replaces fd 0: the stdin bytes guard read and judged.
    pub stdin: Option<Vec<u8>>,
}

/// Replaces this process with the plan. Returns only on failure.
pub fn exec(plan: &ExecPlan) -> GuardError {
    let path = match CString::new(plan.path.as_os_str().as_bytes()) {
        Ok(p) => p,
        Err(_) => return GuardError::Other("program path contains a NUL byte".into()),
    };
    // argv came from the kernel, so it holds no NUL bytes
    let argv: Vec<CString> = plan.argv.iter().filter_map(|a| CString::new(a.as_bytes()).ok()).collect();
    if let Some(bytes) = &plan.stdin {
        let replayed = match stdin_file(bytes) {
            Ok(f) => f,
            Err(e) => {
                return GuardError::Other(format!("cannot hand the judged stdin to {}: {e}", plan.path.display()));
            }
        };
        // SAFETY: dup2 onto fd 0 of this single-threaded process right before exec.
        if unsafe { nix::libc::dup2(replayed.as_raw_fd(), 0) } < 0 {
            return GuardError::Other(format!("cannot replace stdin: {}", std::io::Error::last_os_error()));
        }
    }
    let errno = match nix::unistd::execv(&path, &argv) {
        Err(e) => e,
        Ok(never) => match never {},
    };
    GuardError::CannotExecute { path: plan.path.clone(), source: std::io::Error::from(errno) }
}

/// A file holding `bytes`, positioned at the start: an anonymous memory file on
/// Linux, an already-unlinked temporary file elsewhere.
pub fn stdin_file(bytes: &[u8]) -> std::io::Result<File> {
    #[cfg(target_os = "linux")]
    let mut f = {
        let fd = nix::sys::memfd::memfd_create(c"guard-stdin", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)?;
        File::from(fd)
    };
    #[cfg(not(target_os = "linux"))]
    let mut f = {
        let dir = std::env::temp_dir();
        let path = dir.join(format!("guard-stdin-{}-{}", std::process::id(), crate::request::new_id()));
        let f = std::fs::OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
        std::fs::remove_file(&path)?;
        f
    };
    f.write_all(bytes)?;
    f.rewind()?;
    Ok(f)
}

#[cfg(not(target_os = "linux"))]
use std::os::unix::fs::OpenOptionsExt;
