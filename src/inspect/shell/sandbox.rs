//! Runs work on hostile input in a forked child under hard limits.
//!
//! brush-parser aborts the process on some inputs: `$(<<\t ` allocates without bound and
//! deep nesting overflows the stack. An abort cannot be caught, and in hook mode a
//! crashed guard lets the command run. So the work runs in a forked child with its
//! address space, CPU time and core size capped, and the parent waits on a pipe with a
//! wall-clock deadline. The child sends back one length-prefixed JSON report and leaves
//! with `_exit` (no destructors, no atexit handlers, no flushing of the parent's copied
//! buffers). A child that dies, is killed, stalls, or answers with something unreadable is
//! a failure, never a result.
//!
//! Forking a multi-threaded process is sound here because the child only allocates
//! (glibc's fork resets the allocator's locks), parses, reads directories and writes to
//! the pipe; it never touches a lock another thread of the parent could have held, since
//! the parent never runs brush-parser itself.

use super::ShellError;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, read, write};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

pub(super) struct Limits {
    /// Address space the child may add to what it inherited.
    pub memory_headroom: u64,
    pub cpu_seconds: u64,
    pub wall: Duration,
    /// The largest report the parent accepts.
    pub max_report: usize,
}

/// Measured: a typical parse costs ~0.3 ms in total; the known hostile inputs are killed
/// by these limits. CPU time bounds a runaway parse; the wall-clock limit only ends a
/// child that stalls, so it is far above a parse's cost: a heavily loaded machine
/// (several builds and test runs at once delayed a parse past 1 s) never turns a normal
/// command into a stop.
pub(super) const PARSER_LIMITS: Limits =
    Limits { memory_headroom: 256 << 20, cpu_seconds: 1, wall: Duration::from_millis(3000), max_report: 64 << 20 };

/// What the child sends back.
#[derive(Serialize, Deserialize)]
enum Report<T> {
    Done(T),
    Panicked,
}

/// How the wait for the report ended.
enum Wait {
    Complete(Vec<u8>),
    TimedOut,
    /// The pipe closed before a whole report arrived.
    Ended,
    Oversized,
    Failed(Errno),
}

/// Runs `work` in a limited child process and returns its result.
pub(super) fn run<T, F>(work: F, limits: &Limits) -> Result<T, ShellError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> T,
{
    let (reader, writer) = open_pipe().map_err(|e| fail(&format!("cannot create a pipe: {e}")))?;
    // SAFETY: the child branch only runs `child_main`, which parses, allocates, reads
    // directories, writes to its pipe and ends with `_exit`; it never returns into the
    // caller's code or uses locks held by other threads of the parent (see module docs).
    match unsafe { fork() } {
        Err(e) => Err(fail(&format!("cannot fork: {e}"))),
        Ok(ForkResult::Child) => {
            drop(reader);
            child_main(work, &writer, limits)
        }
        Ok(ForkResult::Parent { child }) => {
            drop(writer);
            let wait: Wait = read_report(&reader, limits);
            let status: Option<WaitStatus> = reap(child, matches!(wait, Wait::Complete(_)));
            decode(wait, status, limits)
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
fn open_pipe() -> nix::Result<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
fn open_pipe() -> nix::Result<(OwnedFd, OwnedFd)> {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    let (reader, writer) = nix::unistd::pipe()?;
    for fd in [&reader, &writer] {
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
    }
    Ok((reader, writer))
}

fn child_main<T, F>(work: F, writer: &OwnedFd, limits: &Limits) -> !
where
    T: Serialize,
    F: FnOnce() -> T,
{
    let report: Vec<u8> = match restrict(limits) {
        Ok(()) => {
            // A panic must not print through the parent's hook: it becomes a report.
            std::panic::set_hook(Box::new(|_| {}));
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                Ok(value) => serde_json::to_vec(&Report::Done(value)).unwrap_or_default(),
                Err(_) => serde_json::to_vec(&Report::<T>::Panicked).unwrap_or_default(),
            }
        }
        // An empty report reads as "ended without answering": fail closed.
        Err(_) => Vec::new(),
    };
    if !report.is_empty() {
        write_frame(writer, &report);
    }
    // SAFETY: `_exit` ends the process at once; skipping destructors and atexit handlers
    // is the point (they belong to the parent's copied state).
    unsafe { nix::libc::_exit(0) }
}

/// Caps the child's address space, CPU time and core dumps; sends its stderr to
/// /dev/null so a stack-overflow message does not reach the harness.
fn restrict(limits: &Limits) -> nix::Result<()> {
    if let Some(in_use) = address_space_in_use() {
        lower_limit(Resource::RLIMIT_AS, in_use.saturating_add(limits.memory_headroom))?;
    }
    lower_limit(Resource::RLIMIT_CPU, limits.cpu_seconds)?;
    lower_limit(Resource::RLIMIT_CORE, 0)?;
    let null = nix::fcntl::open("/dev/null", nix::fcntl::OFlag::O_WRONLY, nix::sys::stat::Mode::empty());
    if let Ok(null) = null {
        let _ = nix::unistd::dup2_stderr(null.as_fd());
    }
    Ok(())
}

/// Sets both soft and hard limits to `value`, never above the current hard limit.
fn lower_limit(resource: Resource, value: u64) -> nix::Result<()> {
    let (_, hard) = getrlimit(resource)?;
    let value: u64 = value.min(hard);
    setrlimit(resource, value, value)
}

/// The address space already mapped: inherited thread stacks and allocator arenas count
/// against RLIMIT_AS, so the cap is this plus the headroom. Linux only; elsewhere the
/// CPU limit and the wall-clock deadline bound the child.
fn address_space_in_use() -> Option<u64> {
    let statm: String = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    let page_size: u64 = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE).ok()??.try_into().ok()?;
    pages.checked_mul(page_size)
}

/// Writes an 8-byte little-endian length, then the report.
fn write_frame(writer: &OwnedFd, report: &[u8]) {
    let length: [u8; 8] = (report.len() as u64).to_le_bytes();
    if write_all(writer, &length) {
        let _ = write_all(writer, report);
    }
}

fn write_all(writer: &OwnedFd, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        match write(writer, bytes) {
            Ok(0) => return false,
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::EINTR) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Reads one frame, waiting at most `limits.wall` in total.
fn read_report(reader: &OwnedFd, limits: &Limits) -> Wait {
    let deadline: Instant = Instant::now() + limits.wall;
    let mut received: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match complete_frame(&received, limits.max_report) {
            Ok(Some(report)) => return Wait::Complete(report),
            Ok(None) => {}
            Err(()) => return Wait::Oversized,
        }
        let remaining: Duration = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Wait::TimedOut;
        }
        let timeout: PollTimeout = PollTimeout::try_from(remaining).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(0) => return Wait::TimedOut,
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Wait::Failed(e),
        }
        match read(reader, &mut chunk) {
            Ok(0) => return Wait::Ended,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(e) => return Wait::Failed(e),
        }
    }
}

