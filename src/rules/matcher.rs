//! Evaluates a rule condition against one operation.
//!
//! A key that does not apply to the operation's kind (`command:` on an HTTP request,
//! `method:` on a command) does not hold. Patterns are compiled lazily (only for
//! conditions reached after cheaper structural tests have passed) and cached for one
//! decision.

use super::schema::{ArgPredicate, Condition, TextPredicate};
use super::validate::check_pattern;
use crate::operation::{Command, Operand, Operation};
use regex_lite::Regex;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::Path;

/// What rules may ask about the world. The real filesystem in guard; nothing in
/// `guard rules test`, so examples mean the same on every machine.
pub trait Facts {
    fn path_exists(&self, dir: &Path, path: &str) -> bool;
}

pub struct RealFs;

impl Facts for RealFs {
    fn path_exists(&self, dir: &Path, path: &str) -> bool {
        // symlink_metadata: a dangling link is still a path git/rm would act on
        dir.join(path).symlink_metadata().is_ok()
    }
}

pub struct NoFiles;

impl Facts for NoFiles {
    fn path_exists(&self, _: &Path, _: &str) -> bool {
        false
    }
}

#[derive(Debug, thiserror::Error)]
#[error("rule pattern cannot be used: {0}")]
pub struct PatternError(String);

#[derive(Default)]
pub struct PatternCache {
    compiled: RefCell<HashMap<String, Regex>>,
}

impl PatternCache {
    fn is_match(&self, pattern: &str, text: &str) -> Result<bool, PatternError> {
        if let Some(re) = self.compiled.borrow().get(pattern) {
            return Ok(re.is_match(text));
        }
        check_pattern(pattern).map_err(PatternError)?;
        let re = Regex::new(pattern).map_err(|e| PatternError(e.to_string()))?;
        let hit = re.is_match(text);
        self.compiled.borrow_mut().insert(pattern.to_string(), re);
        Ok(hit)
    }
}

pub struct Eval<'a> {
    pub op: &'a Operation,
    pub facts: &'a dyn Facts,
    pub patterns: &'a PatternCache,
    joined: OnceCell<String>,
}

/// Stands in for the command of an operation that is not one, so that command keys
/// simply find nothing.
static NO_COMMAND: std::sync::LazyLock<Command> = std::sync::LazyLock::new(|| Command {
    program: String::new(),
    pack: usize::MAX,
    path: Vec::new(),
    class: super::schema::Class::Safe,
    operation: None,
    inspector: None,
    runs: None,
    options: Vec::new(),
    operands: Vec::new(),
    words: Vec::new(),
    unknowns: Vec::new(),
    dir: std::path::PathBuf::new(),
    globals_end: 0,
    payloads: Vec::new(),
    file_refs: Vec::new(),
});

impl<'a> Eval<'a> {
    pub fn new(op: &'a Operation, facts: &'a dyn Facts, patterns: &'a PatternCache) -> Self {
        Eval { op, facts, patterns, joined: OnceCell::new() }
    }

