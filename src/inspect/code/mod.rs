//! Interpreters: the code `python -c`, `node -e`, `ruby -e`, `perl -e`, `php -r`,
//! `deno eval`, `bun -e` and `awk` run, judged by what it would do.
//!
//! Heuristic by nature. The code is tokenized (string literals, escapes, comments and
//! heredocs understood; see [`lexer`]), call sites are found with the literal values of
//! their arguments ([`calls`]), and the calls that destroy become effects guard already
//! judges ([`catalog`]): `shutil.rmtree("/srv")` is judged as `rm -r -f -- /srv`,
//! `os.system("git push -f")` as that shell string, `requests.delete(url)` as the
//! request curl would send, `cursor.execute("DROP TABLE t")` as that statement. So the
//! rules for `rm`, every shell program, HTTP and SQL decide, at any depth.
//!
//! What guard cannot know stops only where it matters: a destroying call whose
//! argument is computed when the code runs (`shutil.rmtree(path)`,
//! `os.system(cmd)`) needs a person; plain computation stays allowed, whatever
//! variables it uses. Code guard cannot tokenize needs a person only if it names a
//! destroying call.
//!
//! A script file or module is not scanned: `python manage.py flush` is judged as the
//! program `manage.py` with `flush`, `python -m alembic downgrade base` as `alembic
//! downgrade base` (the pack's `packages:` maps module names to programs), so the
//! packs for those programs decide. The commands a script starts through `PATH` meet
//! their own shims when it runs.
//!
//! Limits: no data flow (a path assigned to a variable first is unknown), no aliases
//! of modules beyond the names a library is usually imported as, and code that
//! builds names dynamically (`getattr(os, "sys"+"tem")`) is not seen.

pub mod calls;
pub mod catalog;
pub mod lexer;

use super::payload::Payload;
use super::unwrap::{self, UNKNOWN};
use super::{Ctx, inspect_argv};
use crate::invocation::program_name;
use crate::operation::{Command, Operation, Unjudged};
use crate::rules::RuleSet;
use crate::rules::schema::Code;
use calls::Lit;
use catalog::Effect;
use lexer::{Lang, Tok};
use std::ffi::OsStr;

/// Code larger than this is not judged by parts.
const MAX_CODE_BYTES: usize = 1 << 20;

/// The operations of an interpreter invocation.
pub fn inspect(rules: &mut RuleSet, cmd: &Command, spec: &Code, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let here = format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string();
    let Some(lang) = Lang::from_name(&spec.language) else {
        return vec![unjudged(&here, &format!("guard cannot read {} code", spec.language))];
    };
    if spec.sandbox_option.as_deref().is_some_and(|o| cmd.option_in_effect(o)) {
        return Vec::new();
    }
    let operands: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    let mut codes: Vec<Source> = Vec::new();
    let mut ops = Vec::new();
    for option in spec.options.iter() {
        codes.extend(cmd.option_values(option).into_iter().map(|v| Source::Word(v.to_string())));
    }
    for option in spec.file_options.iter() {
        for file in cmd.option_values(option) {
            codes.push(match file {
                "-" | "/dev/stdin" => Source::Stdin,
                f if f.contains(UNKNOWN) => {
                    ops.push(unjudged(
                        &here,
                        &format!("the program file `{}` is only known when it runs", unwrap::shown(f)),
                    ));
                    continue;
                }
                f => Source::File(f.to_string()),
            });
        }
    }
    let mut rest = operands.as_slice();
    if codes.is_empty() && spec.operand {
        match rest.split_first() {
            Some((first, tail)) => {
                codes.push(Source::Word(first.to_string()));
                rest = tail;
            }
            None => return ops,
        }
    }
    if codes.is_empty() {
        if let Some(module) = spec.module_option.as_deref().and_then(|o| cmd.option_values(o).last().copied()) {
            ops.extend(delegate(rules, &here, module, true, rest, ctx, depth));
            return ops;
        }
        if let Some(script) = spec.script_option.as_deref().and_then(|o| cmd.option_values(o).last().copied()) {
            ops.extend(delegate(rules, &here, script, false, rest, ctx, depth));
            return ops;
        }
        match rest.split_first() {
            Some((&"-", _)) if spec.stdin => codes.push(Source::Stdin),
            Some((script, args)) if spec.script => {
                ops.extend(delegate(rules, &here, script, false, args, ctx, depth));
                return ops;
            }
            Some(_) => {}
            None if spec.stdin => codes.push(Source::Stdin),
            None => {}
        }
    }
    for source in codes {
        let (text, from) = match source {
            Source::Word(w) => (w, "its code".to_string()),
            Source::File(f) => match ctx.sources.file(&cmd.dir, &f) {
                Payload::Bytes(b) => (String::from_utf8_lossy(&b).into_owned(), format!("the program {f}")),
                Payload::Unreadable(reason) => {
                    ops.push(unjudged(&here, &format!("the program {f}: {reason}")));
                    continue;
                }
            },
            Source::Stdin => match ctx.sources.stdin() {
                None => continue, // a person typing at an interactive interpreter
                Some(Payload::Bytes(b)) => (String::from_utf8_lossy(&b).into_owned(), "the code on stdin".to_string()),
                Some(Payload::Unreadable(reason)) => {
                    ops.push(unjudged(&here, &format!("the code on stdin: {reason}")));
                    continue;
                }
            },
        };
        ops.extend(judge_code(rules, lang, &here, &text, &from, ctx, depth));
    }
    ops
}

