//! One invocation as guard received it: exact argv bytes plus the text rules read.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// Inputs beyond these are not judged by parts: the whole call is stopped as
/// oversized (Linux itself caps one argument at 128 KiB and all of them at ~2 MiB).
pub const MAX_ARGS: usize = 65_536;
pub const MAX_ARG_BYTES: usize = 1 << 20;
pub const MAX_TOTAL_BYTES: usize = 8 << 20;

#[derive(Debug, Clone)]
pub struct Invocation {
    /// Exactly as received; argv[0] as invoked. This is what gets exec'd.
    pub argv: Vec<OsString>,
    /// The executable name rules know it by: the basename of argv[0].
    pub program: String,
    /// argv[1..] as text; bytes that are not UTF-8 become U+FFFD, which no rule's
    /// safe spelling contains, so undecodable input can only make a rule match.
    pub words: Vec<String>,
}

impl Invocation {
    pub fn new(argv: Vec<OsString>) -> Invocation {
        let program = argv.first().map(|a| program_name(a)).unwrap_or_default();
        let words = argv.iter().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
        Invocation { argv, program, words }
    }

    /// Too big to judge piece by piece.
    pub fn oversized(&self) -> bool {
        let total: usize = self.argv.iter().map(|a| a.len()).sum();
        self.argv.len() > MAX_ARGS || total > MAX_TOTAL_BYTES || self.argv.iter().any(|a| a.len() > MAX_ARG_BYTES)
    }
}

/// The basename of a path, as text.
pub fn program_name(arg0: &OsStr) -> String {
    let bytes = arg0.as_bytes();
    let base = bytes.rsplit(|b| *b == b'/').next().unwrap_or(bytes);
    String::from_utf8_lossy(base).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn basename_and_lossy_words() {
        let inv = Invocation::new(vec![
            OsString::from("/usr/bin/git"),
            OsString::from("push"),
            OsString::from_vec(vec![b'a', 0xff]),
        ]);
        assert_eq!(inv.program, "git");
        assert_eq!(inv.words, vec!["push".to_string(), "a\u{fffd}".to_string()]);
        assert!(!inv.oversized());
    }

    #[test]
    fn oversized_by_count() {
        let argv = std::iter::repeat_n(OsString::from("x"), MAX_ARGS + 1).collect();
        assert!(Invocation::new(argv).oversized());
    }
}
