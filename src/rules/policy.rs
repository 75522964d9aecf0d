//! The system, user and project layers that apply to one invocation: read, parsed
//! and checked (see [`super::layers`] for where they live).
//!
//! A layer file is a pack file. It either defines new programs (a team's own CLI, with
//! its grammar and rules), or `extends:` a built-in pack to add rules about that pack's
//! programs, or holds only rules about operations, HTTP requests or SQL statements
//! (which apply whatever program produced them). Layer rules can only stop commands.
//!
//! Only the system layer may loosen: its `exceptions:` carve a command out of one
//! built-in rule (never a `deny` rule). The same in the user or project layer — which
//! the agent can write — is ignored and reported; so is remapping a package or image a
//! more trusted layer already maps. Anything malformed or invalid is an error, and
//! with an error guarded commands do not run.

use super::embedded;
use super::layers::{self, LayerDir, LayerError, LayerFile, LayerKind};
use super::schema::{Condition, ExceptionSpec, PackFile, RuleDecision};
use super::validate::{self, line_of_rule};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One checked pack file of a layer.
#[derive(Debug, Clone)]
pub struct LayerPack {
    pub kind: LayerKind,
    pub path: PathBuf,
    pub spec: PackFile,
}

/// The layers that apply in one directory.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    pub packs: Vec<LayerPack>,
    /// From the system layer only.
    pub exceptions: Vec<ExceptionSpec>,
    /// Loosening found where it is not allowed: ignored, reported by doctor and lint.
    pub ignored: Vec<LayerError>,
    /// Every layer directory consulted (for `guard doctor`).
    pub dirs: Vec<LayerDir>,
}

/// A policy and every problem found while loading it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub policy: Policy,
    pub errors: Vec<LayerError>,
}

/// The policy for a command run in `cwd`; the first problem in any layer is an error.
pub fn load(cwd: &Path) -> Result<Policy, LayerError> {
    let loaded = load_dirs(layers::dirs(cwd)?);
    match loaded.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(loaded.policy),
    }
}

/// Every layer for `cwd`, collecting every problem (`guard rules lint`, `guard doctor`).
pub fn load_all(cwd: &Path) -> Loaded {
    match layers::dirs(cwd) {
        Ok(dirs) => load_dirs(dirs),
        Err(e) => Loaded { errors: vec![e], ..Default::default() },
    }
}

pub fn load_dirs(dirs: Vec<LayerDir>) -> Loaded {
    let (files, errors) = layers::pack_files(&dirs);
    let mut loaded = load_files(files);
    loaded.errors.splice(0..0, errors);
    loaded.policy.dirs = dirs;
    loaded
}

/// Layer files already read, most trusted first.
pub fn load_files(files: Vec<LayerFile>) -> Loaded {
    let mut loaded = Loaded::default();
    for file in files {
        match parse(&file) {
            Ok(spec) => loaded.add(file, spec),
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}

/// Parses a layer file as a pack, with each rule's source (`file:line`) filled in.
pub fn parse(file: &LayerFile) -> Result<PackFile, LayerError> {
    let mut spec: PackFile = serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &e))?;
    let shown = file.path.display().to_string();
    for rule in spec.rules.to_mut().iter_mut() {
        rule.source = format!("{shown}:{}", line_of_rule(&file.text, &rule.id)).into();
    }
    for exception in spec.exceptions.to_mut().iter_mut() {
        exception.source = format!("{shown}:{}", line_of_key(&file.text, "rule", &exception.rule)).into();
    }
    Ok(spec)
}

