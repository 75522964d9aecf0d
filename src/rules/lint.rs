//! `guard rules lint [PATH…]`: every problem in the layer files, one per line, as
//! `file:line:column: code: message`, so an editor or CI can jump to it.
//!
//! Syntax and type errors carry the YAML parser's position. A semantic problem is
//! found after parsing, so its position is recovered from the text: the rule (or
//! program, or exception) it belongs to, then the first line of that block holding
//! the subject the message names in backticks (the option, the pattern, the example).
//!
//! Codes are stable: `syntax`, `schema`, `grammar`, `bad-pattern`, `unknown-option`,
//! `unknown-command`, `unknown-operation`, `unknown-program`, `unknown-pack`,
//! `unknown-rule`, `duplicate-rule`, `redefined-program`, `missing-examples`,
//! `bad-example`, `example-mismatch`, `exception-to-deny`, `loosening`,
//! `unsafe-permissions`, `too-large`, `too-many-files`, `not-utf8`, `unreadable`,
//! `bad-settings`, `no-home`.

use super::examples;
use super::layers::{self, LayerDir, LayerError, LayerFile, LayerKind};
use super::policy::{self, Loaded};
use super::validate::line_of_rule;
use crate::error::GuardError;
use crate::settings::Settings;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}: {}", self.file.display(), self.line, self.column, self.code, self.message)
    }
}

/// `guard rules lint`: prints every finding; exit 0 when there is none, 1 otherwise.
pub fn run(paths: Vec<PathBuf>) -> Result<u8, GuardError> {
    let cwd = std::env::current_dir().map_err(GuardError::NoCwd)?;
    let findings = if paths.is_empty() { lint_layers(&cwd) } else { lint_files(&paths) };
    let mut out = String::new();
    for f in findings.iter() {
        out.push_str(&format!("{f}\n"));
    }
    out.push_str(&match findings.len() {
        0 => "no problems found".to_string(),
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    });
    crate::cli::print_stdout(&out);
    Ok(if findings.is_empty() { 0 } else { 1 })
}

/// Every layer that applies in `cwd`: rule files, settings files and examples.
pub fn lint_layers(cwd: &Path) -> Vec<Finding> {
    let dirs = match layers::dirs(cwd) {
        Ok(d) => d,
        Err(e) => return vec![locate(&e)],
    };
    let mut findings = settings_findings(&dirs);
    findings.extend(rule_findings(policy::load_dirs(dirs)));
    findings
}

/// The named files, each read as the layer it sits in (a file outside the system and
/// user directories is read as a project file, the strictest).
pub fn lint_files(paths: &[PathBuf]) -> Vec<Finding> {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut sorted: Vec<(LayerKind, &PathBuf)> = paths.iter().map(|p| (layer_of(p), p)).collect();
    sorted.sort_by_key(|(k, _)| *k);
    for (kind, path) in sorted {
        if path.file_name().is_some_and(|n| n == "config.yaml") {
            let dir = LayerDir { kind, dir: path.parent().unwrap_or(Path::new(".")).to_path_buf() };
            findings.extend(settings_findings(&[dir]));
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => files.push(LayerFile { kind, path: path.clone(), text }),
            Err(e) => findings.push(locate(&LayerError::whole_file(path, "unreadable", e.to_string()))),
        }
    }
    findings.extend(rule_findings(policy::load_files(files)));
    findings
}

fn layer_of(path: &Path) -> LayerKind {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if absolute.starts_with(crate::paths::SYSTEM_DIR) {
        LayerKind::System
    } else if crate::paths::user_config_dir().is_ok_and(|d| absolute.starts_with(d)) {
        LayerKind::User
    } else {
        LayerKind::Project
    }
}

