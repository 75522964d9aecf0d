//! Judges operations against a rule set: pure, no I/O beyond the `Facts` it is given.
//!
//! The result says who decided (rule id, reason, severity, `file:line`), so the
//! artifact, the audit log and `guard rules test` all report the same thing.

use super::RuleSet;
use super::matcher::{Eval, Facts, PatternCache, PatternError};
use super::schema::{Class, ExceptionSpec, RuleDecision, RuleSpec, Severity, UnknownPolicy};
use crate::operation::{Command, Operation, Unknown};

#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing stops it. `concerned` lists rules that looked at it but were excused
    /// by their `unless:` (a dry run of a force push, say): worth an audit record.
    Allow {
        concerned: Vec<String>,
        /// Rules that matched but a system-layer exception lets through:
        /// `rule (exception at FILE:LINE: reason)`, for the audit log.
        excepted: Vec<String>,
    },
    Stop(Stop),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StopKind {
    /// A person may approve this exact request.
    Confirm,
    /// Never runs.
    Deny,
}

impl StopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StopKind::Confirm => "confirm",
            StopKind::Deny => "deny",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub kind: StopKind,
    pub rule: String,
    pub reason: String,
    pub severity: Severity,
    /// Where the rule is written: `rules/git.yaml:42`.
    pub source: String,
    /// The operation the stopped command performs, when known.
    pub operation: Option<String>,
    /// Other rules that matched too.
    pub also: Vec<String>,
    /// Which of the judged operations caused the stop (its target is the one shown).
    pub op_index: Option<usize>,
}

impl Decision {
    pub fn stop(&self) -> Option<&Stop> {
        match self {
            Decision::Stop(s) => Some(s),
            Decision::Allow { .. } => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Decision::Allow { .. } => "allow",
            Decision::Stop(s) => s.kind.as_str(),
        }
    }
}

/// All operations against all rules; the strictest stop wins (deny over confirm,
/// then higher severity, then the first written).
pub fn decide(rules: &RuleSet, ops: &[Operation], facts: &dyn Facts) -> Result<Decision, PatternError> {
    let patterns = PatternCache::default();
    let mut stops: Vec<Stop> = Vec::new();
    let mut concerned = Vec::new();
    let mut excepted = Vec::new();
    for (op_index, op) in ops.iter().enumerate() {
        let before = stops.len();
        match op {
            Operation::Command(cmd) => stops.extend(unknown_stops(rules, cmd)),
            Operation::Unjudged(u) => stops.push(unjudged_stop(u)),
            Operation::Protected(p) => stops.push(Stop {
                kind: StopKind::Deny,
                rule: "guard.self-protection".into(),
                reason: p.reason.clone(),
                severity: Severity::Critical,
                source: "built in".into(),
                operation: None,
                also: Vec::new(),
                op_index: None,
            }),
            _ => {}
        }
        let eval = Eval::new(op, facts, &patterns);
        for (pack_index, pack) in rules.packs.iter().enumerate() {
            for rule in pack.spec.rules.iter() {
                if !applies(rules, rule, pack_index, op) || !eval.holds(&rule.when)? {
                    continue;
                }
                if let Some(unless) = &rule.unless
                    && eval.holds(unless)?
                {
                    concerned.push(rule.id.to_string());
                    continue;
                }
                stops.push(Stop {
                    kind: match rule.decision {
                        RuleDecision::Confirm => StopKind::Confirm,
                        RuleDecision::Deny => StopKind::Deny,
                    },
                    rule: rule.id.to_string(),
                    reason: rule.reason.to_string(),
                    severity: rule.severity,
                    source: rule.source.to_string(),
                    operation: match op {
                        Operation::Sql(s) => Some(format!("sql.{}", s.kind)),
                        _ => op.operation_id().map(String::from),
                    },
                    also: Vec::new(),
                    op_index: None,
                });
            }
        }
        for s in &mut stops[before..] {
            s.op_index = Some(op_index);
        }
        // the system layer's exceptions: never for deny rules or guard's own stops
        let mut i = before;
        while i < stops.len() {
            match exception_for(rules, &stops[i], &eval)? {
                Some(e) => {
                    let s = stops.remove(i);
                    excepted.push(format!("{} (exception at {}: {})", s.rule, e.source, e.reason));
                }
                None => i += 1,
            }
        }
    }
    Ok(strictest(stops).map_or(Decision::Allow { concerned, excepted }, Decision::Stop))
}

