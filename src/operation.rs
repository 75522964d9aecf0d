//! Operations: what an invocation really does, independent of how it was spelled.
//!
//! Inspectors turn every surface (a program's argv today; HTTP bodies, SQL and tool
//! calls as they arrive) into `Operation`s, and rules judge only operations. The same
//! operation id (e.g. `railway.volumeDelete`) can come from several surfaces, so one
//! rule stops them all.

use crate::rules::schema::{Class, UnknownPolicy};
use std::path::PathBuf;

// An invocation yields a handful of operations: their size is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Operation {
    /// One program's normalized argv.
    Command(Command),
    /// An HTTP request a client (curl, wget, HTTPie…) will send.
    Http(HttpRequest),
    /// A named operation of a service's API, e.g. `railway.volumeDelete` from a
    /// GraphQL mutation's root field (or, later, a structured tool call).
    Api(ApiCall),
    /// A database statement that destroys data, or that guard could not parse.
    Sql(SqlStatement),
    /// A payload guard could not read or decode, bound for a destination that can
    /// destroy: never judged by a part, so it needs a person.
    Unjudged(Unjudged),
    /// A command that would change guard itself: denied.
    Protected(Protected),
}

impl Operation {
    pub fn as_command(&self) -> Option<&Command> {
        match self {
            Operation::Command(c) => Some(c),
            _ => None,
        }
    }

