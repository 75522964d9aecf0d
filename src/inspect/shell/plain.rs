//! The fast path: a string that can only be one simple command, split without a parser.
//!
//! Most strings agents run (`git status`, `cargo test -p guard`) contain nothing the shell
//! would expand or interpret. Splitting those here saves the fork that the sandboxed
//! parser costs. The test is deliberately narrow: ASCII letters, digits, blanks,
//! `-_./=:,@%+`, and balanced `'…'`/`"…"` whose contents obey the same rule. Everything
//! else — and any string whose first word is a reserved word or a builtin that runs a
//! string (`eval`, `alias`, `trap`, `command`, `builtin`) — goes to the full parser.
//! Tests in `tests.rs` check that both paths agree.

use super::{Script, SimpleCommand, Stdin, Word};
use std::path::Path;

/// Words that make bash parse the rest differently, or that make guard parse a string.
const NEEDS_PARSER: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in",
    "function", "time", "coproc", "eval", "alias", "trap", "command", "builtin",
];

/// One word as written (`raw`) and after quote removal (`value`).
struct PlainWord {
    raw: String,
    value: String,
}

/// The single command `text` runs, or `None` when it needs the full parser.
pub(super) fn parse(text: &str, cwd: &Path) -> Option<Script> {
    if !text.chars().all(is_plain_char) {
        return None;
    }
    let words: Vec<PlainWord> = split(text)?;
    let assignment_count: usize = words.iter().take_while(|w| assignment_name(&w.raw).is_some()).count();
    let (prefix, rest) = words.split_at(assignment_count);
    let Some(first) = rest.first() else {
        return Some(Script { commands: Vec::new() });
    };
    let appends: bool = first.raw.split_once("+=").is_some_and(|(name, _)| is_name(name));
    if appends || NEEDS_PARSER.contains(&first.raw.as_str()) {
        return None;
    }
    let assignments: Vec<(String, Word)> = prefix
        .iter()
        .filter_map(|w| {
            let name: &str = assignment_name(&w.raw)?;
            let value: &str = w.value.get(name.len() + 1..)?;
            Some((name.to_string(), Word::Known(value.to_string())))
        })
        .collect();
    let command = SimpleCommand {
        argv: rest.iter().map(|w| Word::Known(w.value.clone())).collect(),
        assignments,
        stdin: Stdin::Inherited,
        redirects: Vec::new(),
        cwd: Some(cwd.to_path_buf()),
    };
    Some(Script { commands: vec![command] })
}

fn is_plain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " \t-_./=:,@%+'\"".contains(c)
}

/// Splits on blanks outside quotes; `None` when a quote is left open.
fn split(text: &str) -> Option<Vec<PlainWord>> {
    let mut words: Vec<PlainWord> = Vec::new();
    let mut current: Option<PlainWord> = None;
    let mut open_quote: Option<char> = None;
    for c in text.chars() {
        match (open_quote, c) {
            (None, ' ' | '\t') => words.extend(current.take()),
            (None, '\'' | '"') => {
                open_quote = Some(c);
                current.get_or_insert_with(empty_word).raw.push(c);
            }
            (Some(q), _) if q == c => {
                open_quote = None;
                current.get_or_insert_with(empty_word).raw.push(c);
            }
            _ => {
                let word: &mut PlainWord = current.get_or_insert_with(empty_word);
                word.raw.push(c);
                word.value.push(c);
            }
        }
    }
    if open_quote.is_some() {
        return None;
    }
    words.extend(current);
    Some(words)
}

fn empty_word() -> PlainWord {
    PlainWord { raw: String::new(), value: String::new() }
}

/// `NAME` when `raw` is an unquoted `NAME=…` assignment word.
fn assignment_name(raw: &str) -> Option<&str> {
    let (name, _) = raw.split_once('=')?;
    is_name(name).then_some(name)
}

/// A shell variable name: a letter or `_`, then letters, digits and `_`.
pub(super) fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(text: &str) -> Option<Vec<String>> {
        let script = parse(text, Path::new("/w"))?;
        Some(
            script.commands[0]
                .argv
                .iter()
                .map(|w| match w {
                    Word::Known(s) => s.clone(),
                    other => panic!("unexpected {other:?}"),
                })
                .collect(),
        )
    }

    #[test]
    fn splits_plain_commands() {
        assert_eq!(
            argv("git push  origin main"),
            Some(vec!["git".into(), "push".into(), "origin".into(), "main".into()])
        );
        assert_eq!(argv("echo 'a b' \"c\"d ''"), Some(vec!["echo".into(), "a b".into(), "cd".into(), String::new()]));
    }

    #[test]
    fn leaves_anything_else_to_the_parser() {
        for text in ["echo $x", "a; b", "echo 'x", "time ls", "eval ls", "X+=1 ls", "ls *", "cd ~", "a\nb", "ls # c"] {
            assert!(parse(text, Path::new("/w")).is_none(), "{text}");
        }
    }

    #[test]
    fn separates_assignments() {
        let script = parse("A=1 B='x y' env", Path::new("/w")).unwrap_or_else(|| panic!("plain"));
        assert_eq!(
            script.commands[0].assignments,
            vec![("A".to_string(), Word::Known("1".into())), ("B".to_string(), Word::Known("x y".into()))]
        );
        assert_eq!(parse("A=1", Path::new("/w")).map(|s| s.commands.len()), Some(0));
        assert_eq!(parse("", Path::new("/w")).map(|s| s.commands.len()), Some(0));
    }
}
