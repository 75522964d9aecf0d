//! Pathname expansion, as bash does it by default: `rm -rf *` is judged with the names it
//! would really receive.
//!
//! Only unquoted `*`, `?` and `[…]` are special (each character carries whether it was
//! quoted). Wildcards never match `/`; a name starting with `.` matches only when the
//! pattern's component starts with a literal `.`; `.` and `..` are never produced (bash
//! 5.2's `globskipdots`). Matches are sorted bytewise (the C locale); a pattern that
//! matches nothing stays as written, as bash leaves it without `nullglob`. Too many
//! matches, too many directories, or a matching name that is not UTF-8 make the word
//! unknown rather than cut short.

use super::limits::MAX_EXPANSION_WORDS;
use std::path::{Path, PathBuf};

/// Directories one pattern may read.
const MAX_DIRECTORIES: usize = 256;

/// One character of a word after expansion, and whether it may still act as a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PatternChar {
    pub c: char,
    pub active: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Glob {
    Matches(Vec<String>),
    NoMatch,
    Unknown,
}

/// Whether bash would try pathname expansion on this word.
pub(super) fn is_pattern(chars: &[PatternChar]) -> bool {
    chars.iter().any(|p| p.active && matches!(p.c, '*' | '?' | '['))
}

/// A path being built: the text bash would print, and where it is on disk.
#[derive(Clone)]
struct Candidate {
    text: String,
    path: PathBuf,
}

/// Expands `pattern` relative to `cwd` (`None`: unknown, so only absolute patterns).
pub(super) fn expand(pattern: &[PatternChar], cwd: Option<&Path>) -> Glob {
    let components: Vec<&[PatternChar]> = pattern.split(|p| p.c == '/').collect();
    let absolute: bool = pattern.first().is_some_and(|p| p.c == '/');
    let start: Candidate = if absolute {
        Candidate { text: String::new(), path: PathBuf::from("/") }
    } else {
        match cwd {
            Some(cwd) => Candidate { text: String::new(), path: cwd.to_path_buf() },
            None => return Glob::Unknown,
        }
    };
    let components: &[&[PatternChar]] = if absolute { &components[1..] } else { &components };
    let mut candidates: Vec<Candidate> = vec![start];
    let mut directories_read: usize = 0;
    let mut literal_tail: bool = false;
    for (index, component) in components.iter().enumerate() {
        let separator: &str = if index == 0 && !absolute { "" } else { "/" };
        if !is_pattern(component) {
            let name: String = component.iter().map(|p| p.c).collect();
            for candidate in &mut candidates {
                candidate.text = format!("{}{separator}{name}", candidate.text);
                candidate.path.push(&name);
            }
            literal_tail = true;
            continue;
        }
        literal_tail = false;
        let mut next: Vec<Candidate> = Vec::new();
        for candidate in &candidates {
            directories_read += 1;
            if directories_read > MAX_DIRECTORIES {
                return Glob::Unknown;
            }
            let Some(names) = matching_names(&candidate.path, component) else { return Glob::Unknown };
            for name in names {
                next.push(Candidate {
                    text: format!("{}{separator}{name}", candidate.text),
                    path: candidate.path.join(&name),
                });
            }
            if next.len() > MAX_EXPANSION_WORDS {
                return Glob::Unknown;
            }
        }
        candidates = next;
    }
    if literal_tail {
        candidates.retain(|c| c.path.symlink_metadata().is_ok() || (c.text.ends_with('/') && c.path.is_dir()));
    }
    let mut texts: Vec<String> = candidates.into_iter().map(|c| c.text).collect();
    texts.sort();
    if texts.is_empty() { Glob::NoMatch } else { Glob::Matches(texts) }
}

/// The entries of `directory` that `component` matches, or `None` when one that matches
/// has a name guard cannot represent. An unreadable directory matches nothing, as in bash.
fn matching_names(directory: &Path, component: &[PatternChar]) -> Option<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(directory) else { return Some(Vec::new()) };
    let shows_hidden: bool = component.first().is_some_and(|p| p.c == '.');
    let mut names: Vec<String> = Vec::new();
    for entry in entries.flatten() {
        let raw = entry.file_name();
        let lossy: String = raw.to_string_lossy().into_owned();
        if lossy.starts_with('.') && !shows_hidden {
            continue;
        }
        let name: Vec<char> = lossy.chars().collect();
        if matches(component, &name) {
            names.push(raw.into_string().ok()?);
        }
    }
    Some(names)
}

