//! What git's configuration changes about a command, resolved before judging.
//!
//! - **Aliases.** git never lets an alias shadow a built-in command, so only a
//!   subcommand the grammar does not know can be one. It is looked up in
//!   `-c alias.NAME=…` first, then by asking the real git (`git config --get
//!   alias.NAME` with the same global options, cwd and environment, so every config
//!   layer, include and `GIT_CONFIG_*` variable counts). The alias is judged as its
//!   expansion. A shell alias (`!cmd`) or one that cannot be resolved stays unknown,
//!   which confirms.
//! - **Push configuration.** `remote.<name>.mirror = true` makes a plain `git push` a
//!   mirror push, and a `remote.<name>.push` refspec starting with `+` makes it a
//!   force push. For `push`, such settings count as if `--mirror`/`--force` had been
//!   typed.
//!
//! Both need the real git; `guard check` without git installed judges `-c` only.

use super::Ctx;
use crate::operation::{Command, OptionUse, Unknown};
use crate::rules::RuleSet;
use std::process::{Command as Process, Stdio};

/// git's own limit on alias chains is lower; this only guards against loops.
const MAX_ALIAS_DEPTH: usize = 16;

pub fn resolve(rules: &RuleSet, cmd: Command, words: &[String], ctx: &Ctx) -> Command {
    let (mut cmd, words) = resolve_aliases(rules, cmd, words, ctx);
    if cmd.path.first().is_some_and(|p| p == "push") {
        apply_push_config(&mut cmd, &words, ctx);
    }
    cmd
}

fn resolve_aliases(rules: &RuleSet, mut cmd: Command, words: &[String], ctx: &Ctx) -> (Command, Vec<String>) {
    let mut words = words.to_vec();
    let mut seen = Vec::new();
    for _ in 0..MAX_ALIAS_DEPTH {
        let Some((name, at)) = alias_candidate(&cmd) else { break };
        if seen.contains(&name) {
            break; // a loop: git refuses it, guard keeps it unknown
        }
        let found = alias_from_options(&cmd, &name)
            .or_else(|| git_config(&words[..at], &["--get", &format!("alias.{name}")], ctx));
        let Some(expansion) = found else { break };
        if expansion.trim_start().starts_with('!') {
            break; // a shell alias: unknown until shell strings are judged
        }
        let Ok(expanded) = shell_words::split(&expansion) else { break };
        let mut next: Vec<String> = words[..at].to_vec();
        next.extend(expanded);
        next.extend(words[at + 1..].iter().cloned());
        match super::command(rules, "git", &next, ctx.cwd) {
            Some(c) => cmd = c,
            None => break,
        }
        words = next;
        seen.push(name);
    }
    (cmd, words)
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

/// Marks a push that the repository's configuration turns into a mirror or force
/// push, for the remote named on the command line or, when none is, for any remote.
fn apply_push_config(cmd: &mut Command, words: &[String], ctx: &Ctx) {
    let Some(listing) = git_config(&words[..cmd.globals_end], &["--get-regexp", r"^remote\..*\.(mirror|push)$"], ctx)
    else {
        return;
    };
    let named = cmd.operands.first().map(|o| o.text.clone());
    let (mut mirror, mut force) = (false, false);
    for line in listing.lines() {
        let Some((key, value)) = line.split_once(' ') else { continue };
        let Some(rest) = key.strip_prefix("remote.") else { continue };
        let Some((remote, setting)) = rest.rsplit_once('.') else { continue };
        if named.as_deref().is_some_and(|n| n != remote) {
            continue;
        }
        match setting {
            "mirror" => mirror |= matches!(value.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1"),
            // explicit refspecs on the command line replace the configured ones
            "push" => force |= value.starts_with('+') && cmd.operands.len() < 2,
            _ => {}
        }
    }
    for (on, name) in [(mirror, "mirror"), (force, "force")] {
        if on {
            cmd.options.insert(
                0,
                OptionUse {
                    name: name.into(),
                    value: None,
                    negated: false,
                    multiple: false,
                    inert: false,
                    prefix: false,
                },
            );
        }
    }
}

/// `git <globals> config <args>` with the real git, as the command would see it.
/// `globals` are the words before the subcommand, replayed as written.
fn git_config(globals: &[String], args: &[&str], ctx: &Ctx) -> Option<String> {
    let git = ctx.real_binary?;
    let out = Process::new(git)
        .args(globals)
        .arg("config")
        .args(args)
        .current_dir(ctx.cwd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim_end_matches('\n').to_string())
}
