//! Commands stored to run later or elsewhere, read from where each program keeps them.
//!
//! - `at`, `batch`: a shell script from `-f FILE` or stdin.
//! - `crontab FILE|-`: every job line's command (after the five time fields or an
//!   `@daily`-style nickname; environment lines skipped, `%` ends the command).
//! - `tmux send-keys`: the text typed into a pane; `Enter`/`C-m` end a command line.
//! - `screen`: the command it starts (`screen -dm CMD…`) or the one `-X` sends
//!   (`stuff TEXT`, `exec CMD…`, `screen CMD…`).
//!
//! Each command is judged as a shell string or argv by the same engine; a payload
//! guard cannot read needs a person. The pack names the reader (`runs: { via: … }`).

use super::payload::Payload;
use super::unwrap::{self, UNKNOWN, unjudged};
use super::{Ctx, inspect_argv};
use crate::invocation::program_name;
use crate::operation::{Command, Operation};
use crate::rules::RuleSet;
use std::ffi::OsStr;

pub fn inspect(rules: &mut RuleSet, cmd: &Command, via: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let here = format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string();
    match via {
        "at" => at(rules, cmd, &here, ctx, depth),
        "crontab" => crontab(rules, cmd, &here, ctx, depth),
        "keys" => keys(rules, cmd, &here, ctx, depth),
        "screen" => screen(rules, cmd, &here, ctx, depth),
        other => vec![unjudged(&here, &format!("this guard cannot read `{other}` payloads"))],
    }
}

/// The text of a file option's value (`-` is stdin), or stdin when there is none.
fn file_or_stdin(cmd: &Command, file: Option<&str>, here: &str, ctx: &Ctx) -> Result<Option<String>, Box<Operation>> {
    let payload = match file {
        Some(f) if f.contains(UNKNOWN) => {
            return Err(Box::new(unjudged(
                here,
                &format!("the file `{}` is only known when it runs", unwrap::shown(f)),
            )));
        }
        Some("-") | None => match ctx.sources.stdin() {
            None => return Ok(None), // typed by a person at a terminal
            Some(p) => p,
        },
        Some(f) => ctx.sources.file(&cmd.dir, f),
    };
    match payload {
        Payload::Bytes(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Payload::Unreadable(reason) => Err(Box::new(unjudged(here, &format!("the job's commands: {reason}")))),
    }
}

/// `at`/`batch`: the job is a shell script. Listing, showing or removing jobs runs nothing.
fn at(rules: &mut RuleSet, cmd: &Command, here: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    // -l list, -c show, -d/-r remove, -V version
    if ["l", "c", "d", "r", "V"].iter().any(|o| cmd.option_in_effect(o)) {
        return Vec::new();
    }
    match file_or_stdin(cmd, cmd.option_values("f").last().copied(), here, ctx) {
        Ok(Some(script)) => unwrap::shell_string(rules, &script, ctx, depth),
        Ok(None) => Vec::new(),
        Err(op) => vec![*op],
    }
}

/// `crontab FILE` / `crontab -` / `crontab` (stdin) installs these jobs.
fn crontab(rules: &mut RuleSet, cmd: &Command, here: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    // -l list, -r remove (a rule of its own), -e edit, -T test, -n/-c cluster host, -V version
    if ["l", "r", "e", "T", "n", "c", "V"].iter().any(|o| cmd.option_in_effect(o)) {
        return Vec::new();
    }
    let text = match file_or_stdin(cmd, cmd.operands.first().map(|o| o.text.as_str()), here, ctx) {
        Ok(Some(t)) => t,
        Ok(None) => return Vec::new(),
        Err(op) => return vec![*op],
    };
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match cron_command(line) {
            Ok(None) => {}
            Ok(Some(command)) => ops.extend(unwrap::shell_string(rules, &command, ctx, depth)),
            Err(why) => ops.push(unjudged(here, &format!("crontab line {}: {why}", n + 1))),
        }
    }
    ops
}

/// The command of one crontab line; None for blank, comment and environment lines.
pub fn cron_command(line: &str) -> Result<Option<String>, String> {
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    if let Some((name, _)) = line.split_once('=')
        && !name.trim().is_empty()
        && name.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Ok(None);
    }
    let rest = if let Some(nick) = line.strip_prefix('@') {
        let (name, rest) = nick.split_once([' ', '\t']).ok_or("a nickname with no command")?;
        const NICKNAMES: &[&str] =
            &["reboot", "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly"];
        if !NICKNAMES.contains(&name) {
            return Err(format!("unknown schedule `@{name}`"));
        }
        rest
    } else {
        let mut rest = line;
        for _ in 0..5 {
            let (field, tail) = rest.split_once([' ', '\t']).ok_or("fewer than five time fields and a command")?;
            if !field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/')) {
                return Err(format!("`{field}` is not a time field"));
            }
            rest = tail.trim_start();
        }
        rest
    };
    // an unescaped `%` ends the command (what follows is its stdin); `\%` is a `%`
    let mut command = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'%') => {
                command.push('%');
                chars.next();
            }
            '%' => break,
            c => command.push(c),
        }
    }
    Ok(Some(command.trim().to_string()))
}

/// Key names tmux sends as one key; those that end a line make the typed text run.
const LINE_ENDS: &[&str] = &["Enter", "C-m", "C-j", "KPEnter", "^M", "^J"];