enum Source {
    /// Code given on the command line (possibly only known when the shell runs it).
    Word(String),
    File(String),
    Stdin,
}

/// A script file or module, judged as the program it names.
fn delegate(
    rules: &mut RuleSet,
    here: &str,
    name: &str,
    module: bool,
    args: &[&str],
    ctx: &Ctx,
    depth: usize,
) -> Vec<Operation> {
    let shown = unwrap::shown(name).trim_matches(['"', '\'']);
    let base = shown.rsplit('/').next().unwrap_or(shown);
    if name.contains(UNKNOWN) && (base.is_empty() || base.contains(['$', '`', '*', '?'])) {
        return vec![unjudged(here, &format!("the script `{shown}` is only known when it runs"))];
    }
    let program = if module {
        unwrap::package_program(rules, base)
    } else if let Some(package) = base.strip_prefix("npm:").or_else(|| shown.strip_prefix("npm:")) {
        unwrap::package_program(rules, package)
    } else {
        program_name(OsStr::new(base))
    };
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    inspect_argv(rules, &program, &args, ctx, depth + 1)
}

/// One piece of code: what its destroying calls would do, judged.
fn judge_code(
    rules: &mut RuleSet,
    lang: Lang,
    here: &str,
    text: &str,
    from: &str,
    ctx: &Ctx,
    depth: usize,
) -> Vec<Operation> {
    if text.len() > MAX_CODE_BYTES {
        return vec![unjudged(here, &format!("{from} is larger than {} KiB", MAX_CODE_BYTES >> 10))];
    }
    // code with shell expansions in it: judged only where the expansions are inside
    // the code's own string literals, which then count as unknown
    let (code, expansions) = match text.strip_prefix(UNKNOWN) {
        None => (text.to_string(), Vec::new()),
        Some(written) => match double_quoted(written) {
            Some(pair) => pair,
            None => return vec![unjudged(here, &format!("{from} is only known when it runs"))],
        },
    };
    let mut tokens = match lexer::tokenize(lang, &code) {
        Ok(t) => t,
        Err(e) => {
            return match destroy_name(&code) {
                Some(name) => {
                    vec![unjudged(here, &format!("guard cannot read {from} ({e}), and it mentions `{name}`"))]
                }
                None => Vec::new(),
            };
        }
    };
    for &at in &expansions {
        match tokens.iter_mut().find(|t| t.start <= at && at < t.end) {
            Some(t) => match &mut t.tok {
                Tok::Str { literal, .. } | Tok::Cmd { literal, .. } => *literal = false,
                _ => return vec![unjudged(here, &format!("{from} holds shell expansions outside its strings"))],
            },
            None => return vec![unjudged(here, &format!("{from} holds shell expansions outside its strings"))],
        }
    }
    let hints = catalog::Hints::new(lang, &tokens);
    let mut ops = Vec::new();
    for site in calls::sites(lang, &tokens, &code) {
        for effect in catalog::effects(lang, &site, &hints) {
            ops.extend(judge_effect(rules, here, effect, ctx, depth));
        }
    }
    ops
}

/// A shell word as written: `"…"` with bash's double-quote escapes removed, and the
/// positions of the `$` and backticks the shell would expand. None for anything else.
fn double_quoted(written: &str) -> Option<(String, Vec<usize>)> {
    let inner = written.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut expansions = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| matches!(n, '$' | '`' | '"' | '\\' | '\n')) => {
                let n = chars.next().unwrap_or('\\');
                if n != '\n' {
                    out.push(n);
                }
            }
            '"' => return None, // the word has more than one quoted part
            '$' | '`' => {
                expansions.push(out.len());
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Some((out, expansions))
}

