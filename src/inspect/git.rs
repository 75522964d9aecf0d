//! git aliases, resolved before judging.
//!
//! git never lets an alias shadow a built-in command, so only a subcommand the grammar
//! does not know can be an alias. It is looked up in `-c alias.NAME=…` options first,
//! then by asking the real git (`git config --get alias.NAME`, with the same global
//! options and environment, so every config layer, include and `GIT_CONFIG_*`
//! variable counts). An alias is judged as its expansion; a shell alias (`!cmd`) or
//! one that cannot be resolved stays unknown, which confirms.

use super::Resolver;
use crate::operation::{Command, Unknown};
use crate::rules::RuleSet;
use std::path::Path;
use std::process::{Command as Process, Stdio};

/// git's own limit on alias chains is lower; this only guards against loops.
const MAX_ALIAS_DEPTH: usize = 16;

pub fn resolve_aliases(rules: &RuleSet, mut cmd: Command, words: &[String], cwd: &Path, r: &Resolver) -> Command {
    let mut words = words.to_vec();
    let mut seen = Vec::new();
    for _ in 0..MAX_ALIAS_DEPTH {
        let Some((name, at)) = alias_candidate(&cmd) else { return cmd };
        if seen.contains(&name) {
            return cmd; // a loop: git refuses it, guard keeps it unknown
        }
        let Some(expansion) = alias_from_options(&cmd, &name).or_else(|| alias_from_git(&words[..at], &name, cwd, r))
        else {
            return cmd;
        };
        if expansion.trim_start().starts_with('!') {
            return cmd; // a shell alias: judged as unknown until shell strings are parsed
        }
        let Ok(expanded) = shell_words::split(&expansion) else { return cmd };
        let mut next: Vec<String> = words[..at].to_vec();
        next.extend(expanded);
        next.extend(words[at + 1..].iter().cloned());
        match super::command(rules, "git", &next, cwd) {
            Some(c) => cmd = c,
            None => return cmd,
        }
        words = next;
        seen.push(name);
    }
    cmd
}

/// The unknown word in git's subcommand position, if that is what made it unknown.
fn alias_candidate(cmd: &Command) -> Option<(String, usize)> {
    if !cmd.path.is_empty() {
        return None;
    }
    cmd.unknowns.iter().find_map(|u| match u {
        Unknown::Subcommand { word, at, .. } => Some((word.clone(), *at)),
        Unknown::Option { .. } => None,
    })
}

/// `git -c alias.NAME=VALUE`: the last one wins; variable names are case-insensitive.
fn alias_from_options(cmd: &Command, name: &str) -> Option<String> {
    let key = format!("alias.{}", name.to_ascii_lowercase());
    cmd.option_values("c").iter().rev().find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.to_ascii_lowercase() == key).then(|| v.to_string())
    })
}

/// `globals` are the words before the alias name: git's global options, replayed as
/// written (`-C`, `-c`, `--git-dir`…) so git reads the same repository and config.
fn alias_from_git(globals: &[String], name: &str, cwd: &Path, r: &Resolver) -> Option<String> {
    let git = r.real_binary?;
    let mut args: Vec<String> = globals.to_vec();
    args.extend(["config".into(), "--get".into(), format!("alias.{name}")]);
    let out =
        Process::new(git).args(&args).current_dir(cwd).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim_end_matches('\n').to_string())
}
