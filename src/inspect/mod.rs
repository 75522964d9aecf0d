//! Turns an invocation into operations.
//!
//! Two stages, as ripgrep separates low and high args: [`argv::normalize`] applies the
//! program's grammar with no I/O; then program-specific resolution that needs the
//! world (a git alias defined in git config) rewrites the argv and normalizes again.

pub mod argv;
pub mod git;

use crate::invocation::Invocation;
use crate::operation::{Command, Operation};
use crate::rules::RuleSet;
use std::path::Path;

/// Where inspectors may look things up. `real_binary` is the program guard would run
/// (absent in `guard check` when it is not installed).
pub struct Resolver<'a> {
    pub real_binary: Option<&'a Path>,
}

/// The operations one invocation performs. A program no pack covers yields none.
pub fn inspect(rules: &RuleSet, inv: &Invocation, cwd: &Path, resolver: &Resolver) -> Vec<Operation> {
    match command(rules, &inv.program, &inv.words, cwd) {
        Some(cmd) => {
            let cmd = match cmd.program.as_str() {
                "git" => git::resolve(rules, cmd, &inv.words, cwd, resolver),
                _ => cmd,
            };
            vec![Operation::Command(cmd)]
        }
        None => Vec::new(),
    }
}

/// Normalizes `words` as arguments of `program`, if a loaded pack knows it.
pub fn command(rules: &RuleSet, program: &str, words: &[String], cwd: &Path) -> Option<Command> {
    let (pack, key, root) = rules.program(program)?;
    let mut cmd = argv::normalize(key, root, rules.packs[pack].spec.unknown, words, cwd);
    cmd.pack = pack;
    Some(cmd)
}
