//! Shell command strings: every simple command they run.
//!
//! In hook mode a harness hands guard the whole string an agent is about to run. [`parse`]
//! returns each simple command that string may run — in pipelines, lists, subshells,
//! compound commands, function bodies, `$(…)`, backticks, process substitutions,
//! unquoted heredoc bodies, and the literal strings given to `eval`, `alias` and `trap` —
//! with its words evaluated as far as bash would evaluate them before running anything:
//! quote removal, ANSI-C escapes, brace expansion, variables assigned a literal earlier in
//! the same string, `~`, word splitting with the default IFS, and globs against the
//! directory. What cannot be known is marked [`Word::Unknown`], never guessed.
//!
//! Why a sandbox: brush-parser aborts the whole process on hostile input (unbounded
//! allocation, stack overflow), and in hook mode a crashed guard lets the command run. So
//! the parse and the walk happen in a forked child under memory, CPU and wall-clock limits
//! (`sandbox.rs`); a child that dies or is killed is a parse failure, which the caller
//! treats as "needs confirmation". Plain one-command strings skip the fork (`plain.rs`).
//!
//! Flow: `limits.rs` (size and nesting, before any parser sees the text) → `plain.rs` or
//! `sandbox.rs` running `walk.rs` (AST → commands, with the shell's state in `state.rs`)
//! → `expand.rs` (words), helped by `brace.rs`, `glob.rs` and `ansi_c.rs`; `builtins.rs`
//! applies what `cd`, `export`, `eval`, `source`… do to that state.
//!
//! Semantics a consumer relies on:
//! - Commands come in the order they would start; the commands of a `$(…)` come before the
//!   command whose word contains it.
//! - A function body's commands are returned where the function is defined, whether or
//!   not it is called, with unknown variables, [`Stdin::Unknown`] and no known `cwd`
//!   (the call site decides those). The same holds for `alias` values and `trap` actions.
//! - `eval` is returned as a command, followed by the commands of its string when every
//!   word of it is known.
//! - Bare assignments (`X=1`) are not commands but set variables; `export`, `declare`,
//!   `typeset`, `local` and `readonly` are returned as commands and also set variables.
//! - A command with no words but redirections (`> file`) is returned with an empty argv.
//!   So are the redirections of a compound command (`{ …; } > f`, `while …; done < f`),
//!   which every command inside also carries in its own `redirects` and `stdin`.
//! - `bash -c`, `sh -c`, `source FILE` and wrappers are ordinary commands here: the
//!   consumer unwraps them (calling [`parse`] again on an inner string).

mod ansi_c;
mod brace;
mod builtins;
mod expand;
mod glob;
mod limits;
mod plain;
mod sandbox;
mod state;
mod walk;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Word {
    /// The word's value is known (quotes removed, escapes and literals evaluated).
    Known(String),
    /// Depends on something guard cannot know (a variable from the environment, `$(…)`,
    /// a glob in an unknown directory…); `text` is the word as written. At run time it may become zero,
    /// one or several words.
    Unknown { text: String },
    /// The home directory of the user running the command, followed by `rest`: `~` is
    /// `Home { rest: "" }`, `~/x` and `"$HOME"/x` are `Home { rest: "/x" }`. guard does
    /// not know the path, but knows where it points.
    Home { rest: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stdin {
    /// Whatever the string's own stdin is.
    Inherited,
    /// The output of another command: the previous one in a pipeline, the `cmd` of
    /// `< <(cmd)`, or the writer into `>(…)` or a coprocess.
    Pipe,
    /// A heredoc or here-string body.
    Text(Word),
    /// `< file`.
    File(Word),
    /// Something guard cannot name: a duplicated descriptor (`<&3`), or the caller's stdin
    /// for a function body, alias or trap. `text` says which.
    Unknown { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirectKind {
    /// `>`, `>|`, `&>` (and `>&file`).
    Write,
    /// `>>`, `&>>`.
    Append,
    /// `<`.
    Read,
    /// `<>`: opened for reading and writing, created if missing.
    ReadWrite,
    /// `2>&1`, `<&3`, `3>&-`: `target` is the descriptor copied (or `-` to close); no file
    /// is opened.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The descriptor written as the operator's prefix (`2>`); `None` means the operator's
    /// default (1 for `>`, 0 for `<`; both 1 and 2 for `&>`).
    pub fd: Option<u32>,
    pub kind: RedirectKind,
    /// The file (or descriptor) redirected to. A heredoc or here-string on a descriptor
    /// other than 0 (`3<<EOF`) is reported as `Read` with its body as the target.
    pub target: Word,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleCommand {
    pub argv: Vec<Word>,
    /// `NAME=value` words before the command (its environment, not the shell's).
    pub assignments: Vec<(String, Word)>,
    pub stdin: Stdin,
    pub redirects: Vec<Redirect>,
    /// The directory the command runs in when guard can follow it (the caller's `cwd`,
    /// or where a literal `cd` led); `None` after a `cd` guard could not follow.
    #[serde(with = "path_bytes")]
    pub cwd: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct ShellError(pub String);

/// Every simple command `text` may run, as bash would run it from `cwd`.
///
/// Fails (and the caller must then ask for confirmation) on oversized or too deeply
/// nested input, syntax errors, unterminated quotes, and anything that kills or stalls
/// the parser.
pub fn parse(text: &str, cwd: &Path) -> Result<Script, ShellError> {
    limits::check_size(text)?;
    limits::check_nesting(text, 0)?;
    if let Some(script) = plain::parse(text, cwd) {
        return Ok(script);
    }
    sandbox::run(|| walk::script(text, cwd), &sandbox::PARSER_LIMITS)?
}

/// Paths cross the sandbox pipe as raw bytes, so a directory whose name is not UTF-8
/// survives the trip.
mod path_bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::ffi::OsString;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::path::PathBuf;

    pub fn serialize<S: Serializer>(path: &Option<PathBuf>, serializer: S) -> Result<S::Ok, S::Error> {
        path.as_ref().map(|p| p.as_os_str().as_bytes()).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<PathBuf>, D::Error> {
        let bytes: Option<Vec<u8>> = Option::deserialize(deserializer)?;
        Ok(bytes.map(|b| PathBuf::from(OsString::from_vec(b))))
    }
}