fn rule_findings(loaded: Loaded) -> Vec<Finding> {
    let mut out: Vec<Finding> = loaded.errors.iter().chain(loaded.policy.ignored.iter()).map(locate).collect();
    // the rules' own examples, judged with every layer that loaded
    let set = super::RuleSet::all_with(loaded.policy.clone());
    let layer_packs = (0..set.packs.len()).filter(|&i| set.packs[i].layer != LayerKind::Builtin);
    let (_, mismatches) = examples::check_examples(&set, layer_packs, &loaded.policy);
    for m in mismatches {
        let file = PathBuf::from(m.source.rsplit_once(':').map_or(m.source.as_str(), |(f, _)| f));
        let error =
            LayerError::whole_file(&file, "example-mismatch", format!("{}: `{}`: {}", m.rule, m.example, m.why));
        out.push(locate(&error));
    }
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out.dedup();
    out
}

/// Settings files: parse errors and loosening, layer by layer (each on top of the more
/// trusted ones, as guard reads them).
fn settings_findings(dirs: &[LayerDir]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = 0;
    for i in 0..dirs.len() {
        match Settings::load_layers(&dirs[..=i]) {
            Ok(s) => {
                for ignored in s.ignored.iter().skip(seen) {
                    let (file, message) = ignored.split_once(": ").unwrap_or(("?", ignored));
                    out.push(locate(&LayerError::whole_file(Path::new(file), "loosening", message)));
                }
                seen = s.ignored.len();
            }
            Err(GuardError::Policy(e)) => out.push(locate(&e)),
            Err(GuardError::Settings(e)) => out.push(settings_error(&e)),
            Err(e) => out.push(locate(&LayerError::whole_file(&dirs[i].dir, "bad-settings", e.to_string()))),
        }
    }
    out
}

fn settings_error(e: &crate::settings::SettingsError) -> Finding {
    use crate::settings::SettingsError;
    let (path, message, code) = match e {
        SettingsError::Read { path, source } => (path, source.to_string(), "unreadable"),
        SettingsError::TooLarge { path } => (path, e.to_string(), "too-large"),
        SettingsError::Invalid { path, message } => (path, message.clone(), "bad-settings"),
    };
    // the YAML parser's "at line N column M"
    let position = message.rsplit_once(" at line ").and_then(|(_, at)| {
        let (line, column) = at.split_once(" column ")?;
        Some((line.trim().parse().ok()?, column.trim().parse().ok()?))
    });
    let text = message.split(" at line ").next().unwrap_or(&message).to_string();
    let (line, column) = position.unwrap_or((1, 1));
    Finding { file: path.clone(), line, column, code, message: text }
}

/// A finding with a position: the parser's, or one recovered from the file's text.
pub fn locate(e: &LayerError) -> Finding {
    let (line, column) = match (e.line, e.column) {
        (Some(l), c) => (l, c.unwrap_or(1)),
        _ => std::fs::read_to_string(&e.file).map_or((1, 1), |text| position_in(&text, &e.message)),
    };
    Finding { file: e.file.clone(), line, column, code: e.code, message: e.message.clone() }
}

/// Where in `text` the problem `message` is: the block it names (`<rule id>: …`,
/// `programs.<name>: …`, an exception's rule), then the subject in backticks.
fn position_in(text: &str, message: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let subject = backticked(message);
    let place = message.split(": ").next().unwrap_or("");
    let block_start = if let Some(program) = place.strip_prefix("programs.") {
        key_line(&lines, program)
    } else if line_of_rule(text, place) > 0 {
        Some(line_of_rule(text, place) - 1)
    } else if let Some(rule) = message.strip_prefix("the exception to `").and_then(|r| r.split('`').next()) {
        lines
            .iter()
            .position(|l| l.trim_start().trim_start_matches("- ").trim_start().starts_with("rule:") && l.contains(rule))
    } else {
        message
            .strip_prefix("rule id `")
            .and_then(|r| r.split('`').next())
            .map(|rule| line_of_rule(text, rule).saturating_sub(1))
    };
    let start = block_start.unwrap_or(0);
    if let Some(subject) = subject.filter(|s| !s.is_empty()) {
        let end = if block_start.is_some() { block_end(&lines, start) } else { lines.len() };
        for (i, l) in lines.iter().enumerate().take(end).skip(start) {
            if let Some(col) = l.find(subject.as_str()) {
                return (i + 1, col + 1);
            }
        }
    }
    match block_start {
        Some(i) => (i + 1, lines.get(i).map_or(1, |l| l.len() - l.trim_start().len() + 1)),
        None => (1, 1),
    }
}