/// Whether `name` matches the pattern component (no `/` in either).
fn matches(pattern: &[PatternChar], name: &[char]) -> bool {
    let (mut p, mut n): (usize, usize) = (0, 0);
    // Where to resume after the last `*`: pattern position after it, and name position.
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        if let Some(step) = step(pattern, p, name[n]) {
            match step {
                Step::Star => {
                    backtrack = Some((p + 1, n));
                    p += 1;
                }
                Step::Consumed(next) => {
                    p = next;
                    n += 1;
                }
            }
            continue;
        }
        match backtrack {
            Some((after_star, tried)) => {
                p = after_star;
                n = tried + 1;
                backtrack = Some((after_star, tried + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|c| c.active && c.c == '*')
}

enum Step {
    Star,
    /// The pattern element matched one character; continue at this pattern position.
    Consumed(usize),
}

/// What the pattern element at `p` does with the character `c`; `None` when it fails.
fn step(pattern: &[PatternChar], p: usize, c: char) -> Option<Step> {
    let element: PatternChar = *pattern.get(p)?;
    if element.active && element.c == '*' {
        return Some(Step::Star);
    }
    if element.active && element.c == '?' {
        return Some(Step::Consumed(p + 1));
    }
    if element.active
        && element.c == '['
        && let Some((set, next)) = bracket(pattern, p)
    {
        return set.contains(c).then_some(Step::Consumed(next));
    }
    (element.c == c).then_some(Step::Consumed(p + 1))
}

/// A bracket expression: its members and whether it is negated.
struct CharSet {
    negated: bool,
    members: Vec<Member>,
}

enum Member {
    Char(char),
    Range(char, char),
    Class(String),
}

impl CharSet {
    fn contains(&self, c: char) -> bool {
        let found: bool = self.members.iter().any(|m| match m {
            Member::Char(x) => *x == c,
            Member::Range(low, high) => (*low..=*high).contains(&c),
            Member::Class(name) => in_class(name, c),
        });
        found != self.negated
    }
}

/// Parses the bracket expression opening at `open`; `None` when it never closes (then
/// the `[` is an ordinary character).
fn bracket(pattern: &[PatternChar], open: usize) -> Option<(CharSet, usize)> {
    let mut i: usize = open + 1;
    let negated: bool = matches!(pattern.get(i).map(|p| p.c), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut members: Vec<Member> = Vec::new();
    let first: usize = i;
    loop {
        let c: char = pattern.get(i)?.c;
        if c == ']' && i > first {
            return Some((CharSet { negated, members }, i + 1));
        }
        if c == '['
            && pattern.get(i + 1).map(|p| p.c) == Some(':')
            && let Some((name, end)) = class_name(pattern, i + 2)
        {
            members.push(Member::Class(name));
            i = end;
            continue;
        }
        let high: Option<char> = pattern.get(i + 2).map(|p| p.c);
        if pattern.get(i + 1).map(|p| p.c) == Some('-')
            && let Some(high) = high.filter(|h| *h != ']')
        {
            members.push(Member::Range(c, high));
            i += 3;
            continue;
        }
        members.push(Member::Char(c));
        i += 1;
    }
}

/// `name` of `[:name:]` starting at `start`, and the position after the closing `:]`.
fn class_name(pattern: &[PatternChar], start: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut i: usize = start;
    while let Some(p) = pattern.get(i) {
        if p.c == ':' && pattern.get(i + 1).map(|q| q.c) == Some(']') {
            return Some((name, i + 2));
        }
        if !p.c.is_ascii_alphabetic() {
            return None;
        }
        name.push(p.c);
        i += 1;
    }
    None
}

fn in_class(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "blank" => c == ' ' || c == '\t',
        "punct" => c.is_ascii_punctuation(),
        "print" => !c.is_control(),
        "graph" => !c.is_control() && !c.is_whitespace(),
        "cntrl" => c.is_control(),
        "xdigit" => c.is_ascii_hexdigit(),
        "word" => c.is_alphanumeric() || c == '_',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(text: &str) -> Vec<PatternChar> {
        text.chars().map(|c| PatternChar { c, active: true }).collect()
    }

    fn matched(pattern: &str, name: &str) -> bool {
        matches(&active(pattern), &name.chars().collect::<Vec<char>>())
    }

    #[test]
    fn wildcards_and_brackets() {
        assert!(matched("*", "abc"));
        assert!(matched("a*c", "abbbc"));
        assert!(!matched("a*c", "abd"));
        assert!(matched("?b?", "abc"));
        assert!(matched("[a-c]x", "bx"));
        assert!(!matched("[!a-c]x", "bx"));
        assert!(matched("[[:digit:]]*", "7up"));
        assert!(matched("[]]", "]"));
        assert!(matched("a[b", "a[b"));
        assert!(matched("*.rs", ".rs"));
    }

    #[test]
    fn quoted_characters_are_literal() {
        let pattern = vec![PatternChar { c: '*', active: false }];
        assert!(!is_pattern(&pattern));
        assert!(!matches(&pattern, &['x']));
        assert!(matches(&pattern, &['*']));
    }

    #[test]
    fn expands_against_a_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for name in ["b.txt", "a.txt", ".hidden.txt", "c.log"] {
            std::fs::write(dir.path().join(name), "").unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("sub/x.txt"), "").unwrap_or_else(|e| panic!("{e}"));
        let cwd = Some(dir.path());
        let texts = |v: &[&str]| Glob::Matches(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(expand(&active("*.txt"), cwd), texts(&["a.txt", "b.txt"]));
        assert_eq!(expand(&active(".*"), cwd), texts(&[".hidden.txt"]));
        assert_eq!(expand(&active("*/x.txt"), cwd), texts(&["sub/x.txt"]));
        assert_eq!(expand(&active("*/"), cwd), texts(&["sub/"]));
        assert_eq!(expand(&active("*.none"), cwd), Glob::NoMatch);
        assert_eq!(expand(&active("*.txt"), None), Glob::Unknown);
        let absolute: String = format!("{}/?.log", dir.path().display());
        assert_eq!(expand(&active(&absolute), None), Glob::Matches(vec![format!("{}/c.log", dir.path().display())]));
    }
}
