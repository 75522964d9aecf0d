//! curl's config files and `--next`: the argument words curl really acts on.
//!
//! curl reads `~/.curlrc` before its command line (unless `-q`/`--disable` is the very
//! first argument) and a `-K FILE` (`-K -`: stdin) where it stands, in a syntax of its
//! own: one option per line, long names with or without dashes, `name = value`,
//! `name: value` or `name value`, double-quoted values with `\"`, `\\`, `\t`, `\n`,
//! `\r`, `\v` escapes, `#` comments. Each line becomes argument words that the curl
//! grammar then reads exactly like typed ones. `--next` (`-:`) starts a new set of
//! options for the URLs after it, so the words are split there.

use super::config;
use super::{Grammar, read_named};
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::Command;
use crate::rules::schema::{NodeSpec, OptionSpec, ValueKind};
use std::path::{Path, PathBuf};

/// Config files including config files deeper than this are not judged.
const MAX_CONFIG_DEPTH: usize = 8;
/// Bound on the words all config files together may add.
const MAX_CONFIG_WORDS: usize = 20_000;

/// The words of the default curlrc curl would read; None when it reads none.
pub(super) fn default_config(cmd: &Command, ctx: &Ctx, grammar: &Grammar) -> Result<Option<Vec<String>>, String> {
    if matches!(cmd.words.first().map(String::as_str), Some("-q" | "--disable")) {
        return Ok(None);
    }
    let Some((path, bytes)) = config::first_existing(ctx, &curlrc_candidates(ctx))? else { return Ok(None) };
    let text = String::from_utf8_lossy(&bytes);
    config_words(&text, grammar.root()?).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where curl looks for its default config, in its order. (With HOME unset curl asks
/// the password database; guard cannot, and reads none.)
fn curlrc_candidates(ctx: &Ctx) -> Vec<PathBuf> {
    [
        config::under_env(ctx, "CURL_HOME", ".curlrc"),
        config::under_env(ctx, "XDG_CONFIG_HOME", ".curlrc"),
        config::under_env(ctx, "XDG_CONFIG_HOME", "curlrc"),
        config::under_env(ctx, "HOME", ".curlrc"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The curlrc words, then the command line with every `-K` file's words after it.
pub(super) fn effective_words(
    cmd: &Command,
    ctx: &Ctx,
    grammar: &Grammar,
    curlrc: Vec<String>,
) -> Result<Vec<String>, String> {
    let root = grammar.root()?;
    let mut out = Vec::new();
    expand(root, &curlrc, &cmd.dir, ctx, 0, &mut out)?;
    expand(root, &cmd.words, &cmd.dir, ctx, 0, &mut out)?;
    Ok(out)
}

fn expand(
    root: &NodeSpec,
    words: &[String],
    dir: &Path,
    ctx: &Ctx,
    depth: usize,
    out: &mut Vec<String>,
) -> Result<(), String> {
    if depth > MAX_CONFIG_DEPTH {
        return Err(format!("curl config files nest deeper than {MAX_CONFIG_DEPTH}"));
    }
    for piece in pieces(root, words) {
        out.extend(words[piece.start..piece.end].iter().cloned());
        for file in piece.values_of("config") {
            let text = match read_named(file, dir, ctx) {
                Payload::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Payload::Unreadable(reason) => return Err(format!("cannot read the curl config {file}: {reason}")),
            };
            let added = config_words(&text, root).map_err(|e| format!("curl config {file}: {e}"))?;
            expand(root, &added, dir, ctx, depth + 1, out)?;
        }
        if out.len() > MAX_CONFIG_WORDS {
            return Err(format!("curl config files add more than {MAX_CONFIG_WORDS} arguments"));
        }
    }
    Ok(())
}

/// The words before and after each `--next`, one slice per set of options.
pub(super) fn split_at_next<'w>(root: &NodeSpec, words: &'w [String]) -> Vec<&'w [String]> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in pieces(root, words) {
        if piece.options.iter().any(|(name, _)| name == "next") {
            out.push(&words[start..piece.end]);
            start = piece.end;
        }
    }
    out.push(&words[start..]);
    out
}

/// The argument words one config file stands for.
pub(super) fn config_words(text: &str, root: &NodeSpec) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (option, param) = split_line(line);
        let words = option_words(&option, param, root).map_err(|e| format!("line {}: {e}", number + 1))?;
        out.extend(words);
    }
    Ok(out)
}