/// The text in the message's first backticks, without a `key: ` prefix.
fn backticked(message: &str) -> Option<String> {
    let inner = message.split('`').nth(1)?;
    let inner = match inner.split_once(": ") {
        Some((key, value)) if !key.contains(' ') => value,
        _ => inner,
    };
    Some(inner.to_string())
}

/// The line index of a mapping key `name:` (quoted or not).
fn key_line(lines: &[&str], name: &str) -> Option<usize> {
    lines.iter().position(|l| {
        let t = l.trim_start();
        t.strip_prefix(name).is_some_and(|r| r.starts_with(':'))
            || t.strip_prefix(&format!("\"{name}\"")).is_some_and(|r| r.starts_with(':'))
    })
}

/// Where the block starting at `start` ends: the next line at the same or a smaller
/// indentation that starts another item or key.
fn block_end(lines: &[&str], start: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = lines.get(start) else { return lines.len() };
    let base = indent(first);
    (start + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) <= base
        })
        .unwrap_or(lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(name: &str, yaml: &str) -> Vec<Finding> {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join(name);
        std::fs::write(&path, yaml).unwrap();
        let mut found = lint_files(std::slice::from_ref(&path));
        for f in found.iter_mut() {
            f.file = PathBuf::from(f.file.file_name().unwrap());
        }
        found
    }

    fn codes(found: &[Finding]) -> Vec<&'static str> {
        found.iter().map(|f| f.code).collect()
    }

    const GOOD: &str = "\
schema: 1
pack: acme
summary: our deploy rules
extends: git
rules:
  - id: acme.push-to-deploy
    reason: Pushing to the deploy remote ships to production.
    severity: high
    match: { command: push, operand: '^deploy$' }
    confirm: [git push deploy main]
    allow: [git push origin main]
