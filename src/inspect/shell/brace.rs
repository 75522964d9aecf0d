//! Brace expansion: `{rm,-rf,/srv}` is three words, `a{b,c}` two, `{01..03}` three.
//!
//! bash expands braces first, on the word as written, so the result is a list of new raw
//! words that are then parsed and expanded one by one. Only braces in unquoted literal
//! text count: brush's word parser tells which parts of the word are quotes, escapes or
//! expansions (`${x}`, `$(…)`), and those are copied through untouched.
//!
//! Sequences follow bash: the sign of an increment is ignored, an increment of 0 is 1,
//! and a bound written with a leading zero pads every term to the same width. Letter
//! ranges that cross between cases (`{Z..a}`, which bash fills with punctuation) and
//! expansions beyond [`MAX_EXPANSION_WORDS`] are reported as unknown.

use super::limits::MAX_EXPANSION_WORDS;
use brush_parser::word::{WordPiece, WordPieceWithSource};

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Braces {
    /// Nothing to expand: the word stays as it is.
    None,
    /// The raw words the word expands to.
    Expanded(Vec<String>),
    /// Too large, or a form guard does not reproduce.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Comma,
    Close,
    /// One character of unquoted literal text.
    Char(char),
    /// Quoted text, an escape or an expansion, copied verbatim.
    Opaque(String),
}

/// Expands the braces of `raw`, whose parsed pieces are `pieces`.
pub(super) fn expand(raw: &str, pieces: &[WordPieceWithSource]) -> Braces {
    let Some(tokens) = tokenize(raw, pieces) else { return Braces::Unknown };
    if !tokens.contains(&Token::Open) {
        return Braces::None;
    }
    let mut words: Vec<String> = Vec::new();
    match expand_tokens(&tokens, &mut words) {
        Ok(()) if words.len() == 1 && words[0] == raw => Braces::None,
        Ok(()) => Braces::Expanded(words),
        Err(Stop) => Braces::Unknown,
    }
}

fn tokenize(raw: &str, pieces: &[WordPieceWithSource]) -> Option<Vec<Token>> {
    let mut tokens: Vec<Token> = Vec::new();
    for piece in pieces {
        match &piece.piece {
            WordPiece::Text(text) => tokens.extend(text.chars().map(|c| match c {
                '{' => Token::Open,
                ',' => Token::Comma,
                '}' => Token::Close,
                other => Token::Char(other),
            })),
            _ => tokens.push(Token::Opaque(raw.get(piece.start_index..piece.end_index)?.to_string())),
        }
    }
    Some(tokens)
}

/// Expansion stopped: too many words or an unsupported form.
struct Stop;

fn expand_tokens(tokens: &[Token], words: &mut Vec<String>) -> Result<(), Stop> {
    let Some(found) = first_expansion(tokens)? else {
        words.push(render(tokens));
        return Ok(());
    };
    for member in &found.members {
        let mut combined: Vec<Token> = tokens[..found.open].to_vec();
        combined.extend_from_slice(member);
        combined.extend_from_slice(&tokens[found.close + 1..]);
        expand_tokens(&combined, words)?;
        if words.len() > MAX_EXPANSION_WORDS {
            return Err(Stop);
        }
    }
    Ok(())
}

/// A brace expression: where it opens and closes, and what it expands to.
struct Expansion {
    open: usize,
    close: usize,
    members: Vec<Vec<Token>>,
}

/// The first `{` that starts a valid expression (a comma list or a sequence).
fn first_expansion(tokens: &[Token]) -> Result<Option<Expansion>, Stop> {
    for (open, token) in tokens.iter().enumerate() {
        if *token != Token::Open {
            continue;
        }
        let Some(close) = matching_close(tokens, open) else { continue };
        let inner: &[Token] = &tokens[open + 1..close];
        let members: Vec<Vec<Token>> = split_members(inner);
        if members.len() >= 2 {
            return Ok(Some(Expansion { open, close, members }));
        }
        if let Some(sequence) = sequence(inner)? {
            let members: Vec<Vec<Token>> = sequence.into_iter().map(|term| vec![Token::Opaque(term)]).collect();
            return Ok(Some(Expansion { open, close, members }));
        }
    }
    Ok(None)
}

fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth: usize = 0;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// The members of a comma list, split at commas outside nested braces.
fn split_members(inner: &[Token]) -> Vec<Vec<Token>> {
    let mut members: Vec<Vec<Token>> = vec![Vec::new()];
    let mut depth: usize = 0;
    for token in inner {
        match token {
            Token::Comma if depth == 0 => members.push(Vec::new()),
            other => {
                match other {
                    Token::Open => depth += 1,
                    Token::Close => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if let Some(last) = members.last_mut() {
                    last.push(other.clone());
                }
            }
        }
    }
    members
}

/// The terms of `x..y[..step]`, if `inner` is one.
fn sequence(inner: &[Token]) -> Result<Option<Vec<String>>, Stop> {
    let mut text = String::new();
    for token in inner {
        match token {
            Token::Char(c) => text.push(*c),
            _ => return Ok(None),
        }
    }
    let parts: Vec<&str> = text.split("..").collect();
    let (start, end, step) = match parts.as_slice() {
        [start, end] => (*start, *end, None),
        [start, end, step] => (*start, *end, Some(*step)),
        _ => return Ok(None),
    };
    let step: u64 = match step {
        None => 1,
        Some(step) => match parse_integer(step) {
            Some(n) => n.unsigned_abs().max(1),
            None => return Ok(None),
        },
    };
    if let (Some(first), Some(last)) = (parse_integer(start), parse_integer(end)) {
        let width: usize = if zero_padded(start) || zero_padded(end) { start.len().max(end.len()) } else { 0 };
        return number_terms(first, last, step, width).map(Some);
    }
    match (single_letter(start), single_letter(end)) {
        (Some(first), Some(last)) => letter_terms(first, last, step).map(Some),
        _ => Ok(None),
    }
}

fn parse_integer(text: &str) -> Option<i64> {
    let digits: &str = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn zero_padded(text: &str) -> bool {
    let digits: &str = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0')
}

fn single_letter(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c: char = chars.next()?;
    (chars.next().is_none() && c.is_ascii_alphabetic()).then_some(c)
}

fn number_terms(first: i64, last: i64, step: u64, width: usize) -> Result<Vec<String>, Stop> {
    let span: u64 = first.abs_diff(last);
    if span / step >= MAX_EXPANSION_WORDS as u64 {
        return Err(Stop);
    }
    let step: i128 = i128::from(step);
    let (first, last): (i128, i128) = (i128::from(first), i128::from(last));
    let mut terms: Vec<String> = Vec::new();
    let mut value: i128 = first;
    while (first <= last && value <= last) || (first > last && value >= last) {
        terms.push(format!("{value:0width$}"));
        value = if first <= last { value + step } else { value - step };
    }
    Ok(terms)
}

fn letter_terms(first: char, last: char, step: u64) -> Result<Vec<String>, Stop> {
    if first.is_ascii_lowercase() != last.is_ascii_lowercase() {
        return Err(Stop);
    }
    let step: usize = usize::try_from(step).map_err(|_| Stop)?;
    let (low, high): (u8, u8) = (first as u8, last as u8);
    let mut terms: Vec<String> = Vec::new();
    if low <= high {
        terms.extend((low..=high).step_by(step).map(|b| char::from(b).to_string()));
    } else {
        terms.extend((high..=low).rev().step_by(step).map(|b| char::from(b).to_string()));
    }
    Ok(terms)
}

fn render(tokens: &[Token]) -> String {
    let mut text = String::new();
    for token in tokens {
        match token {
            Token::Open => text.push('{'),
            Token::Comma => text.push(','),
            Token::Close => text.push('}'),
            Token::Char(c) => text.push(*c),
            Token::Opaque(s) => text.push_str(s),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(raw: &str) -> Braces {
        let options = brush_parser::ParserOptions::default();
        let pieces = brush_parser::word::parse(raw, &options).unwrap_or_default();
        expand(raw, &pieces)
    }

    fn list(items: &[&str]) -> Braces {
        Braces::Expanded(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn comma_lists() {
        assert_eq!(words("{rm,-rf,/srv}"), list(&["rm", "-rf", "/srv"]));
        assert_eq!(words("a{b,c}d"), list(&["abd", "acd"]));
        assert_eq!(words("{a,b}{c,d}"), list(&["ac", "ad", "bc", "bd"]));
        assert_eq!(words("{a,{b,c}}"), list(&["a", "b", "c"]));
        assert_eq!(words("x{,}"), list(&["x", "x"]));
        assert_eq!(words("{a{b,c}}"), list(&["{ab}", "{ac}"]));
        assert_eq!(words("{a}{b,c}"), list(&["{a}b", "{a}c"]));
    }

    #[test]
    fn quotes_and_expansions_are_not_braces() {
        assert_eq!(words("'{a,b}'"), Braces::None);
        assert_eq!(words("{a,'b,c'}"), list(&["a", "'b,c'"]));
        assert_eq!(words("${x}{1,2}"), list(&["${x}1", "${x}2"]));
        assert_eq!(words("{a}"), Braces::None);
        assert_eq!(words("{}"), Braces::None);
        assert_eq!(words("plain"), Braces::None);
    }

    #[test]
    fn sequences_follow_bash() {
        assert_eq!(words("{1..10..-3}"), list(&["1", "4", "7", "10"]));
        assert_eq!(words("{5..1..2}"), list(&["5", "3", "1"]));
        assert_eq!(words("{01..3}"), list(&["01", "02", "03"]));
        assert_eq!(words("{-05..-3}"), list(&["-05", "-04", "-03"]));
        assert_eq!(words("{a..e..2}"), list(&["a", "c", "e"]));
        assert_eq!(words("{c..a}"), list(&["c", "b", "a"]));
        assert_eq!(words("{1..5..0}"), list(&["1", "2", "3", "4", "5"]));
        assert_eq!(words("{1..c}"), Braces::None);
        assert_eq!(words("{Z..a}"), Braces::Unknown);
        assert_eq!(words("{1..100000}"), Braces::Unknown);
        assert_eq!(words("{1..99999999999999999999}"), Braces::None);
    }
}