/// `name = value`, `name: value`, `name value`, `--name value`, `-X value`.
fn split_line(line: &str) -> (String, Option<String>) {
    let dashed = line.starts_with('-');
    let is_end = |c: char| c.is_whitespace() || (!dashed && (c == '=' || c == ':'));
    let end = line.find(is_end).unwrap_or(line.len());
    let (option, rest) = line.split_at(end);
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || (!dashed && (c == '=' || c == ':')));
    let param = match rest.strip_prefix('"') {
        Some(quoted) => Some(unquote(quoted)),
        None => rest.split_whitespace().next().map(String::from),
    };
    (option.to_string(), param)
}

/// A double-quoted config value up to its closing quote, escapes resolved.
fn unquote(quoted: &str) -> String {
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('v') => out.push('\u{0b}'),
                Some(other) => out.push(other),
                None => {}
            },
            other => out.push(other),
        }
    }
    out
}

/// The command-line words of one config line. A value option without its value is an
/// error: as a word it would swallow the next argument.
fn option_words(option: &str, param: Option<String>, root: &NodeSpec) -> Result<Vec<String>, String> {
    if option == "-" || option == "--" {
        return Err(format!("`{option}` is not an option"));
    }
    if option.starts_with('-') && !option.starts_with("--") {
        return short_words(option, param, root);
    }
    let name = option.trim_start_matches('-');
    if name.contains('=') {
        return Ok(vec![format!("--{name}")]); // `--opt=value`: read as typed
    }
    let takes_value = long_spec(root, name).is_some_and(|spec| spec.value == ValueKind::Required);
    match (takes_value, param) {
        (true, Some(value)) => Ok(vec![format!("--{name}"), value]),
        (true, None) => Err(format!("`{name}` has no value")),
        (false, _) => Ok(vec![format!("--{name}")]),
    }
}

/// `-X value`, `-XDELETE`, `-sS`: the value is used only when the bundle wants one.
fn short_words(token: &str, param: Option<String>, root: &NodeSpec) -> Result<Vec<String>, String> {
    if !bundle_wants_next(token, root) {
        return Ok(vec![token.to_string()]);
    }
    match param {
        Some(value) => Ok(vec![token.to_string(), value]),
        None => Err(format!("`{token}` has no value")),
    }
}

fn long_spec<'g>(root: &'g NodeSpec, name: &str) -> Option<&'g OptionSpec> {
    root.options.iter().find(|o| o.long.iter().any(|l| l == name))
}

/// Whether the last option of a short bundle takes the following word as its value.
fn bundle_wants_next(token: &str, root: &NodeSpec) -> bool {
    let letters = token.trim_start_matches('-');
    for (at, c) in letters.char_indices() {
        let Some(spec) = root.options.iter().find(|o| o.short.contains(&c)) else { return false };
        match spec.value {
            ValueKind::None => continue,
            ValueKind::Optional => return false,
            ValueKind::Required => return at + c.len_utf8() == letters.len(),
        }
    }
    false
}

/// The words of one argument (an option with its value, or an operand), and the
/// options it sets that are not negated.
struct Piece {
    start: usize,
    end: usize,
    options: Vec<(String, Option<String>)>,
}

impl Piece {
    fn values_of<'p>(&'p self, name: &'p str) -> impl Iterator<Item = &'p str> {
        self.options.iter().filter(move |(n, _)| n == name).filter_map(|(_, v)| v.as_deref())
    }
}

/// Splits words into arguments the way `argv::normalize` reads them for curl
/// (`long_equals`, bundling, `--` ending options), so `-K` and `--next` are found
/// where curl finds them and never inside another option's value.
fn pieces(root: &NodeSpec, words: &[String]) -> Vec<Piece> {
    let long_equals = root.syntax.as_ref().is_none_or(|s| s.long_equals);
    let mut out = Vec::new();
    let mut i = 0;
    let mut options_ended = false;
    while i < words.len() {
        let word = &words[i];
        let next = words.get(i + 1);
        let (options, consumed_next) = if options_ended || word.len() < 2 || !word.starts_with('-') {
            (Vec::new(), false)
        } else if word == "--" {
            options_ended = true;
            (Vec::new(), false)
        } else if let Some(body) = word.strip_prefix("--") {
            long_piece(root, body, long_equals, next)
        } else {
            short_piece(root, &word[1..], next)
        };
        let end = if consumed_next { i + 2 } else { i + 1 };
        out.push(Piece { start: i, end, options });
        i = end;
    }
    out
}