/// The report once all of it has arrived; `Err` when its announced size is too large.
fn complete_frame(received: &[u8], max_report: usize) -> Result<Option<Vec<u8>>, ()> {
    let Some((header, body)) = received.split_first_chunk::<8>() else { return Ok(None) };
    let length: usize = usize::try_from(u64::from_le_bytes(*header)).map_err(|_| ())?;
    if length > max_report {
        return Err(());
    }
    Ok(body.get(..length).map(<[u8]>::to_vec))
}

/// Collects the child. One that has not answered is killed first, so the wait is short.
fn reap(child: Pid, answered: bool) -> Option<WaitStatus> {
    if !answered {
        let _ = kill(child, Signal::SIGKILL);
    }
    loop {
        match waitpid(child, None) {
            Err(Errno::EINTR) => continue,
            Ok(status) => return Some(status),
            Err(_) => return None,
        }
    }
}

fn decode<T: DeserializeOwned>(wait: Wait, status: Option<WaitStatus>, limits: &Limits) -> Result<T, ShellError> {
    let report: Vec<u8> = match wait {
        Wait::Complete(report) => report,
        Wait::TimedOut => return Err(fail(&format!("it took longer than {} ms", limits.wall.as_millis()))),
        Wait::Oversized => return Err(fail("its result is too large")),
        Wait::Failed(e) => return Err(fail(&format!("reading its result failed: {e}"))),
        Wait::Ended => return Err(fail(&ended(status))),
    };
    match serde_json::from_slice::<Report<T>>(&report) {
        Ok(Report::Done(value)) => Ok(value),
        Ok(Report::Panicked) => Err(fail("the parser panicked")),
        Err(e) => Err(fail(&format!("its result is unreadable: {e}"))),
    }
}

fn ended(status: Option<WaitStatus>) -> String {
    match status {
        Some(WaitStatus::Signaled(_, signal, _)) => {
            format!("the parser was killed by {signal} (input too large, deep or hostile)")
        }
        Some(WaitStatus::Exited(_, code)) => format!("the parser exited with status {code} without answering"),
        _ => "the parser ended without answering".to_string(),
    }
}

fn fail(why: &str) -> ShellError {
    ShellError(format!("cannot parse the shell string: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Limits =
        Limits { memory_headroom: 64 << 20, cpu_seconds: 1, wall: Duration::from_millis(500), max_report: 1 << 20 };

    #[test]
    fn returns_the_childs_value() {
        assert_eq!(run(|| vec![1u32, 2, 3], &FAST), Ok(vec![1, 2, 3]));
        let big: String = "x".repeat(300_000);
        assert_eq!(run(|| big.clone(), &FAST).map(|s| s.len()), Ok(300_000));
    }

    #[test]
    fn a_panic_is_an_error() {
        let result: Result<u32, ShellError> = run(|| panic!("boom"), &FAST);
        assert_eq!(result, Err(ShellError("cannot parse the shell string: the parser panicked".into())));
    }

    #[test]
    fn a_stall_is_killed_at_the_deadline() {
        let started = Instant::now();
        let result: Result<u32, ShellError> = run(
            || loop {
                std::hint::spin_loop();
            },
            &FAST,
        );
        assert_eq!(result, Err(ShellError("cannot parse the shell string: it took longer than 500 ms".into())));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn unbounded_allocation_dies_in_the_child() {
        let result: Result<usize, ShellError> = run(
            || {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            },
            &FAST,
        );
        assert!(result.is_err());
    }

    #[test]
    fn stack_overflow_dies_in_the_child() {
        #[allow(unconditional_recursion)]
        fn dive(n: u64) -> u64 {
            let pad = std::hint::black_box([n; 64]);
            pad[3] + dive(n + 1)
        }
        let result: Result<u64, ShellError> = run(|| dive(0), &FAST);
        assert!(result.is_err());
    }

    #[test]
    fn refuses_oversized_reports() {
        let result: Result<String, ShellError> = run(|| "y".repeat(2 << 20), &FAST);
        assert_eq!(result, Err(ShellError("cannot parse the shell string: its result is too large".into())));
    }
}
