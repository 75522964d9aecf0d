//! Wait mode: a stopped command waits a bounded time for a person's approval, then
//! runs, so the agent does not have to retry.
//!
//! The person is told by a desktop notification (`notify-send`, `osascript`, when
//! present) and a bell on the terminal of the `guard exec` session. A timeout ends
//! in the artifact as usual; a signal while waiting ends guard without running
//! anything (the default dispositions do exactly that).

use super::grants::{self, Grant};
use crate::state::{StateDir, StateError};
use std::io::Write;
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(200);

/// Waits for the grant of `fingerprint`; None on timeout.
pub fn for_grant(
    state: &StateDir,
    fingerprint: &str,
    request_id: &str,
    summary: &str,
    timeout: Duration,
) -> Result<Option<Grant>, StateError> {
    let _ = writeln!(
        std::io::stderr(),
        "guard: waiting up to {}s for a person to approve request {request_id} (guard approve {request_id})",
        timeout.as_secs()
    );
    notify(request_id, summary);
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(g) = grants::consume(state, fingerprint)? {
            return Ok(Some(g));
        }
        std::thread::sleep(POLL);
    }
    Ok(None)
}

fn notify(request_id: &str, summary: &str) {
    let title = format!("guard: approval needed ({request_id})");
    let body = format!("{} — run: guard approve {request_id}", crate::display::sanitize(summary));
    let quiet = |c: &mut std::process::Command| {
        c.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    };
    if cfg!(target_os = "macos") {
        let script = format!("display notification {:?} with title {:?}", body, title);
        let mut c = std::process::Command::new("/usr/bin/osascript");
        c.args(["-e", &script]);
        quiet(&mut c);
        let _ = c.spawn();
    } else {
        let mut c = std::process::Command::new("notify-send");
        c.args([&title, &body]);
        quiet(&mut c);
        let _ = c.spawn();
    }
    ring_bell();
}

/// A bell on the terminal of the `guard exec` session (its stderr), else our own.
fn ring_bell() {
    #[cfg(target_os = "linux")]
    if let Some(pid) = super::ancestry::guard_exec_ancestor()
        && let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open(format!("/proc/{pid}/fd/2"))
        && nix::unistd::isatty(std::os::fd::AsFd::as_fd(&tty)).unwrap_or(false)
    {
        let _ = tty.write_all(b"\x07");
        return;
    }
    let _ = std::io::stderr().write_all(b"\x07");
}