type Read = (Vec<(String, Option<String>)>, bool);

fn long_piece(root: &NodeSpec, body: &str, long_equals: bool, next: Option<&String>) -> Read {
    let (name, attached) = match body.split_once('=') {
        Some((n, v)) if long_equals => (n, Some(v.to_string())),
        _ => (body, None),
    };
    if let Some(spec) = long_spec(root, name) {
        return match (spec.value, attached) {
            (ValueKind::Required, None) => (vec![(spec.name.to_string(), next.cloned())], next.is_some()),
            (_, value) => (vec![(spec.name.to_string(), value)], false),
        };
    }
    // `--no-x` of a negatable option: takes no value and sets nothing
    (Vec::new(), false)
}

fn short_piece(root: &NodeSpec, letters: &str, next: Option<&String>) -> Read {
    let mut options = Vec::new();
    for (at, c) in letters.char_indices() {
        let rest = &letters[at + c.len_utf8()..];
        let Some(spec) = root.options.iter().find(|o| o.short.contains(&c)) else { return (options, false) };
        match spec.value {
            ValueKind::None => options.push((spec.name.to_string(), None)),
            ValueKind::Optional => {
                options.push((spec.name.to_string(), (!rest.is_empty()).then(|| rest.to_string())));
                return (options, false);
            }
            ValueKind::Required if rest.is_empty() => {
                options.push((spec.name.to_string(), next.cloned()));
                return (options, next.is_some());
            }
            ValueKind::Required => {
                options.push((spec.name.to_string(), Some(rest.to_string())));
                return (options, false);
            }
        }
    }
    (options, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn with_curl_root<T>(f: impl FnOnce(&NodeSpec) -> T) -> T {
        let rules = RuleSet::for_program("curl");
        let (_, _, root) = rules.program("curl").expect("curl grammar");
        f(root)
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn config_lines_in_every_spelling() {
        let text = "# comment\n  url = \"https://api.example.com/a b\"\nrequest: DELETE\n--header \"X-A: \\\"q\\\"\"\n-s\n-XPOST\n-d x=1\nsilent yes\n";
        let got = with_curl_root(|root| config_words(text, root)).unwrap();
        assert_eq!(
            got,
            words(&[
                "--url",
                "https://api.example.com/a b",
                "--request",
                "DELETE",
                "--header",
                "X-A: \"q\"",
                "-s",
                "-XPOST",
                "-d",
                "x=1",
                "--silent"
            ])
        );
    }

    #[test]
    fn config_value_options_without_values_are_errors() {
        assert!(with_curl_root(|root| config_words("request\n", root)).is_err());
        assert!(with_curl_root(|root| config_words("-sX\n", root)).is_err());
        assert!(with_curl_root(|root| config_words("--\n", root)).is_err());
        let escapes = with_curl_root(|root| config_words("data = \"a\\tb\\nc\\\\d\\qe\"", root)).unwrap();
        assert_eq!(escapes, words(&["--data", "a\tb\nc\\dqe"]));
    }

    #[test]
    fn next_splits_only_where_it_is_an_option() {
        let all = words(&["-X", "DELETE", "https://a", "--next", "-d", "--next", "https://b", "-:", "https://c"]);
        let parts =
            with_curl_root(|root| split_at_next(root, &all).into_iter().map(<[String]>::len).collect::<Vec<_>>());
        // `-d --next`: the data is the text `--next`, not a separator
        assert_eq!(parts, vec![4, 4, 1]);
    }

    #[test]
    fn pieces_find_config_values_in_bundles_and_long_forms() {
        let all = words(&["-sK", "a.cfg", "--config=b.cfg", "-Kc.cfg", "--url", "-K", "https://x"]);
        let found: Vec<String> = with_curl_root(|root| {
            pieces(root, &all)
                .iter()
                .flat_map(|p| p.values_of("config").map(String::from).collect::<Vec<_>>())
                .collect()
        });
        assert_eq!(found, vec!["a.cfg", "b.cfg", "c.cfg"]);
    }
}
