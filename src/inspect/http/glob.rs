//! curl's URL globs: `{a,b}` lists and `[1-3]`, `[a-z]`, `[001-100:10]` ranges.
//!
//! curl sends one request per expansion, so `https://x/{list,delete}` reaches
//! `/delete`: guard judges every expansion, not the pattern. `\{` and `\[` are
//! literal, and so is a bracket holding an IPv6 address. A pattern curl would refuse
//! is returned as `Malformed` (the caller keeps the literal text: curl sends nothing).

/// Why a URL was not expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobError {
    /// More expansions than the caller allows.
    TooMany,
    /// Not a glob curl accepts.
    Malformed,
}

/// One piece of a pattern: literal text or a set of alternatives.
enum Piece {
    Text(String),
    Choice(Vec<String>),
}

/// Every URL `pattern` stands for, at most `limit` of them.
pub fn expand(pattern: &str, limit: usize) -> Result<Vec<String>, GlobError> {
    let pieces = pieces(pattern)?;
    let mut urls = vec![String::new()];
    for piece in pieces {
        urls = match piece {
            Piece::Text(text) => urls.into_iter().map(|u| u + &text).collect(),
            Piece::Choice(options) => {
                if urls.len().saturating_mul(options.len()) > limit {
                    return Err(GlobError::TooMany);
                }
                urls.iter().flat_map(|u| options.iter().map(move |o| format!("{u}{o}"))).collect()
            }
        };
    }
    Ok(urls)
}

/// Whether `text` contains glob syntax curl would expand.
pub fn has_glob(text: &str) -> bool {
    pieces(text).map_or(true, |p| p.iter().any(|piece| matches!(piece, Piece::Choice(_))))
}

fn pieces(pattern: &str) -> Result<Vec<Piece>, GlobError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = pattern.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '{' | '}' | '[' | ']' | ','))) => {
                if let Some((_, escaped)) = chars.next() {
                    text.push(escaped);
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                let end = pattern[at + 1..].find(close).ok_or(GlobError::Malformed)? + at + 1;
                let inner = &pattern[at + 1..end];
                if c == '[' && inner.contains(':') && is_ipv6(inner) {
                    text.push_str(&pattern[at..=end]);
                } else {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                    out.push(Piece::Choice(if c == '{' { list(inner)? } else { range(inner)? }));
                }
                while chars.peek().is_some_and(|(i, _)| *i <= end) {
                    chars.next();
                }
            }
            '}' | ']' => return Err(GlobError::Malformed),
            other => text.push(other),
        }
    }
    out.push(Piece::Text(text));
    Ok(out)
}

fn is_ipv6(inner: &str) -> bool {
    inner.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%')) || inner.contains("%25")
}

/// `{a,b,c}`: nested braces are not allowed.
fn list(inner: &str) -> Result<Vec<String>, GlobError> {
    if inner.contains(['{', '[']) {
        return Err(GlobError::Malformed);
    }
    Ok(inner.split(',').map(String::from).collect())
}

/// `[a-z]`, `[A-Z]`, `[0-9]`, `[001-100]`, each with an optional `:step`.
fn range(inner: &str) -> Result<Vec<String>, GlobError> {
    let (span, step) = match inner.split_once(':') {
        Some((span, step)) => (span, step.parse::<u64>().map_err(|_| GlobError::Malformed)?),
        None => (inner, 1),
    };
    let (from, to) = span.split_once('-').ok_or(GlobError::Malformed)?;
    if step == 0 {
        return Err(GlobError::Malformed);
    }
    let step_usize = usize::try_from(step).map_err(|_| GlobError::Malformed)?;
    if let (Some(a), Some(b)) = (single_letter(from), single_letter(to)) {
        if a > b || a.is_ascii_lowercase() != b.is_ascii_lowercase() {
            return Err(GlobError::Malformed);
        }
        return Ok((a..=b).step_by(step_usize).map(String::from).collect());
    }
    let (a, b) = (from.parse::<u64>(), to.parse::<u64>());
    let (Ok(a), Ok(b)) = (a, b) else { return Err(GlobError::Malformed) };
    if a > b {
        return Err(GlobError::Malformed);
    }
    // a range longer than any limit is refused by the caller's bound, not built here
    if (b - a) / step > 100_000 {
        return Err(GlobError::TooMany);
    }
    let width = if from.starts_with('0') { from.len() } else { 0 };
    Ok((a..=b).step_by(step_usize).map(|n| format!("{n:0width$}")).collect())
}

fn single_letter(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges_expand() {
        assert_eq!(expand("http://x/{list,delete}", 10).unwrap(), vec!["http://x/list", "http://x/delete"]);
        assert_eq!(expand("http://x/[1-3]", 10).unwrap(), vec!["http://x/1", "http://x/2", "http://x/3"]);
        assert_eq!(expand("x/[08-10]", 10).unwrap(), vec!["x/08", "x/09", "x/10"]);
        assert_eq!(expand("x/[a-e:2]", 10).unwrap(), vec!["x/a", "x/c", "x/e"]);
        assert_eq!(expand("h.{a,b}/[1-2]", 10).unwrap(), vec!["h.a/1", "h.a/2", "h.b/1", "h.b/2"]);
    }

    #[test]
    fn escapes_and_ipv6_are_literal() {
        assert_eq!(expand(r"http://x/\{a,b\}", 10).unwrap(), vec!["http://x/{a,b}"]);
        assert_eq!(expand("http://[::1]:8080/x", 10).unwrap(), vec!["http://[::1]:8080/x"]);
        assert!(!has_glob("http://[fe80::1%25eth0]/"));
    }

    #[test]
    fn bounds_and_malformed_patterns() {
        assert_eq!(expand("x/[1-100]", 50), Err(GlobError::TooMany));
        assert_eq!(expand("x/[1-999999999]", 50), Err(GlobError::TooMany));
        assert_eq!(expand("x/{a,b", 10), Err(GlobError::Malformed));
        assert_eq!(expand("x/[3-1]", 10), Err(GlobError::Malformed));
        assert_eq!(expand("x/{a,{b}}", 10), Err(GlobError::Malformed));
        assert_eq!(expand("x/]", 10), Err(GlobError::Malformed));
        assert!(has_glob("x/{a,b"));
        assert!(!has_glob("https://example.com/plain?q=1"));
    }
}