";

    #[test]
    fn a_good_file_has_no_findings() {
        assert_eq!(lint("team.yaml", GOOD), vec![]);
    }

    #[test]
    fn syntax_errors_carry_the_parsers_position() {
        let found = lint("bad.yaml", "schema: 1\npack: acme\n  bad indent: x\n");
        assert_eq!(codes(&found), vec!["syntax"]);
        assert_eq!(found[0].to_string(), "bad.yaml:3:13: syntax: mapping values are not allowed in this context");
        // a value of the wrong shape is a schema error, at the value
        let found = lint("bad.yaml", &GOOD.replace("reason: Pushing", "reason: [Pushing]\n    #"));
        assert_eq!(codes(&found), vec!["schema"]);
        assert_eq!(found[0].line, 7);
    }

    #[test]
    fn unknown_fields_are_schema_errors() {
        let found = lint("x.yaml", &GOOD.replace("severity: high", "severity: high\n    sevrity: low"));
        assert_eq!(codes(&found), vec!["schema"]);
        assert_eq!(found[0].line, 9);
    }

    #[test]
    fn semantic_problems_point_at_their_subject() {
        let bad_pattern = lint("x.yaml", &GOOD.replace("'^deploy$'", "'^(deploy'"));
        assert_eq!(codes(&bad_pattern), vec!["bad-pattern"]);
        assert_eq!((bad_pattern[0].line, bad_pattern[0].column), (9, 39), "{bad_pattern:?}");

        let unknown_option = lint("x.yaml", &GOOD.replace("operand: '^deploy$'", "option: forcefully"));
        assert_eq!(codes(&unknown_option), vec!["unknown-option"]);
        assert_eq!(unknown_option[0].line, 9);

        let unknown_command = lint("x.yaml", &GOOD.replace("command: push", "command: pussh"));
        assert!(codes(&unknown_command).contains(&"unknown-command"), "{unknown_command:?}");
        assert_eq!(unknown_command.iter().find(|f| f.code == "unknown-command").unwrap().line, 9);

        let unknown_pack = lint("x.yaml", &GOOD.replace("extends: git", "extends: gitt"));
        assert!(codes(&unknown_pack).contains(&"unknown-pack"), "{unknown_pack:?}");
    }

    #[test]
    fn examples_the_rule_gets_wrong_are_found() {
        let found = lint("x.yaml", &GOOD.replace("allow: [git push origin main]", "allow: [git push deploy x]"));
        assert_eq!(codes(&found), vec!["example-mismatch"]);
        assert_eq!(found[0].line, 11);
    }

    #[test]
    fn duplicate_ids_and_redefined_programs() {
        let dup = GOOD.replace("acme.push-to-deploy", "git.push.force").replace("pack: acme", "pack: git");
        assert!(codes(&lint("x.yaml", &dup)).contains(&"duplicate-rule"));
        let redefined = "schema: 1\npack: acme\nsummary: s\nprograms:\n  git: { class: safe }\n";
        let found = lint("x.yaml", redefined);
        assert_eq!(codes(&found), vec!["redefined-program"]);
        assert_eq!(found[0].line, 5);
    }

    #[test]
    fn loosening_in_a_project_file_is_reported() {
        let loosen = format!("{GOOD}exceptions:\n  - rule: git.push.force\n    reason: we like it\n");
        let found = lint("x.yaml", &loosen);
        assert_eq!(codes(&found), vec!["loosening"]);
        assert_eq!(found[0].line, 13, "{found:?}");
    }

    #[test]
    fn exceptions_must_name_a_rule_that_is_not_a_deny_rule() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("site.yaml");
        let exceptions = "schema: 1\npack: site\nsummary: s\nexceptions:\n  - rule: git.push.forse\n    reason: typo\n";
        std::fs::write(&path, exceptions).unwrap();
        // read as the system layer, where exceptions are allowed
        let file = LayerFile { kind: LayerKind::System, path: path.clone(), text: exceptions.into() };
        let found = rule_findings(policy::load_files(vec![file]));
        assert_eq!(codes(&found), vec!["unknown-rule"]);
        assert_eq!(found[0].line, 5);
        let deny = policy::load_files(vec![LayerFile {
            kind: LayerKind::System,
            path: path.clone(),
            text: exceptions.replace("git.push.forse", "guard.self-protection"),
        }]);
        // guard's own deny stop is not a pack rule: no rule of that name exists
        assert_eq!(codes(&rule_findings(deny)), vec!["unknown-rule"]);
        // a deny rule of the system layer cannot be excepted either
        let deny_rule = "schema: 1\npack: site\nsummary: s\nextends: git\nrules:\n  - id: site.no-mirror\n    reason: Mirroring overwrites every ref.\n    severity: high\n    decision: deny\n    match: { command: push, option: mirror }\n    confirm: [git push --mirror]\n    allow: [git push]\n";
        let first = t.path().join("a.yaml");
        std::fs::write(&first, deny_rule).unwrap();
        let except = exceptions.replace("pack: site", "pack: site2").replace("git.push.forse", "site.no-mirror");
        std::fs::write(&path, &except).unwrap();
        let files = vec![
            LayerFile { kind: LayerKind::System, path: first, text: deny_rule.into() },
            LayerFile { kind: LayerKind::System, path: path.clone(), text: except },
        ];
        let found = rule_findings(policy::load_files(files));
        assert_eq!(codes(&found), vec!["exception-to-deny"], "{found:?}");
        assert_eq!((found[0].file.clone(), found[0].line), (path, 5));
    }

    #[test]
    fn unknown_operations_are_found() {
        let text =
            GOOD.replace("match: { command: push, operand: '^deploy$' }", "match: { operation: railway.volumeDelet }");
        let found = lint("x.yaml", &text);
        assert!(codes(&found).contains(&"unknown-operation"), "{found:?}");
        assert_eq!(found.iter().find(|f| f.code == "unknown-operation").unwrap().line, 9);
    }

    #[test]
    fn backticks_name_the_subject() {
        assert_eq!(backticked("r: `command: pussh` names no command"), Some("pussh".into()));
        assert_eq!(backticked("r: option `forcefully` is not defined"), Some("forcefully".into()));
        assert_eq!(backticked("no subject"), None);
    }
}