fn yaml_error(path: &Path, e: &serde_yaml::Error) -> LayerError {
    let text = e.to_string();
    // the location is reported separately
    let message = text.split(" at line ").next().unwrap_or(&text).to_string();
    // serde's complaints about the shape of a value; anything else is the YAML itself
    const SHAPE: &[&str] = &[
        "unknown field",
        "missing field",
        "invalid type",
        "invalid value",
        "unknown variant",
        "invalid length",
        "duplicate",
    ];
    let code = if SHAPE.iter().any(|s| message.contains(s)) { "schema" } else { "syntax" };
    LayerError {
        file: path.to_path_buf(),
        line: e.location().map(|l| l.line()),
        column: e.location().map(|l| l.column()),
        code,
        message,
    }
}

/// The 1-based line of `KEY: value` (first match), 0 if not found.
fn line_of_key(text: &str, key: &str, value: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix(key)
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|r| r.trim().trim_matches(['"', '\'']) == value)
        })
        .map_or(0, |i| i + 1)
}

impl Loaded {
    /// Checks one parsed file against the built-in packs and the layers before it, and
    /// keeps what it may add.
    fn add(&mut self, file: LayerFile, mut spec: PackFile) {
        let at = |code: &'static str, message: String| LayerError::whole_file(&file.path, code, message);
        let mut errors: Vec<LayerError> = Vec::new();
        let grammar = match spec.extends.as_deref() {
            None => None,
            Some(name) => match embedded::PACKS.iter().find(|p| p.spec.pack == name) {
                Some(base) => Some(&base.spec),
                None => {
                    errors.push(at("unknown-pack", format!("`extends: {name}` names no built-in pack")));
                    None
                }
            },
        };
        if grammar.is_some() && !spec.programs.is_empty() {
            errors.push(at("schema", "a file that `extends` a pack cannot define programs as well".into()));
        }
        for (name, root) in spec.programs.iter() {
            for n in std::iter::once(name).chain(root.aliases.iter()) {
                let earlier = self.policy.packs.iter().any(|p| p.spec.programs.contains_key(n));
                if embedded::packs_for_program(n).next().is_some() || earlier {
                    errors.push(at(
                        "redefined-program",
                        format!("`{n}` is already covered by a more trusted pack; add rules with `extends:` instead"),
                    ));
                }
            }
        }
        for rule in spec.rules.iter() {
            if self.policy.packs.iter().any(|p| p.spec.rules.iter().any(|r| r.id == rule.id))
                || embedded::RULE_IDS.binary_search(&&*rule.id).is_ok()
            {
                errors.push(at("duplicate-rule", format!("rule id `{}` is already used", rule.id)));
            }
        }
        let known = known_operations(&spec, &self.policy.packs);
        for p in validate::validate_pack_with(&file.path.display().to_string(), &spec, grammar, &known) {
            errors.push(LayerError {
                file: file.path.clone(),
                line: None,
                column: None,
                code: p.code,
                message: if p.place.is_empty() { p.message } else { format!("{}: {}", p.place, p.message) },
            });
        }
        self.check_loosening(&file, &mut spec, &mut errors);
        if errors.is_empty() {
            self.policy.packs.push(LayerPack { kind: file.kind, path: file.path, spec });
        } else {
            self.errors.extend(errors);
        }
    }

