//! `guard exec -- CMD ARGS…`: run an agent (or any command) under guard.
//!
//! CMD itself is judged first, like any shimmed call. Then guard stays the parent:
//! the child runs with the installed shims directory first on PATH, guard forwards
//! signals sent to it and exits with the child's status (or dies of the child's
//! signal). On Linux guard becomes a child subreaper, so descendants that double-fork
//! stay in its process tree; approval (a later issue) reads that tree from the OS to
//! refuse approvals made from inside an agent session.

use crate::enforce::{Judged, Outcome, enforce};
use crate::error::GuardError;
use crate::inspect::Ctx;
use crate::inspect::payload::RealSources;
use crate::inspect::payload::Sources;
use crate::invocation::Invocation;
use crate::shim::pipeline;
use crate::target::Env;
use nix::libc;
use nix::sys::signal::{SigSet, Signal};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

/// Signals guard passes on to the child when another process sends them to guard.
/// Job-control signals keep their default so `^Z`/`fg` work on the whole group.
const FORWARDED: &[Signal] = &[
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
    Signal::SIGTERM,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGWINCH,
];

/// `wait`: the session's stopped commands wait this long for a person (`--wait`).
pub fn run(argv: Vec<OsString>, wait: Option<std::time::Duration>) -> Result<u8, GuardError> {
    let inv = Invocation::new(argv);
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let mut rules = pipeline::rules_for(&inv.program, Some(&cwd))?;
    let real = pipeline::find_real(&inv.argv[0])?;
    let sources = RealSources::default();
    let env = Env::process();
    let ctx = Ctx { cwd: &cwd, real_binary: Some(&real), sources: &sources, env: &env };
    let judgement = pipeline::judge(&mut rules, &inv, &ctx)?;
    let outcome = enforce(&Judged {
        inv: &inv,
        ops: &judgement.ops,
        decision: &judgement.decision,
        rules: &rules,
        ctx: &ctx,
        payload_sha256: &sources.digests(),
        wait,
    })?;
    if let Outcome::Exit(code) = outcome {
        return Ok(code);
    }
    let shims = shims_dir()?;
    let path = path_with_shims_first(&shims, std::env::var_os("PATH").as_deref());
    supervise(&real, &inv.argv, &path, sources.stdin_read(), wait)
}

/// The installed shims directory: `<prefix>/lib/guard/shims` beside
/// `<prefix>/bin/guard`, found from guard's own (resolved) executable.
pub fn shims_dir() -> Result<PathBuf, GuardError> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| GuardError::Other(format!("cannot locate guard's own binary: {e}")))?;
    let dir = exe.parent().and_then(Path::parent).map(|prefix| prefix.join("lib/guard/shims"));
    match dir {
        Some(d) if d.is_dir() => Ok(d),
        _ => Err(GuardError::Other(format!(
            "no shims directory beside {} (expected <prefix>/lib/guard/shims); install guard with install.sh",
            exe.display()
        ))),
    }
}

/// `shims` first, then PATH without any other copy of it.
pub fn path_with_shims_first(shims: &Path, path: Option<&OsStr>) -> OsString {
    let mut out = OsString::from(shims.as_os_str());
    if let Some(path) = path {
        for entry in path.as_bytes().split(|b| *b == b':') {
            let entry = OsStr::from_bytes(entry);
            if Path::new(entry) == shims {
                continue;
            }
            out.push(":");
            out.push(entry);
        }
    }
    out
}

fn supervise(
    real: &Path,
    argv: &[OsString],
    path: &OsStr,
    stdin: Option<Vec<u8>>,
    wait: Option<std::time::Duration>,
) -> Result<u8, GuardError> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_child_subreaper(true)
        .map_err(|e| GuardError::Other(format!("cannot become a child subreaper: {e}")))?;
    // Block before spawning so no signal or child exit is missed; the child starts
    // with an empty mask (std resets it before exec).
    let mut waited = SigSet::empty();
    for s in FORWARDED {
        waited.add(*s);
    }
    waited.add(Signal::SIGCHLD);
    waited.thread_block().map_err(|e| GuardError::Other(format!("cannot block signals: {e}")))?;
    let mut command = std::process::Command::new(real);
    command.arg0(&argv[0]).args(&argv[1..]).env("PATH", path);
    if let Some(w) = wait {
        command.env("GUARD_WAIT", w.as_secs().to_string());
    }
    if let Some(bytes) = stdin {
        // the child gets exactly the stdin bytes guard judged
        let file = crate::shim::exec::stdin_file(&bytes)
            .map_err(|e| GuardError::Other(format!("cannot hand the judged stdin on: {e}")))?;
        command.stdin(file);
    }
    let child = command.spawn().map_err(|source| GuardError::CannotExecute { path: real.to_path_buf(), source })?;
    let child = Pid::from_raw(child.id() as i32);
    loop {
        let (signal, sent_by_process) = wait_signal(&waited)?;
        if signal == libc::SIGCHLD {
            if let Some(status) = reap(child) {
                return Ok(exit_like(status));
            }
        } else if sent_by_process {
            // a terminal's ^C already reached the child (same process group); only
            // signals another process sent to guard are passed on
            let _ = nix::sys::signal::kill(child, Signal::try_from(signal).ok());
        }
    }
}

/// Waits for one of `set`, returning the signal and whether a process sent it.
fn wait_signal(set: &SigSet) -> Result<(i32, bool), GuardError> {
    loop {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is a valid, initialized sigset; `info` is a writable siginfo_t.
        let sig = unsafe { libc::sigwaitinfo(set.as_ref(), &mut info) };
        if sig >= 0 {
            let sent_by_process = info.si_code == libc::SI_USER || info.si_code == libc::SI_QUEUE;
            return Ok((sig, sent_by_process));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(GuardError::Other(format!("waiting for signals failed: {err}")));
        }
    }
}

/// Reaps every exited child (orphans reparented to guard included); returns the
/// main child's status once it has ended.
fn reap(main: Pid) -> Option<WaitStatus> {
    let mut main_status = None;
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return main_status,
            Ok(status) => {
                if status.pid() == Some(main) && matches!(status, WaitStatus::Exited(..) | WaitStatus::Signaled(..)) {
                    main_status = Some(status);
                }
            }
        }
    }
}

/// The child's exit code, or die of the child's signal as a shell would expect.
fn exit_like(status: WaitStatus) -> u8 {
    match status {
        WaitStatus::Exited(_, code) => code as u8,
        WaitStatus::Signaled(_, signal, _) => {
            // no core file of guard's own for the child's crash
            let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
            unsafe {
                // SAFETY: restoring the default disposition of a valid signal.
                let _ = nix::sys::signal::signal(signal, nix::sys::signal::SigHandler::SigDfl);
            }
            let mut only = SigSet::empty();
            only.add(signal);
            let _ = only.thread_unblock();
            let _ = nix::sys::signal::raise(signal);
            128 + signal as u8
        }
        _ => crate::exit::GUARD_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shims_go_first_once() {
        let p = path_with_shims_first(Path::new("/s"), Some(OsStr::new("/usr/bin:/s:/bin")));
        assert_eq!(p, OsString::from("/s:/usr/bin:/bin"));
        assert_eq!(path_with_shims_first(Path::new("/s"), None), OsString::from("/s"));
    }
}
