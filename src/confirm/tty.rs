//! The controlling terminal, opened directly.
//!
//! `guard approve` talks to `/dev/tty`, never to stdin or stdout, so `echo yes |
//! guard approve` or an agent's pipe can never answer. With no controlling terminal
//! (a hook, a cron job, an agent without a pty) there is no one to ask: refuse.
//! Reads time out, so an unattended prompt does not hang forever.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsFd;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum TtyError {
    #[error(
        "there is no terminal to ask a person on (no controlling terminal): run guard approve in your own terminal"
    )]
    NoTerminal,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the terminal: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Tty {
    writer: File,
    reader: BufReader<File>,
    /// The terminal's device name, for the audit record (`/dev/pts/3`).
    pub name: String,
}

impl Tty {
    pub fn open() -> Result<Tty, TtyError> {
        let file = OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| TtyError::NoTerminal)?;
        if !nix::unistd::isatty(file.as_fd()).unwrap_or(false) {
            return Err(TtyError::NoTerminal);
        }
        let name =
            nix::unistd::ttyname(file.as_fd()).map(|p| p.display().to_string()).unwrap_or_else(|_| "/dev/tty".into());
        let reader = BufReader::new(file.try_clone()?);
        Ok(Tty { writer: file, reader, name })
    }

    pub fn say(&mut self, text: &str) -> Result<(), TtyError> {
        self.writer.write_all(text.as_bytes())?;
        self.writer.flush()?;
        Ok(())
    }

    /// Like [`Tty::ask`], without echoing what is typed (a password). The terminal's
    /// mode is restored however the read ends.
    pub fn ask_hidden(&mut self, prompt: &str, timeout: Duration) -> Result<String, TtyError> {
        use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
        let saved = tcgetattr(self.writer.as_fd()).map_err(|e| TtyError::Io(e.into()))?;
        let mut quiet = saved.clone();
        quiet.local_flags.remove(LocalFlags::ECHO);
        tcsetattr(self.writer.as_fd(), SetArg::TCSAFLUSH, &quiet).map_err(|e| TtyError::Io(e.into()))?;
        struct Restore<'a>(&'a File, nix::sys::termios::Termios);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                let _ = nix::sys::termios::tcsetattr(self.0.as_fd(), nix::sys::termios::SetArg::TCSAFLUSH, &self.1);
            }
        }
        let restore_to = self.writer.try_clone()?;
        let _restore = Restore(&restore_to, saved);
        let answer = self.ask(prompt, timeout);
        let _ = self.say("\n");
        answer
    }

    /// One line typed by the person, without its newline.
    pub fn ask(&mut self, prompt: &str, timeout: Duration) -> Result<String, TtyError> {
        self.say(prompt)?;
        let mut fds = [nix::poll::PollFd::new(self.reader.get_ref().as_fd(), nix::poll::PollFlags::POLLIN)];
        let ms = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
        if self.reader.buffer().is_empty() {
            match nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)) {
                Ok(0) => return Err(TtyError::Timeout(timeout)),
                Ok(_) => {}
                Err(e) => return Err(TtyError::Io(e.into())),
            }
        }
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}