    /// The operation id rules can name, when there is one.
    pub fn operation_id(&self) -> Option<&str> {
        match self {
            Operation::Command(c) => c.operation.as_deref(),
            Operation::Api(a) => Some(&a.operation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// The client program (`curl`).
    pub client: String,
    /// Upper-case, after method-override headers and `_method` parameters.
    pub method: String,
    pub url: String,
    /// Lower-case host; None when the URL has none guard can read.
    pub host: Option<String>,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    /// None: the request has no body.
    pub body: Option<crate::inspect::payload::Payload>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    /// `service.name`, e.g. `railway.volumeDelete`.
    pub operation: String,
    /// How it was requested, for the artifact: `GraphQL mutation via curl`.
    pub surface: String,
    /// The call's arguments with GraphQL variables substituted where known.
    pub args: serde_json::Value,
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlStatement {
    /// The client program (`psql`).
    pub client: String,
    /// What the statement does: `drop`, `truncate`, `delete-all`, … (see `inspect::sql`).
    pub kind: String,
    /// The statement, shortened for display.
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub program: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjudged {
    /// Where it would go: `curl to backboard.railway.com`, `psql`.
    pub destination: String,
    pub reason: String,
}

/// A program's argv after its grammar has been applied: subcommand path resolved
/// through aliases, options canonicalized (bundles split, attached values separated,
/// prefixes expanded, `--no-x` recorded), operands separated from option values.
#[derive(Debug, Clone)]
pub struct Command {
    /// The pack's name for the program (`mkfs` when invoked as `mkfs.ext4`).
    pub program: String,
    /// Index of the pack that defines the program, within the loaded rule set.
    pub pack: usize,
    /// Canonical subcommand path, e.g. `["stash", "drop"]`.
    pub path: Vec<String>,
    /// Whether the resolved command can destroy.
    pub class: Class,
    /// The operation the resolved command performs, if the pack names one.
    pub operation: Option<String>,
    /// The payload inspector of the resolved command (inherited down the tree).
    pub inspector: Option<String>,
    /// How the resolved command runs another command, if it does.
    pub runs: Option<crate::rules::schema::Runs>,
    pub options: Vec<OptionUse>,
    pub operands: Vec<Operand>,
    /// Every argument after the program name, as text (lossy for non-UTF-8).
    pub words: Vec<String>,
    /// What the grammar could not account for.
    pub unknowns: Vec<Unknown>,
    /// The directory the command works in (cwd, then `-C`-style options applied).
    pub dir: PathBuf,
    /// How many words precede the first subcommand word: the program's global
    /// options, which a resolver may replay (`git -C dir -c k=v config …`).
    pub globals_end: usize,
    /// SHA-256 of the payloads this command reads, when judged inside a shell string.
    pub payloads: Vec<[u8; 32]>,
    /// Prefixes that make an option value name a file (`file://`), inherited down the
    /// tree: see `inspect::fileref`.
    pub file_refs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionUse {
    /// Canonical option name from the grammar.
    pub name: String,
    pub value: Option<String>,
    /// Spelled `--no-<name>`: turns the option off.
    pub negated: bool,
    /// The grammar says values accumulate rather than the last one winning.
    pub multiple: bool,
    /// A value guard cannot know here does not change what the command destroys.
    pub inert: bool,
    /// Recorded at an open node (`open:`) without a grammar, for a program that accepts
    /// unique prefixes of long names (aws: `--skip-final` is `--skip-final-snapshot`):
    /// it stands for every option name it begins.
    pub prefix: bool,
}

impl OptionUse {
    /// Whether this use is of the option `name` (or, for a `prefix` use, may be).
    pub fn names(&self, name: &str) -> bool {
        self.name == name || (self.prefix && name.starts_with(&self.name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operand {
    pub text: String,
    /// Came after a `--` that ended option parsing.
    pub after_dashdash: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// A word in subcommand position that the grammar does not know; `policy` is what
    /// the pack (or that node) says unknown commands decide.
    /// `at` is its index among the words after the program name.
    Subcommand { word: String, at: usize, policy: UnknownPolicy },
    /// An option the grammar does not know. `before_subcommand` is true when it came
    /// before the subcommand was resolved: then even the subcommand is uncertain.
    Option { token: String, before_subcommand: bool, policy: UnknownPolicy },
}

impl Command {
    pub fn path_string(&self) -> String {
        self.path.join(" ")
    }

    /// Whether the option is in effect: present, and its last occurrence not negated.
    pub fn option_in_effect(&self, name: &str) -> bool {
        self.options.iter().rev().find(|o| o.names(name)).is_some_and(|o| !o.negated)
    }

    /// The option's effective values: every value since the last negation for
    /// accumulating options, otherwise only the last one.
    pub fn option_values(&self, name: &str) -> Vec<&str> {
        let mut values = Vec::new();
        for o in self.options.iter().filter(|o| o.names(name)) {
            if o.negated {
                values.clear();
                continue;
            }
            if !o.multiple {
                values.clear();
            }
            if let Some(v) = &o.value {
                values.push(v.as_str());
            }
        }
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(name: &str, value: Option<&str>, negated: bool, multiple: bool) -> OptionUse {
        OptionUse { name: name.into(), value: value.map(Into::into), negated, multiple, inert: false, prefix: false }
    }

    fn cmd(options: Vec<OptionUse>) -> Command {
        Command {
            program: "x".into(),
            pack: 0,
            path: vec![],
            class: Class::Destroy,
            operation: None,
            inspector: None,
            runs: None,
            options,
            operands: vec![],
            words: vec![],
            unknowns: vec![],
            dir: PathBuf::from("/"),
            globals_end: 0,
            payloads: Vec::new(),
            file_refs: Vec::new(),
        }
    }

    #[test]
    fn last_occurrence_wins_for_flags() {
        let c = cmd(vec![opt("force", None, false, false), opt("force", None, true, false)]);
        assert!(!c.option_in_effect("force"));
        let c = cmd(vec![opt("force", None, true, false), opt("force", None, false, false)]);
        assert!(c.option_in_effect("force"));
        assert!(!c.option_in_effect("other"));
    }

    #[test]
    fn values_accumulate_only_when_multiple() {
        let c = cmd(vec![opt("X", Some("GET"), false, false), opt("X", Some("DELETE"), false, false)]);
        assert_eq!(c.option_values("X"), vec!["DELETE"]);
        let c = cmd(vec![opt("H", Some("a"), false, true), opt("H", Some("b"), false, true)]);
        assert_eq!(c.option_values("H"), vec!["a", "b"]);
        let c =
            cmd(vec![opt("H", Some("a"), false, true), opt("H", None, true, true), opt("H", Some("c"), false, true)]);
        assert_eq!(c.option_values("H"), vec!["c"]);
    }
}