    fn cmd(&self) -> &'a Command {
        self.op.as_command().unwrap_or(&NO_COMMAND)
    }

    /// Whether every key of the condition holds. Cheap structural keys go first.
    pub fn holds(&self, c: &Condition) -> Result<bool, PatternError> {
        let cmd = self.cmd();
        let is_command = self.op.as_command().is_some();
        let command_keys = !c.command.is_empty()
            || c.command_matches.is_some()
            || !c.option.is_empty()
            || !c.option_value.is_empty()
            || c.operand.is_some()
            || c.operand_count.is_some()
            || c.word.is_some()
            || !c.sequence.is_empty()
            || c.argv.is_some();
        if command_keys && !is_command {
            return Ok(false);
        }
        if !self.other_keys(c)? {
            return Ok(false);
        }
        if !c.command.is_empty() {
            let path = cmd.path_string();
            if !c.command.iter().any(|p| normalize_path(p) == path) {
                return Ok(false);
            }
        }
        if let Some(p) = &c.command_matches
            && !self.text(&cmd.path_string(), p)?
        {
            return Ok(false);
        }
        if !c.operation.is_empty() && !self.op.operation_id().is_some_and(|op| c.operation.iter().any(|o| o == op)) {
            return Ok(false);
        }
        if let Some(p) = &c.operation_matches {
            match self.op.operation_id() {
                Some(id) if self.text(id, p)? => {}
                _ => return Ok(false),
            }
        }
        if !c.option.is_empty() && !c.option.iter().any(|o| cmd.option_in_effect(o)) {
            return Ok(false);
        }
        if let Some(bounds) = &c.operand_count {
            let n = cmd.operands.len();
            if bounds.min.is_some_and(|m| n < m) || bounds.max.is_some_and(|m| n > m) {
                return Ok(false);
            }
        }
        for (name, pred) in c.option_value.iter() {
            if !self.any_text(cmd.option_values(name), pred)? {
                return Ok(false);
            }
        }
        if let Some(pred) = &c.operand
            && !self.any_operand(pred)?
        {
            return Ok(false);
        }
        if let Some(pred) = &c.word
            && !self.any_text(cmd.words.iter().map(String::as_str), pred)?
        {
            return Ok(false);
        }
        if !c.sequence.is_empty() && !self.sequence(&c.sequence)? {
            return Ok(false);
        }
        if let Some(pred) = &c.argv {
            let joined = self.joined.get_or_init(|| join_argv(cmd));
            if !self.text(joined, pred)? {
                return Ok(false);
            }
        }
        for sub in c.all.iter() {
            if !self.holds(sub)? {
                return Ok(false);
            }
        }
        if !c.any.is_empty() {
            let mut any = false;
            for sub in c.any.iter() {
                if self.holds(sub)? {
                    any = true;
                    break;
                }
            }
            if !any {
                return Ok(false);
            }
        }
        for n in c.not.iter() {
            if self.holds(n)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Keys about HTTP requests, database statements and API calls.
    fn other_keys(&self, c: &Condition) -> Result<bool, PatternError> {
        if !c.method.is_empty() {
            let Operation::Http(h) = self.op else { return Ok(false) };
            if !c.method.iter().any(|m| m.eq_ignore_ascii_case(&h.method)) {
                return Ok(false);
            }
        }
        if let Some(p) = &c.host {
            let host = match self.op {
                Operation::Http(h) => h.host.as_deref(),
                Operation::Api(a) => a.host.as_deref(),
                _ => None,
            };
            match host {
                Some(h) if self.text(h, p)? => {}
                _ => return Ok(false),
            }
        }
        if let Some(p) = &c.path {
            let Operation::Http(h) = self.op else { return Ok(false) };
            if !self.text(&h.path, p)? {
                return Ok(false);
            }
        }
        if !c.sql.is_empty() {
            let Operation::Sql(s) = self.op else { return Ok(false) };
            if !c.sql.iter().any(|k| *k == s.kind) {
                return Ok(false);
            }
        }
        if !c.args.is_empty() {
            let Operation::Api(a) = self.op else { return Ok(false) };
            if !c.args.iter().all(|p| json_has(&a.args, p)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn text(&self, text: &str, p: &TextPredicate) -> Result<bool, PatternError> {
        if let Some(re) = &p.matches
            && !self.patterns.is_match(re, text)?
        {
            return Ok(false);
        }
        if let Some(re) = &p.not_matches
            && self.patterns.is_match(re, text)?
        {
            return Ok(false);
        }
        Ok(true)
    }

    fn any_text<'t>(&self, texts: impl IntoIterator<Item = &'t str>, p: &TextPredicate) -> Result<bool, PatternError> {
        for t in texts {
            if self.text(t, p)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn any_operand(&self, p: &TextPredicate) -> Result<bool, PatternError> {
        let operands = self.cmd().operands.iter().enumerate();
        for (_, op) in operands.filter(|(i, _)| p.at.is_none_or(|at| at == *i)) {
            if self.operand(op, p)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn operand(&self, op: &Operand, p: &TextPredicate) -> Result<bool, PatternError> {
        if p.after_dashdash.is_some_and(|want| want != op.after_dashdash) {
            return Ok(false);
        }
        if !self.text(&op.text, p)? {
            return Ok(false);
        }
        if let Some(want) = p.exists {
            return Ok(self.facts.path_exists(&self.cmd().dir, &op.text) == want);
        }
        Ok(true)
    }

    fn sequence(&self, preds: &[TextPredicate]) -> Result<bool, PatternError> {
        let words = &self.cmd().words;
        if preds.len() > words.len() {
            return Ok(false);
        }
        'start: for start in 0..=(words.len() - preds.len()) {
            for (k, p) in preds.iter().enumerate() {
                if !self.text(&words[start + k], p)? {
                    continue 'start;
                }
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// Whether some object in `v`, at any depth, satisfies the predicate.
fn json_has(v: &serde_json::Value, p: &ArgPredicate) -> bool {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let here = map.get(&*p.key).is_some_and(|member| {
                let equals = p
                    .equals
                    .as_deref()
                    .is_none_or(|want| serde_json::from_str::<Value>(want).is_ok_and(|w| w == *member));
                let has_null = !p.has_null || member.as_object().is_some_and(|o| o.values().any(Value::is_null));
                equals && has_null
            });
            here || map.values().any(|m| json_has(m, p))
        }
        Value::Array(items) => items.iter().any(|m| json_has(m, p)),
        _ => false,
    }
}

fn normalize_path(p: &str) -> String {
    p.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The command line as a shell would show it: program then quoted words.
pub fn join_argv(cmd: &Command) -> String {
    let mut out = cmd.program.clone();
    for w in cmd.words.iter() {
        out.push(' ');
        out.push_str(&shell_words::quote(w));
    }
    out
}