fn destroy_name(code: &str) -> Option<&'static str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find_map(|w| catalog::DESTROY_NAMES.iter().find(|n| **n == w).copied())
        .or_else(|| code.contains('`').then_some("`"))
}

fn judge_effect(rules: &mut RuleSet, here: &str, effect: Effect, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let word = |lit: &Lit| match lit {
        Lit::Str(s) => s.clone(),
        Lit::Num(n) => n.clone(),
        other => format!("{UNKNOWN}{}", other.shown()),
    };
    match effect {
        Effect::RemoveTree { what, path } | Effect::RemoveFile { what, path } if !path.is_known() => {
            vec![unjudged(here, &format!("{what} deletes `{}`, which is only known when the code runs", path.shown()))]
        }
        Effect::RemoveTree { path, .. } => {
            inspect_argv(rules, "rm", &argv(&["-r", "-f", "--", &word(&path)]), ctx, depth + 1)
        }
        Effect::RemoveFile { path, .. } => {
            inspect_argv(rules, "rm", &argv(&["-f", "--", &word(&path)]), ctx, depth + 1)
        }
        Effect::Shell { what, command: Lit::Str(s) } => {
            let _ = what;
            unwrap::shell_string(rules, &s, ctx, depth + 1)
        }
        Effect::PipeTo { what: _, command: Lit::Str(s) } => {
            let piped = PipedStdin { inner: ctx.sources };
            let inner = Ctx { sources: &piped, ..*ctx };
            unwrap::shell_string(rules, &s, &inner, depth + 1)
        }
        Effect::Shell { what, command } | Effect::PipeTo { what, command } => {
            vec![unjudged(here, &format!("{what} runs a command only known when the code runs: `{}`", command.shown()))]
        }
        Effect::Argv { what, argv } => match argv.split_first() {
            Some((Lit::Str(program), args)) => {
                let args: Vec<String> = args.iter().map(word).collect();
                inspect_argv(rules, &program_name(OsStr::new(program)), &args, ctx, depth + 1)
            }
            Some((other, _)) => {
                vec![unjudged(
                    here,
                    &format!("{what} runs a program only known when the code runs: `{}`", other.shown()),
                )]
            }
            None => vec![unjudged(here, &format!("{what} runs a command guard cannot read"))],
        },
        Effect::Http { what, method, url, body } => {
            let Lit::Str(method) = method else {
                return vec![unjudged(
                    here,
                    &format!("{what} sends a request whose method is only known when the code runs"),
                )];
            };
            let method = method.to_ascii_uppercase();
            if matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
                return Vec::new();
            }
            let mut words = vec!["-X".to_string(), method, word(&url)];
            match body {
                None | Some(Lit::Null) => {}
                Some(Lit::Str(text)) => words.extend(["--data-binary".to_string(), text]),
                Some(lit @ (Lit::Map(_) | Lit::List(_))) => match lit.to_json() {
                    Some(json) => words.extend(["--json".to_string(), json.to_string()]),
                    None => words.extend(["--data-binary".to_string(), word(&lit)]),
                },
                Some(other) => words.extend(["--data-binary".to_string(), word(&other)]),
            }
            inspect_argv(rules, "curl", &words, ctx, depth + 1)
        }
        Effect::Sql { what, client, statement } => match statement {
            Lit::Str(s) => {
                let words = match client {
                    "mysql" => argv(&["-e", &s]),
                    "sqlite3" => argv(&["(database)", &s]),
                    _ => argv(&["-c", &s]),
                };
                inspect_argv(rules, client, &words, ctx, depth + 1)
            }
            other => {
                vec![unjudged(here, &format!("{what} runs SQL only known when the code runs: `{}`", other.shown()))]
            }
        },
    }
}

/// The sources of a command the code pipes its output into: its stdin is that
/// output, which guard cannot know.
struct PipedStdin<'a> {
    inner: &'a dyn super::payload::Sources,
}

impl super::payload::Sources for PipedStdin<'_> {
    fn file(&self, dir: &std::path::Path, name: &str) -> Payload {
        self.inner.file(dir, name)
    }
    fn stdin(&self) -> Option<Payload> {
        Some(Payload::Unreadable("it is what the code writes into the pipe when it runs".into()))
    }
    fn digests(&self) -> Vec<[u8; 32]> {
        self.inner.digests()
    }
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn unjudged(destination: &str, reason: &str) -> Operation {
    Operation::Unjudged(Unjudged { destination: destination.to_string(), reason: reason.to_string() })
}

#[cfg(test)]
mod tests;
