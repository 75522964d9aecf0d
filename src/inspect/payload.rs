//! Payloads: the bytes a command sends that are not in its argv.
//!
//! Inspectors ask a [`Sources`] for a file named on the command line (`-d @body.json`,
//! `psql -f x.sql`) or for the command's stdin (`@-`, `psql < dump.sql`), and get back
//! the exact bytes guard will judge, or why it could not read them. Reading is bounded
//! in size and time; anything guard cannot read completely is never judged by a prefix.
//! The shim hands the real program the very bytes it read from stdin (see
//! `shim::stdin`), so what was judged is what runs.

use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Files and stdin larger than this are not judged: the command is stopped instead.
pub const MAX_PAYLOAD_BYTES: usize = 8 << 20;
/// A pipe that delivers nothing for this long is treated as unreadable.
pub const STDIN_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Read completely.
    Bytes(Vec<u8>),
    /// Could not be judged; the reason is for the artifact.
    Unreadable(String),
}

impl Payload {
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Payload::Bytes(b) => Some(b),
            Payload::Unreadable(_) => None,
        }
    }

    pub fn sha256(&self) -> Option<[u8; 32]> {
        self.bytes().map(|b| Sha256::digest(b).into())
    }
}

/// Where payloads come from. Inspectors never touch the file system themselves.
pub trait Sources {
    /// A file named on the command line, relative to the command's directory.
    fn file(&self, dir: &Path, name: &str) -> Payload;
    /// The command's stdin. `None` when stdin is a terminal: a person typing into an
    /// interactive program is not a payload guard can judge in advance.
    fn stdin(&self) -> Option<Payload>;
    /// SHA-256 of every payload read through this source so far, in order (an
    /// unreadable one counts as zeros). Part of the request fingerprint.
    fn digests(&self) -> Vec<[u8; 32]>;
}

/// The real file system and stdin, with every payload read recorded so that its hash
/// joins the request fingerprint and stdin can be replayed to the real program.
#[derive(Default)]
pub struct RealSources {
    /// stdin, once read (it can be read only once).
    stdin: RefCell<Option<Option<Payload>>>,
    /// Hashes of everything read, in the order read.
    pub read: RefCell<Vec<(String, Option<[u8; 32]>)>>,
}

impl RealSources {
    /// Real files, but stdin given rather than read (`guard check --stdin FILE`; None:
    /// the command has no stdin to judge).
    pub fn with_stdin(stdin: Option<Payload>) -> RealSources {
        RealSources { stdin: RefCell::new(Some(stdin)), read: RefCell::default() }
    }

    /// The stdin bytes read, if any: the shim must hand exactly these to the program.
    pub fn stdin_read(&self) -> Option<Vec<u8>> {
        match &*self.stdin.borrow() {
            Some(Some(Payload::Bytes(b))) => Some(b.clone()),
            _ => None,
        }
    }
}

impl Sources for RealSources {
    fn file(&self, dir: &Path, name: &str) -> Payload {
        let path = if Path::new(name).is_absolute() { PathBuf::from(name) } else { dir.join(name) };
        let payload = read_file(&path);
        self.read.borrow_mut().push((format!("file {}", path.display()), payload.sha256()));
        payload
    }

    fn stdin(&self) -> Option<Payload> {
        if let Some(done) = &*self.stdin.borrow() {
            return done.clone();
        }
        let got = read_stdin();
        if let Some(p) = &got {
            self.read.borrow_mut().push(("stdin".into(), p.sha256()));
        }
        *self.stdin.borrow_mut() = Some(got.clone());
        got
    }

    fn digests(&self) -> Vec<[u8; 32]> {
        self.read.borrow().iter().map(|(_, d)| d.unwrap_or([0; 32])).collect()
    }
}

/// Test and `guard check` sources: fixed files and stdin.
#[derive(Default)]
pub struct FixedSources {
    pub files: Vec<(String, Payload)>,
    pub stdin: Option<Payload>,
}

