//! Is this process running inside a `guard exec` session?
//!
//! Read from the OS process table (`/proc` on Linux, `ps` over sysctl on macOS),
//! never from an environment variable or a file the agent could set or remove.
//! `guard exec` is a child subreaper on Linux, so descendants that double-fork stay
//! below it. This is a speed bump, not a wall: a process the agent asks an existing
//! tmux server or systemd to start is outside the tree. README says so.

/// A guard supervisor above us, if any: its pid.
pub fn guard_exec_ancestor() -> Option<u32> {
    let mut pid = std::process::id();
    for _ in 0..256 {
        let parent = parent_of(pid)?;
        if parent <= 1 {
            return None;
        }
        if is_guard_exec(parent) {
            return Some(parent);
        }
        pid = parent;
    }
    None
}

#[cfg(target_os = "linux")]
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name is in parentheses and may contain anything: read after the last ')'
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(target_os = "linux")]
fn argv_of(pid: u32) -> Option<Vec<String>> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(raw.split(|b| *b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect())
}

#[cfg(not(target_os = "linux"))]
fn ps(pid: u32, field: &str) -> Option<String> {
    let out = std::process::Command::new("/bin/ps").args(["-o", field, "-p", &pid.to_string()]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(not(target_os = "linux"))]
fn parent_of(pid: u32) -> Option<u32> {
    ps(pid, "ppid=")?.parse().ok()
}

#[cfg(not(target_os = "linux"))]
fn argv_of(pid: u32) -> Option<Vec<String>> {
    Some(ps(pid, "args=")?.split_whitespace().map(String::from).collect())
}

/// `guard exec …`: the program is guard (by name or by being this very binary) and
/// its first argument is `exec`.
fn is_guard_exec(pid: u32) -> bool {
    let Some(argv) = argv_of(pid) else { return false };
    let first_is_exec = argv.get(1).is_some_and(|a| a == "exec");
    let named_guard = argv.first().is_some_and(|a| crate::invocation::program_name(a.as_ref()) == crate::GUARD_NAME);
    first_is_exec && (named_guard || same_binary(pid))
}

#[cfg(target_os = "linux")]
fn same_binary(pid: u32) -> bool {
    let other = crate::shim::resolve::FileId::of(std::path::Path::new(&format!("/proc/{pid}/exe")));
    other.is_some() && other == crate::shim::resolve::guard_identity().ok()
}

#[cfg(not(target_os = "linux"))]
fn same_binary(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_test_runner_is_not_under_guard_exec() {
        assert_eq!(super::guard_exec_ancestor(), None);
        assert!(super::parent_of(std::process::id()).is_some());
    }
}