/// The exception that lets this stop through, if the system layer has one whose
/// condition holds for the operation.
fn exception_for<'r>(rules: &'r RuleSet, stop: &Stop, eval: &Eval) -> Result<Option<&'r ExceptionSpec>, PatternError> {
    if stop.kind == StopKind::Deny || stop.rule.starts_with("guard.") {
        return Ok(None);
    }
    for e in rules.exceptions.iter().filter(|e| e.rule == stop.rule) {
        match &e.when {
            None => return Ok(Some(e)),
            Some(c) if eval.holds(c)? => return Ok(Some(e)),
            Some(_) => {}
        }
    }
    Ok(None)
}

fn strictest(mut stops: Vec<Stop>) -> Option<Stop> {
    // among equals, a written rule explains more than guard's own fail-closed stops;
    // the stable sort then keeps the first-written rule first
    let generic = |s: &Stop| s.rule.starts_with("guard.") || s.rule.contains(".unknown-");
    stops.sort_by(|a, b| b.kind.cmp(&a.kind).then(b.severity.cmp(&a.severity)).then(generic(a).cmp(&generic(b))));
    let mut iter = stops.into_iter();
    let mut first = iter.next()?;
    first.also = iter.map(|s| s.rule).filter(|r| *r != first.rule).collect();
    first.also.dedup();
    Some(first)
}

/// Rules about commands belong to their pack's programs; rules that name operations,
/// HTTP requests or statements judge those whichever program produced them.
fn applies(rules: &RuleSet, rule: &RuleSpec, pack_index: usize, op: &Operation) -> bool {
    match op {
        Operation::Command(cmd) if rules.judges_commands_of(pack_index, cmd.pack) => {
            rule.program.is_empty() || rule.program.iter().any(|p| *p == cmd.program)
        }
        Operation::Command(_) => names_operation(&rule.when),
        _ => rule.program.is_empty(),
    }
}

fn names_operation(c: &super::schema::Condition) -> bool {
    !c.operation.is_empty() || c.operation_matches.is_some() || c.all.iter().any(names_operation)
}

fn unjudged_stop(u: &crate::operation::Unjudged) -> Stop {
    Stop {
        kind: StopKind::Confirm,
        rule: "guard.payload-unjudged".into(),
        reason: format!("guard cannot judge {}: {}", u.destination, u.reason),
        severity: Severity::High,
        source: "built in".into(),
        operation: None,
        also: Vec::new(),
        op_index: None,
    }
}

/// What the grammar could not account for, judged fail-closed.
fn unknown_stops(rules: &RuleSet, cmd: &Command) -> Vec<Stop> {
    let pack = &rules.packs[cmd.pack];
    let shown = |word: &str| {
        let mut parts = vec![cmd.program.clone()];
        parts.extend(cmd.path.iter().cloned());
        parts.push(word.to_string());
        parts.join(" ")
    };
    let mut out = Vec::new();
    for unknown in cmd.unknowns.iter() {
        let (rule, reason) = match unknown {
            Unknown::Subcommand { word, policy: UnknownPolicy::Confirm, .. } => (
                "unknown-subcommand",
                format!(
                    "guard does not know the command `{}`, and {} has commands that destroy data",
                    shown(word),
                    cmd.program
                ),
            ),
            Unknown::Option { token, before_subcommand: true, policy: UnknownPolicy::Confirm } => (
                "unknown-option",
                format!(
                    "guard does not know the option `{token}`, so it cannot tell which {} command runs",
                    cmd.program
                ),
            ),
            // a wrapper's unknown option may take the next word as its value, so the
            // command it runs cannot be told apart from that value
            Unknown::Option { token, policy: UnknownPolicy::Confirm, .. }
                if cmd
                    .runs
                    .as_ref()
                    .is_some_and(|r| r.argv_at.is_some() || r.shell_words_at.is_some() || r.select.is_some()) =>
            {
                (
                    "unknown-option",
                    format!(
                        "guard does not know the option `{token}` of {}, so it cannot tell which command {} runs",
                        cmd.program, cmd.program
                    ),
                )
            }
            Unknown::Option { token, before_subcommand: false, .. } if cmd.class == Class::Destroy => (
                "unknown-option",
                format!(
                    "guard does not know the option `{token}` of `{}`, a command that can destroy data",
                    shown("").trim_end()
                ),
            ),
            _ => continue,
        };
        out.push(Stop {
            kind: StopKind::Confirm,
            rule: format!("{}.{rule}", pack.spec.pack),
            reason,
            severity: Severity::Medium,
            source: format!("{} (unknown: confirm)", pack.file),
            operation: cmd.operation.clone(),
            also: Vec::new(),
            op_index: None,
        });
    }
    out
}