impl Sources for FixedSources {
    fn file(&self, _dir: &Path, name: &str) -> Payload {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| Payload::Unreadable(format!("{name}: no such file")))
    }
    fn stdin(&self) -> Option<Payload> {
        self.stdin.clone()
    }
    fn digests(&self) -> Vec<[u8; 32]> {
        Vec::new()
    }
}

/// Reads a payload file: regular files only (a FIFO, device or socket could block,
/// never end, or give different bytes to guard and to the program), bounded in size.
pub fn read_file(path: &Path) -> Payload {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Payload::Unreadable(format!("{shown}: {e}")),
    };
    let ft = meta.file_type();
    // the null device always reads as empty (`< /dev/null` sends nothing)
    if ft.is_char_device() && std::fs::canonicalize(path).is_ok_and(|p| p == Path::new("/dev/null")) {
        return Payload::Bytes(Vec::new());
    }
    if ft.is_fifo() || ft.is_socket() || ft.is_block_device() || ft.is_char_device() {
        return Payload::Unreadable(format!("{shown} is a FIFO, socket or device, not a file"));
    }
    if !ft.is_file() {
        return Payload::Unreadable(format!("{shown} is not a regular file"));
    }
    if meta.len() > MAX_PAYLOAD_BYTES as u64 {
        return Payload::Unreadable(format!("{shown} is larger than {} MiB", MAX_PAYLOAD_BYTES >> 20));
    }
    match std::fs::File::open(path) {
        Ok(f) => read_bounded(f, &shown.to_string()),
        Err(e) => Payload::Unreadable(format!("{shown}: {e}")),
    }
}

fn read_bounded(r: impl Read, what: &str) -> Payload {
    let mut buf = Vec::new();
    match r.take(MAX_PAYLOAD_BYTES as u64 + 1).read_to_end(&mut buf) {
        Ok(_) if buf.len() > MAX_PAYLOAD_BYTES => {
            Payload::Unreadable(format!("{what} is larger than {} MiB", MAX_PAYLOAD_BYTES >> 20))
        }
        Ok(_) => Payload::Bytes(buf),
        Err(e) => Payload::Unreadable(format!("{what}: {e}")),
    }
}

/// Reads all of stdin (fd 0) unless it is a terminal, within the size and time bounds.
fn read_stdin() -> Option<Payload> {
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    if nix::unistd::isatty(stdin.as_fd()).unwrap_or(false) {
        return None;
    }
    let fd = stdin.as_fd();
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let deadline = std::time::Instant::now() + STDIN_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let mut fds = [nix::poll::PollFd::new(fd, nix::poll::PollFlags::POLLIN)];
        let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)) {
            Ok(0) => return Some(Payload::Unreadable("stdin sent nothing in time".into())),
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Some(Payload::Unreadable(format!("stdin: {e}"))),
        }
        match nix::unistd::read(fd, &mut chunk) {
            Ok(0) => return Some(Payload::Bytes(buf)),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > MAX_PAYLOAD_BYTES {
                    return Some(Payload::Unreadable(format!("stdin is larger than {} MiB", MAX_PAYLOAD_BYTES >> 20)));
                }
            }
            Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) => continue,
            // a closed or invalid stdin is empty input, as the program would see it
            Err(nix::errno::Errno::EBADF) => return Some(Payload::Bytes(Vec::new())),
            Err(e) => return Some(Payload::Unreadable(format!("stdin: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_whole_or_not_at_all() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.json"), b"{\"q\":1}").unwrap();
        assert_eq!(read_file(&t.path().join("a.json")), Payload::Bytes(b"{\"q\":1}".to_vec()));
        assert!(matches!(read_file(&t.path().join("missing")), Payload::Unreadable(_)));
        assert!(matches!(read_file(t.path()), Payload::Unreadable(m) if m.contains("not a regular file")));
        nix::unistd::mkfifo(&t.path().join("fifo"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert!(matches!(read_file(&t.path().join("fifo")), Payload::Unreadable(m) if m.contains("FIFO")));
        let big = t.path().join("big");
        std::fs::write(&big, vec![b' '; MAX_PAYLOAD_BYTES + 1]).unwrap();
        assert!(matches!(read_file(&big), Payload::Unreadable(m) if m.contains("larger")));
    }
}