    /// Keeps the loosening a layer may do; reports (and drops) the rest.
    fn check_loosening(&mut self, file: &LayerFile, spec: &mut PackFile, errors: &mut Vec<LayerError>) {
        let ignored = |what: String| {
            LayerError::whole_file(
                &file.path,
                "loosening",
                format!("{what} is ignored: the {} layer may only tighten", file.kind.name()),
            )
        };
        if !spec.exceptions.is_empty() {
            if file.kind.may_loosen() {
                for e in spec.exceptions.iter() {
                    self.check_exception(file, e, errors);
                }
                self.policy.exceptions.extend(spec.exceptions.iter().cloned());
            } else {
                for e in spec.exceptions.iter() {
                    self.policy.ignored.push(ignored(format!("the exception to `{}`", e.rule)));
                }
            }
            spec.exceptions = Default::default();
        }
        // a package or image another layer maps cannot be remapped (to something harmless)
        let mapped_elsewhere = |table: fn(&PackFile) -> Vec<String>, key: &str| {
            embedded::PACKS.iter().any(|p| table(&p.spec).iter().any(|k| k == key))
                || self.policy.packs.iter().any(|p| table(&p.spec).iter().any(|k| k == key))
        };
        let packages = |p: &PackFile| p.packages.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        let images = |p: &PackFile| p.images.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        for key in packages(spec) {
            if mapped_elsewhere(packages, &key) {
                self.policy.ignored.push(ignored(format!("remapping the package `{key}`")));
            }
        }
        for key in images(spec) {
            if mapped_elsewhere(images, &key) {
                self.policy.ignored.push(ignored(format!("remapping the image `{key}`")));
            }
        }
        let keep = |table: &super::schema::Named<super::schema::Text>, other: fn(&PackFile) -> Vec<String>| {
            let kept: Vec<_> = table
                .iter()
                .filter(|(k, _)| !mapped_elsewhere(other, k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            super::schema::Named(std::borrow::Cow::Owned(kept))
        };
        spec.packages = keep(&spec.packages, packages);
        spec.images = keep(&spec.images, images);
    }

    /// An exception must name a rule that exists and is not a `deny` rule.
    fn check_exception(&self, file: &LayerFile, e: &ExceptionSpec, errors: &mut Vec<LayerError>) {
        let at = |code: &'static str, message: String| LayerError::whole_file(&file.path, code, message);
        let builtin = embedded::PACKS.iter().flat_map(|p| p.spec.rules.iter());
        let layered = self.policy.packs.iter().flat_map(|p| p.spec.rules.iter());
        match builtin.chain(layered).find(|r| r.id == e.rule) {
            None => errors.push(at("unknown-rule", format!("the exception names no rule `{}`", e.rule))),
            Some(r) if r.decision == RuleDecision::Deny => {
                errors.push(at("exception-to-deny", format!("`{}` is a deny rule; no exception unlocks it", e.rule)))
            }
            Some(_) => {}
        }
        if e.reason.trim().is_empty() {
            errors.push(at("schema", format!("the exception to `{}` needs a reason", e.rule)));
        }
        if let Some(when) = &e.when {
            check_patterns(when, &mut |msg| errors.push(at("bad-pattern", msg)));
        }
    }
}

/// Operations a layer rule may name: the built-in ones, the earlier layers' and its own.
/// Only collected when one of its rules names an operation (most files do not).
fn known_operations(spec: &PackFile, earlier: &[LayerPack]) -> BTreeSet<String> {
    fn names(c: &Condition) -> bool {
        !c.operation.is_empty() || c.all.iter().chain(c.any.iter()).chain(c.not.iter()).any(names)
    }
    if !spec.rules.iter().any(|r| names(&r.when) || r.unless.as_ref().is_some_and(names)) {
        return BTreeSet::new();
    }
    let mut known: BTreeSet<String> = embedded::OPERATIONS.iter().map(|s| s.to_string()).collect();
    known.extend(validate::operations_of(spec));
    for p in earlier {
        known.extend(validate::operations_of(&p.spec));
    }
    known
}

fn check_patterns(c: &Condition, report: &mut dyn FnMut(String)) {
    let preds = c
        .operand
        .iter()
        .chain(c.word.iter())
        .chain(c.argv.iter())
        .chain(c.sequence.iter())
        .chain(c.host.iter())
        .chain(c.path.iter())
        .chain(c.operation_matches.iter())
        .chain(c.command_matches.iter())
        .chain(c.option_value.iter().map(|(_, p)| p));
    for p in preds {
        for re in p.matches.iter().chain(p.not_matches.iter()) {
            if let Err(e) = validate::check_pattern(re) {
                report(e);
            }
        }
    }
    for sub in c.all.iter().chain(c.any.iter()).chain(c.not.iter()) {
        check_patterns(sub, report);
    }
}
