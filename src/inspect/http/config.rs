//! Finding the config files HTTP clients read on their own (`~/.curlrc`, `~/.wgetrc`,
//! HTTPie's and xh's `config.json`).
//!
//! A config file can turn a plain `curl URL` into a DELETE, so the one the client
//! would read is read too. A candidate that does not exist is skipped, as the client
//! skips it; one that exists but cannot be read is an error: guard cannot tell what
//! it would change. Paths come from the command's environment (`ctx.env`), never
//! from guard's own.

use super::is_missing;
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use std::path::{Path, PathBuf};

/// `$VAR/relative`, when VAR is set and not empty.
pub fn under_env(ctx: &Ctx, var: &str, relative: &str) -> Option<PathBuf> {
    ctx.env.text(var).map(|dir| Path::new(&dir).join(relative))
}

/// The bytes of the first candidate that exists, with its path; None when none does.
pub fn first_existing(ctx: &Ctx, candidates: &[PathBuf]) -> Result<Option<(PathBuf, Vec<u8>)>, String> {
    for path in candidates {
        let shown = path.display().to_string();
        match ctx.sources.file(Path::new("/"), &shown) {
            Payload::Bytes(bytes) => return Ok(Some((path.clone(), bytes))),
            Payload::Unreadable(reason) if is_missing(&reason) => continue,
            Payload::Unreadable(reason) => return Err(format!("cannot read {shown}: {reason}")),
        }
    }
    Ok(None)
}

/// The `default_options` list of an HTTPie or xh `config.json` (empty when absent).
pub fn default_options(bytes: &[u8], shown: &str) -> Result<Vec<String>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("cannot read {shown} as JSON: {e}"))?;
    let Some(list) = value.get("default_options") else { return Ok(Vec::new()) };
    let items = list.as_array().ok_or_else(|| format!("default_options in {shown} is not a list"))?;
    items
        .iter()
        .map(|item| {
            item.as_str().map(String::from).ok_or_else(|| format!("default_options in {shown} holds a non-string"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_strings_or_an_error() {
        assert_eq!(default_options(br#"{"default_options": ["--form", "-v"]}"#, "c").unwrap(), vec!["--form", "-v"]);
        assert_eq!(default_options(b"{}", "c").unwrap(), Vec::<String>::new());
        assert!(default_options(br#"{"default_options": [1]}"#, "c").is_err());
        assert!(default_options(b"{", "c").is_err());
    }
}
