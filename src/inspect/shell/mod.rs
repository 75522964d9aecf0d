//! Shell command strings: every simple command they run.
//!
//! CONTRACT (implementation pending): parse a bash command string under hard limits
//! and return each simple command with statically known words, or mark what cannot
//! be known.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// The word's value is known (quotes removed, escapes and literals evaluated).
    Known(String),
    /// Depends on something guard cannot know (a variable, `$(…)`, a glob with no
    /// static match…); `text` is the word as written.
    Unknown { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stdin {
    /// Whatever the string's own stdin is.
    Inherited,
    /// The output of the previous command in a pipeline.
    Pipe,
    /// A heredoc or here-string body.
    Text(Word),
    /// `< file`.
    File(Word),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectKind {
    Write,
    Append,
    Read,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub fd: Option<u32>,
    pub kind: RedirectKind,
    pub target: Word,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub argv: Vec<Word>,
    /// `NAME=value` words before the command.
    pub assignments: Vec<(String, Word)>,
    pub stdin: Stdin,
    pub redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShellError(pub String);

pub fn parse(_text: &str, _cwd: &Path) -> Result<Script, ShellError> {
    Err(ShellError("shell strings are not parsed yet".into()))
}
