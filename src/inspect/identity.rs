//! What a program is, whatever it was called (threats.md A1).
//!
//! An agent that finds `git push --force` stopped may try `git-push --force`,
//! `/usr/lib/git-core/git-push`, `psql-16` or `python3.12`. Each is the same program
//! under another name; the rules must see the name they were written for:
//!
//! - the basename of a path (done before this module: [`crate::invocation::program_name`]);
//! - a version suffix: `psql-16`, `psql16`, `python3.12`, `terraform_1.9` → the
//!   program without it, when a pack knows that name and not the full one;
//! - a helper named `PROGRAM-SUBCOMMAND` (git's libexec `git-push`, `docker-compose`
//!   style plugins): the program with that subcommand first, when the pack's grammar
//!   has the subcommand.
//!
//! Multi-call binaries (`busybox rm`, `toybox rm`) are wrappers in `rules/wrappers.yaml`;
//! a copy or link of a guarded binary made earlier in the same shell string is
//! followed by [`super::unwrap::shell_string`].

use crate::rules::RuleSet;
use crate::rules::embedded;

/// The program rules know `name` by, and words to put before the arguments
/// (`git-push` → `git`, `["push"]`). `None` when `name` is already a known name or
/// nothing maps it to one.
pub fn identify(rules: &mut RuleSet, name: &str) -> Option<(String, Vec<String>)> {
    if is_known(name) {
        return None;
    }
    for base in without_version(name) {
        if is_known(base) {
            return Some((base.to_string(), Vec::new()));
        }
    }
    helper_subcommand(rules, name)
}

fn is_known(name: &str) -> bool {
    embedded::packs_for_program(name).next().is_some()
}

/// `psql-16` → `psql`; `python3.12` → `python3`, then `python`. Shortest last, so
/// the most specific known name wins.
fn without_version(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = name;
    loop {
        // drop one trailing run of digits, then one separator before it
        let trimmed = rest.trim_end_matches(|c: char| c.is_ascii_digit());
        if trimmed.len() == rest.len() || trimmed.is_empty() {
            break;
        }
        let trimmed = trimmed.strip_suffix(['-', '_', '.']).unwrap_or(trimmed);
        let trimmed = match trimmed.strip_suffix(['v', 'V']) {
            // `tool-v2`: the `v` belongs to the version only after a separator
            Some(t) if t.ends_with(['-', '_']) => &t[..t.len() - 1],
            _ => trimmed,
        };
        if trimmed.is_empty() || !trimmed.starts_with(|c: char| c.is_ascii_alphabetic()) {
            break;
        }
        out.push(trimmed);
        rest = trimmed;
    }
    out
}

/// `git-push` → `git push`: the part after the first dash is a subcommand of the
/// program before it.
fn helper_subcommand(rules: &mut RuleSet, name: &str) -> Option<(String, Vec<String>)> {
    let (program, sub) = name.split_once('-')?;
    if sub.is_empty() || !is_known(program) {
        return None;
    }
    rules.add_program(program);
    let (_, key, root) = rules.program(program)?;
    let known_sub = root.subcommands.iter().any(|(n, child)| *n == sub || child.aliases.iter().any(|a| a == sub));
    known_sub.then(|| (key.to_string(), vec![sub.to_string()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> Option<(String, Vec<String>)> {
        identify(&mut RuleSet::default(), name)
    }

    #[test]
    fn version_suffixes_are_dropped_when_the_base_name_is_guarded() {
        assert_eq!(id("psql-16"), Some(("psql".into(), vec![])));
        assert_eq!(id("psql16"), Some(("psql".into(), vec![])));
        assert_eq!(id("git2.47"), Some(("git".into(), vec![])));
        assert_eq!(id("rm-v2"), Some(("rm".into(), vec![])));
        assert_eq!(id("curl_8.5.0"), Some(("curl".into(), vec![])));
        // a known name is left alone; an unknown base maps to nothing
        assert_eq!(id("psql"), None);
        assert_eq!(id("mkfs.ext4"), None);
        assert_eq!(id("frobnicate-3"), None);
        assert_eq!(id("123"), None);
    }

    #[test]
    fn helpers_named_program_dash_subcommand() {
        assert_eq!(id("git-push"), Some(("git".into(), vec!["push".into()])));
        assert_eq!(id("git-branch"), Some(("git".into(), vec!["branch".into()])));
        // not a subcommand of git: not git
        assert_eq!(id("git-lfs-frob"), None);
        assert_eq!(id("rm-"), None);
    }

    #[test]
    fn each_version_step_is_tried() {
        assert_eq!(without_version("python3.12"), vec!["python3", "python"]);
        assert_eq!(without_version("psql-16"), vec!["psql"]);
        assert!(without_version("git").is_empty());
    }
}