/// `tmux send-keys [-lR…] [-t pane] KEY…`: the text typed, line by line.
fn keys(rules: &mut RuleSet, cmd: &Command, here: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    if cmd.option_in_effect("X") || cmd.option_in_effect("hex") {
        // copy-mode commands, or keys as hex codes guard does not decode
        return if cmd.option_in_effect("X") { Vec::new() } else { vec![unjudged(here, "keys sent as hex codes")] };
    }
    let literal = cmd.option_in_effect("literal");
    let mut text = String::new();
    for operand in cmd.operands.iter().map(|o| o.text.as_str()) {
        if operand.contains(UNKNOWN) {
            return vec![unjudged(
                here,
                &format!("the keys `{}` are only known when they are sent", unwrap::shown(operand)),
            )];
        }
        match operand {
            k if !literal && LINE_ENDS.contains(&k) => text.push('\n'),
            // other key names (Escape, C-c, Up…) type no text of a command
            k if !literal && is_key_name(k) => text.push('\n'),
            other => text.push_str(other),
        }
    }
    if text.trim().is_empty() {
        return Vec::new();
    }
    unwrap::shell_string(rules, &text, ctx, depth)
}

fn is_key_name(k: &str) -> bool {
    const NAMES: &[&str] = &[
        "Escape", "Tab", "BTab", "Space", "BSpace", "Up", "Down", "Left", "Right", "Home", "End", "PageUp", "PageDown",
        "PgUp", "PgDn", "NPage", "PPage", "IC", "DC", "Insert", "Delete",
    ];
    NAMES.contains(&k)
        || (k.len() > 2 && (k.starts_with("C-") || k.starts_with("M-") || k.starts_with("S-")))
        || (k.len() <= 3 && k.starts_with('F') && k[1..].chars().all(|c| c.is_ascii_digit()) && k.len() > 1)
}

/// Options of screen that take a value (the next word, or attached).
const SCREEN_VALUES: &[&str] = &["-c", "-e", "-h", "-p", "-s", "-S", "-t", "-T", "-Logfile"];

/// screen's command line, read the way screen reads it: options until the first word
/// that is not one, which starts the command; `-X` sends a command to a session.
fn screen(rules: &mut RuleSet, cmd: &Command, here: &str, ctx: &Ctx, depth: usize) -> Vec<Operation> {
    let words: Vec<&str> = cmd.words.iter().map(String::as_str).collect();
    let mut i = 0;
    let mut send = false;
    while i < words.len() {
        let w = words[i];
        if w == "--" {
            i += 1;
            break;
        }
        if !w.starts_with('-') || w == "-" {
            break;
        }
        if w == "-X" {
            send = true;
        } else if SCREEN_VALUES.contains(&w) {
            i += 1;
        } else if let Some(short) = w.strip_prefix('-')
            && short.len() > 1
            && !["ls", "list", "wipe", "fn", "fa", "ln", "Logfile"].contains(&short)
        {
            // a bundle (`-dmS name`): a value option at its end takes the next word
            if short.chars().last().is_some_and(|c| "cehpsStT".contains(c)) {
                i += 1;
            }
            send |= short.contains('X');
        }
        i += 1;
    }
    let rest = words.get(i..).unwrap_or_default();
    if rest.is_empty() {
        return Vec::new();
    }
    if rest.iter().any(|w| w.contains(UNKNOWN)) {
        let w = rest.iter().find(|w| w.contains(UNKNOWN)).copied().unwrap_or_default();
        return vec![unjudged(here, &format!("`{}` is only known when screen runs", unwrap::shown(w)))];
    }
    if send {
        return match rest.split_first() {
            // `stuff` types text; `\n`, `\r` and `^M` in it end lines
            Some((&"stuff", text)) => {
                let typed =
                    text.join(" ").replace("\\n", "\n").replace("\\r", "\n").replace("^M", "\n").replace("^J", "\n");
                unwrap::shell_string(rules, &typed, ctx, depth)
            }
            Some((&("exec" | "screen"), argv)) => run_argv(rules, argv, ctx, depth),
            _ => Vec::new(),
        };
    }
    run_argv(rules, rest, ctx, depth)
}

fn run_argv(rules: &mut RuleSet, argv: &[&str], ctx: &Ctx, depth: usize) -> Vec<Operation> {
    // screen's `exec` may start with fd redirection flags (`exec !.. cmd`)
    let argv: Vec<&str> = argv.iter().copied().skip_while(|w| w.chars().all(|c| "!.:|".contains(c))).collect();
    let Some((first, args)) = argv.split_first() else { return Vec::new() };
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    inspect_argv(rules, &program_name(OsStr::new(first)), &args, ctx, depth + 1)
}

#[cfg(test)]
mod tests {
    use super::cron_command;

    #[test]
    fn crontab_lines() {
        assert_eq!(cron_command("*/5 * * * * rm -rf /tmp/x").unwrap().as_deref(), Some("rm -rf /tmp/x"));
        assert_eq!(cron_command("0 3 * * 1-5\tgit -C /srv push -f").unwrap().as_deref(), Some("git -C /srv push -f"));
        assert_eq!(cron_command("@reboot /usr/bin/backup.sh").unwrap().as_deref(), Some("/usr/bin/backup.sh"));
        assert_eq!(
            cron_command("0 0 * * * date +\\%F > /tmp/d % stdin text").unwrap().as_deref(),
            Some("date +%F > /tmp/d")
        );
        assert_eq!(cron_command("# m h dom mon dow command").unwrap(), None);
        assert_eq!(cron_command("MAILTO=me@example.com").unwrap(), None);
        assert_eq!(cron_command("SHELL = /bin/bash").unwrap(), None);
        assert_eq!(cron_command("   ").unwrap(), None);
        assert!(cron_command("@sometimes ls").is_err());
        assert!(cron_command("* * * rm").is_err());
    }
}
