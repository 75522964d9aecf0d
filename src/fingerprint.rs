//! The request fingerprint: what a person's approval is bound to.
//!
//! SHA-256 over a canonical, length-prefixed encoding of the real binary's path, the
//! exact argv bytes, the cwd, the resolved target, hashes of any payload read, and the
//! environment variables the pack names as selecting the target. A grant matches only
//! a request with the same fingerprint: another argv, directory, target or payload is
//! another request.

use crate::target::Target;
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub struct FingerprintInput<'a> {
    pub real_binary: Option<&'a Path>,
    pub argv: &'a [OsString],
    pub cwd: &'a Path,
    pub target: &'a Target,
    pub payload_sha256: &'a [[u8; 32]],
    /// (name, value) for each variable the pack names; unset ones included as absent.
    pub target_env: &'a [(String, Option<OsString>)],
}

pub fn fingerprint(input: &FingerprintInput) -> String {
    let mut h = Sha256::new();
    let mut field = |tag: u8, bytes: &[u8]| {
        h.update([tag]);
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(b'V', b"guard-fingerprint-v1");
    field(b'B', input.real_binary.map(|p| p.as_os_str().as_bytes()).unwrap_or(b""));
    field(b'N', &(input.argv.len() as u64).to_be_bytes());
    for arg in input.argv {
        field(b'A', arg.as_bytes());
    }
    field(b'C', input.cwd.as_os_str().as_bytes());
    // field order of `Target` is fixed, so its JSON is canonical
    field(b'T', serde_json::to_string(input.target).unwrap_or_default().as_bytes());
    for digest in input.payload_sha256 {
        field(b'P', digest);
    }
    for (name, value) in input.target_env {
        field(b'E', name.as_bytes());
        match value {
            Some(v) => field(b'=', v.as_bytes()),
            None => field(b'-', b""),
        }
    }
    let digest = h.finalize();
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(argv: &[&str], cwd: &str, env: &[(String, Option<OsString>)]) -> String {
        let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
        fingerprint(&FingerprintInput {
            real_binary: Some(Path::new("/usr/bin/git")),
            argv: &argv,
            cwd: Path::new(cwd),
            target: &Target::default(),
            payload_sha256: &[],
            target_env: env,
        })
    }

    #[test]
    fn every_input_changes_it() {
        let base = fp(&["git", "push", "-f"], "/w", &[]);
        assert!(base.starts_with("sha256:") && base.len() == 71);
        assert_eq!(base, fp(&["git", "push", "-f"], "/w", &[]));
        assert_ne!(base, fp(&["git", "push", "--force"], "/w", &[]));
        assert_ne!(base, fp(&["git", "push", "-f"], "/w2", &[]));
        // length prefixes: moving a byte between arguments is a different request
        assert_ne!(fp(&["git", "pushx", "f"], "/w", &[]), fp(&["git", "push", "xf"], "/w", &[]));
        let env = [("RAILWAY_TOKEN".to_string(), Some(OsString::from("t")))];
        assert_ne!(base, fp(&["git", "push", "-f"], "/w", &env));
    }
}
