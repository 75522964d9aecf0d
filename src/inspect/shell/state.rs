//! What guard knows of the shell's state at a point in the string: variables, the working
//! directory, and whether globbing still behaves as by default.
//!
//! Knowledge only ever flows forward along paths that surely run. A subshell works on a
//! copy that is thrown away; a branch that may or may not run (`&&`, `if`, `case`) and a
//! loop body that may run any number of times are merged back with [`ShellState::absorb`],
//! which forgets whatever they could have changed. Anything that may change state in ways
//! guard cannot follow (`source`, a call to a function, an unknown command word) forgets
//! everything.

use super::limits::MAX_VALUE_BYTES;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A variable's value as far as guard knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Known(String),
    /// The home directory followed by this text (`x=~/src`).
    Home(String),
    /// Never set, or `unset`: expands to nothing.
    Unset,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShellState {
    /// Variables assigned (or forgotten) in the string so far.
    vars: BTreeMap<String, Value>,
    /// Whether a variable absent from `vars` still holds what the environment gave it.
    env_intact: bool,
    pub(super) cwd: Option<PathBuf>,
    /// False once `set`/`shopt` may have changed how globs expand (`noglob`, `dotglob`…).
    pub(super) glob_default: bool,
}

/// bash ignores an inherited IFS and starts with this one.
pub(super) const DEFAULT_IFS: &str = " \t\n";

impl ShellState {
    /// The state at the start of the string.
    pub(super) fn initial(cwd: &Path) -> Self {
        ShellState { vars: BTreeMap::new(), env_intact: true, cwd: Some(cwd.to_path_buf()), glob_default: true }
    }

    /// Nothing known: for code that runs at a time guard cannot see (function bodies,
    /// alias values, trap actions).
    pub(super) fn unknown() -> Self {
        ShellState { vars: BTreeMap::new(), env_intact: false, cwd: None, glob_default: false }
    }

    pub(super) fn get(&self, name: &str) -> Value {
        if let Some(value) = self.vars.get(name) {
            return value.clone();
        }
        if !self.env_intact {
            return Value::Unknown;
        }
        match name {
            "HOME" => Value::Home(String::new()),
            "IFS" => Value::Known(DEFAULT_IFS.to_string()),
            _ => Value::Unknown,
        }
    }

    /// Whether the string itself assigned `name` (as opposed to inheriting it).
    pub(super) fn assigned(&self, name: &str) -> bool {
        self.vars.contains_key(name) || !self.env_intact
    }

    pub(super) fn set(&mut self, name: &str, value: Value) {
        let value: Value = match value {
            Value::Known(text) | Value::Home(text) if text.len() > MAX_VALUE_BYTES => Value::Unknown,
            other => other,
        };
        self.vars.insert(name.to_string(), value);
    }

    pub(super) fn forget(&mut self, name: &str) {
        self.vars.insert(name.to_string(), Value::Unknown);
    }

    pub(super) fn forget_vars(&mut self) {
        self.vars.clear();
        self.env_intact = false;
    }

    pub(super) fn forget_all(&mut self) {
        self.forget_vars();
        self.cwd = None;
        self.glob_default = false;
    }

    /// Merges a state that may or may not have been reached: whatever differs becomes
    /// unknown. Returns whether `self` changed.
    pub(super) fn absorb(&mut self, other: &ShellState) -> bool {
        let mut changed: bool = false;
        let names: BTreeSet<String> = self.vars.keys().chain(other.vars.keys()).cloned().collect();
        for name in names {
            let mine: Value = self.get(&name);
            if mine != Value::Unknown && mine != other.get(&name) {
                self.forget(&name);
                changed = true;
            }
        }
        if self.env_intact && !other.env_intact {
            self.env_intact = false;
            changed = true;
        }
        if self.cwd.is_some() && self.cwd != other.cwd {
            self.cwd = None;
            changed = true;
        }
        if self.glob_default && !other.glob_default {
            self.glob_default = false;
            changed = true;
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_defaults() {
        let state = ShellState::initial(Path::new("/w"));
        assert_eq!(state.get("HOME"), Value::Home(String::new()));
        assert_eq!(state.get("IFS"), Value::Known(" \t\n".into()));
        assert_eq!(state.get("PATH"), Value::Unknown);
        assert_eq!(ShellState::unknown().get("HOME"), Value::Unknown);
    }

    #[test]
    fn absorbing_a_branch_forgets_what_it_changed() {
        let mut state = ShellState::initial(Path::new("/w"));
        state.set("a", Value::Known("1".into()));
        state.set("b", Value::Known("2".into()));
        let mut branch = state.clone();
        branch.set("a", Value::Known("9".into()));
        branch.set("c", Value::Known("3".into()));
        branch.cwd = None;
        assert!(state.absorb(&branch));
        assert_eq!(state.get("a"), Value::Unknown);
        assert_eq!(state.get("b"), Value::Known("2".into()));
        assert_eq!(state.get("c"), Value::Unknown);
        assert_eq!(state.cwd, None);
        assert!(!state.absorb(&branch));
    }

    #[test]
    fn oversized_values_are_forgotten() {
        let mut state = ShellState::initial(Path::new("/w"));
        state.set("x", Value::Known("a".repeat(MAX_VALUE_BYTES + 1)));
        assert_eq!(state.get("x"), Value::Unknown);
    }
}
