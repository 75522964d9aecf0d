//! A linear SQL tokenizer that knows where literals and comments end, per dialect.
//!
//! Two jobs share it: the client front ends (`psql`, `mysql`, `sqlite`) ask where a
//! quoted or commented region ends so that a `;` or `\` inside it does not split a
//! statement, and the classifier walks a statement's tokens to find destroy-capable
//! keywords outside literals and comments before deciding whether to run the full
//! parser. It never backtracks: every byte is looked at a bounded number of times.
//!
//! Dialect rules, from the PostgreSQL, MySQL and SQLite lexical documentation:
//! - PostgreSQL: `'…'` (`''` escapes), `E'…'` (backslash escapes), `$tag$…$tag$`,
//!   `"ident"`, `--` comments and *nested* `/* */` comments.
//! - MySQL: `'…'` and `"…"` strings with backslash escapes, `` `ident` ``, `#` and
//!   `-- ` (dash dash whitespace) comments, `/* */`; `/*! … */` and `/*M! … */` are
//!   executable comments whose contents the server runs, so they are *code* here.
//! - SQLite: `'…'`, `"ident"`, `` `ident` ``, `[ident]`, `--` and `/* */`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

/// What a quoted or commented region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opaque {
    Comment,
    /// A string literal. `ambiguous`: a server setting (`standard_conforming_strings`
    /// off, MySQL `NO_BACKSLASH_ESCAPES`) would end it somewhere else, so what guard
    /// reads as text inside it might be code to the server.
    Str {
        ambiguous: bool,
    },
    /// A quoted identifier.
    Ident,
}

/// The byte at `i`, or 0 past the end (0 never starts or ends anything).
pub fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// Identifier characters: ASCII letters, digits, `_`, `$`, and every non-ASCII byte
/// (so multi-byte UTF-8 characters stay inside one token and slices stay valid).
pub const fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// If a quoted or commented region starts at `i`, where it ends (exclusive; the end
/// of the text when it is unterminated, as the client would read it) and what it is.
pub fn opaque_at(d: Dialect, b: &[u8], i: usize) -> Option<(usize, Opaque)> {
    opaque_region(d, b, i, false)
}

/// [`opaque_at`] as the server would read it with the other backslash setting
/// (`standard_conforming_strings = off` in PostgreSQL, `NO_BACKSLASH_ESCAPES` in
/// MySQL): used to check what an ambiguous literal could hide.
pub fn opaque_at_other_setting(d: Dialect, b: &[u8], i: usize) -> Option<(usize, Opaque)> {
    opaque_region(d, b, i, true)
}

fn opaque_region(d: Dialect, b: &[u8], i: usize, other_setting: bool) -> Option<(usize, Opaque)> {
    let (c, next) = (at(b, i), at(b, i + 1));
    match c {
        b'-' if next == b'-' && (d != Dialect::MySql || mysql_dash_comment(b, i)) => {
            Some((line_end(b, i), Opaque::Comment))
        }
        b'#' if d == Dialect::MySql => Some((line_end(b, i), Opaque::Comment)),
        b'/' if next == b'*' && !(d == Dialect::MySql && executable_comment_len(b, i).is_some()) => {
            Some((block_comment_end(b, i, d == Dialect::Postgres), Opaque::Comment))
        }
        b'\'' => Some(string_end(d, b, i, b'\'', other_setting)),
        b'"' if d == Dialect::MySql => Some(string_end(d, b, i, b'"', other_setting)),
        b'"' => Some((doubled_quote_end(b, i, b'"'), Opaque::Ident)),
        b'`' if d != Dialect::Postgres => Some((doubled_quote_end(b, i, b'`'), Opaque::Ident)),
        b'[' if d == Dialect::Sqlite => Some((find_byte(b, i + 1, b']').map_or(b.len(), |e| e + 1), Opaque::Ident)),
        b'$' if d == Dialect::Postgres => dollar_quote_end(b, i).map(|e| (e, Opaque::Str { ambiguous: false })),
        _ => None,
    }
}

/// MySQL needs whitespace or a control character after `--` for a comment.
fn mysql_dash_comment(b: &[u8], i: usize) -> bool {
    let third = at(b, i + 2);
    i + 2 >= b.len() || third <= b' '
}

/// The length of a MySQL executable-comment opener at `i` (`/*!`, `/*!50001`,
/// `/*M!100101`), if there is one.
pub fn executable_comment_len(b: &[u8], i: usize) -> Option<usize> {
    if at(b, i) != b'/' || at(b, i + 1) != b'*' {
        return None;
    }
    let mut j = i + 2;
    if at(b, j) == b'M' {
        j += 1;
    }
    if at(b, j) != b'!' {
        return None;
    }
    j += 1;
    while at(b, j).is_ascii_digit() && j - i < 12 {
        j += 1;
    }
    Some(j - i)
}

fn line_end(b: &[u8], i: usize) -> usize {
    find_byte(b, i, b'\n').unwrap_or(b.len())
}

pub fn find_byte(b: &[u8], from: usize, byte: u8) -> Option<usize> {
    b.get(from..)?.iter().position(|&c| c == byte).map(|p| from + p)
}

fn block_comment_end(b: &[u8], i: usize, nested: bool) -> usize {
    let mut depth = 1usize;
    let mut j = i + 2;
    while j < b.len() {
        if b[j] == b'*' && at(b, j + 1) == b'/' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else if nested && b[j] == b'/' && at(b, j + 1) == b'*' {
            depth += 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    b.len()
}

/// A `'…'` (or MySQL `"…"`) string. Backslash escapes apply in MySQL and in
/// PostgreSQL `E'…'` strings (`other_setting` flips this for plain strings); a
/// doubled quote is an escaped quote everywhere.
fn string_end(d: Dialect, b: &[u8], i: usize, quote: u8, other_setting: bool) -> (usize, Opaque) {
    let escape_string = d == Dialect::Postgres && escape_string_prefix(b, i);
    let backslashes = match d {
        Dialect::MySql => !other_setting,
        Dialect::Postgres => escape_string || other_setting,
        Dialect::Sqlite => false,
    };
    let mut saw_backslash = false;
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if c == b'\\' {
            saw_backslash = true;
            if backslashes {
                j += 2;
                continue;
            }
        } else if c == quote {
            if at(b, j + 1) == quote {
                j += 2;
                continue;
            }
            // E-strings always read backslashes; other strings depend on a setting
            let ambiguous = saw_backslash && !escape_string && d != Dialect::Sqlite;
            return (j + 1, Opaque::Str { ambiguous });
        }
        j += 1;
    }
    (b.len(), Opaque::Str { ambiguous: saw_backslash && !escape_string && d != Dialect::Sqlite })
}

/// `E'…'`: the quote follows a lone `E` or `e` that is not the end of a longer word.
fn escape_string_prefix(b: &[u8], i: usize) -> bool {
    i >= 1 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !is_ident_byte(b[i - 2]))
}

fn doubled_quote_end(b: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == quote {
            if at(b, j + 1) == quote {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// `$$…$$` or `$tag$…$tag$`; `$1` (a parameter) and `a$b` (an identifier) are not.
fn dollar_quote_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_ident_byte(b[i - 1]) {
        return None;
    }
    let mut j = i + 1;
    if at(b, j) != b'$' {
        if !is_ident_start(at(b, j)) {
            return None;
        }
        while is_ident_byte(at(b, j)) && at(b, j) != b'$' {
            j += 1;
        }
        if at(b, j) != b'$' {
            return None;
        }
    }
    let tag = &b[i..=j];
    let body = j + 1;
    Some(find_subslice(b, body, tag).map_or(b.len(), |e| e + tag.len()))
}

/// Linear-time search for `needle` in `b[from..]` (needles here are short tags and
/// delimiters; a two-pointer scan keeps the whole lexer linear in practice).
pub fn find_subslice(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut j = from;
    while let Some(p) = find_byte(b, j, first) {
        if b[p..].starts_with(needle) {
            return Some(p);
        }
        j = p + 1;
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted word: keyword or identifier.
    Word,
    /// A quoted identifier; `text` is its inside.
    QuotedIdent,
    /// A string literal; `text` is its inside, escapes not applied.
    Str {
        ambiguous: bool,
    },
    Number,
    /// One punctuation byte.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
}

impl<'a> Token<'a> {
    /// An unquoted word equal to `keyword`, ignoring ASCII case.
    pub fn is_word(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    /// A name: an unquoted word or a quoted identifier.
    pub fn name(&self) -> Option<&'a str> {
        matches!(self.kind, Kind::Word | Kind::QuotedIdent).then_some(self.text)
    }
}

/// The tokens of `text` outside comments, in order.
pub struct Tokens<'a> {
    dialect: Dialect,
    text: &'a str,
    pos: usize,
    /// Inside a MySQL `/*! … */`: its `*/` is skipped like whitespace.
    in_executable: bool,
}

pub fn tokens(dialect: Dialect, text: &str) -> Tokens<'_> {
    Tokens { dialect, text, pos: 0, in_executable: false }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let b = self.text.as_bytes();
        loop {
            let i = self.pos;
            let c = *b.get(i)?;
            if c.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            if self.skip_executable_markers(b, i) {
                continue;
            }
            if let Some((end, what)) = opaque_at(self.dialect, b, i) {
                self.pos = end;
                match what {
                    Opaque::Comment => continue,
                    Opaque::Str { ambiguous } => {
                        return Some(self.token(Kind::Str { ambiguous }, string_inside(b, i, end)));
                    }
                    Opaque::Ident => {
                        return Some(self.token(Kind::QuotedIdent, (i + 1, end.saturating_sub(1).max(i + 1))));
                    }
                }
            }
            let end = if is_ident_start(c) {
                run_end(b, i, is_ident_byte)
            } else if c.is_ascii_digit() {
                run_end(b, i, |x| x.is_ascii_alphanumeric() || x == b'.' || x == b'_')
            } else {
                i + 1
            };
            self.pos = end;
            let kind = match c {
                _ if is_ident_start(c) => Kind::Word,
                _ if c.is_ascii_digit() => Kind::Number,
                _ => Kind::Punct,
            };
            return Some(self.token(kind, (i, end)));
        }
    }
}

impl<'a> Tokens<'a> {
    fn token(&self, kind: Kind, (start, end): (usize, usize)) -> Token<'a> {
        Token { kind, text: self.text.get(start..end).unwrap_or("") }
    }

    /// MySQL executable comments: the opener and the closing `*/` are not code,
    /// everything between them is.
    fn skip_executable_markers(&mut self, b: &[u8], i: usize) -> bool {
        if self.dialect != Dialect::MySql {
            return false;
        }
        if self.in_executable && b[i] == b'*' && at(b, i + 1) == b'/' {
            self.in_executable = false;
            self.pos += 2;
            return true;
        }
        match executable_comment_len(b, i) {
            Some(len) if !self.in_executable => {
                self.in_executable = true;
                self.pos += len;
                true
            }
            _ => false,
        }
    }
}

fn run_end(b: &[u8], i: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut j = i + 1;
    while j < b.len() && keep(b[j]) {
        j += 1;
    }
    j
}

/// The inside of a string literal spanning `start..end`, quotes (or dollar tags) off.
fn string_inside(b: &[u8], start: usize, end: usize) -> (usize, usize) {
    if b[start] == b'$' {
        let tag_len = find_byte(b, start + 1, b'$').map_or(1, |p| p + 1 - start);
        let tag = &b[start..start + tag_len];
        let closed = end >= start + 2 * tag_len && b[..end].ends_with(tag);
        let inner_end = if closed { end - tag_len } else { end };
        return ((start + tag_len).min(inner_end), inner_end);
    }
    let closed = end > start + 1 && b[end - 1] == b[start];
    (start + 1, if closed { end - 1 } else { end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(d: Dialect, s: &str) -> Vec<(Kind, String)> {
        tokens(d, s).map(|t| (t.kind, t.text.to_string())).collect()
    }

    fn words(d: Dialect, s: &str) -> Vec<String> {
        tokens(d, s).filter(|t| t.kind == Kind::Word).map(|t| t.text.to_string()).collect()
    }

    #[test]
    fn literals_and_comments_hide_keywords() {
        assert_eq!(
            words(Dialect::Postgres, "SELECT 'DROP TABLE x' -- DROP\n/* DROP /* nested */ DROP */ 1"),
            ["SELECT"]
        );
        assert_eq!(words(Dialect::Postgres, "SELECT $$DROP$$, $f$ DROP $f$, \"DROP\""), ["SELECT"]);
        assert_eq!(words(Dialect::MySql, "SELECT 'it\\'s DROP' # DROP\n, \"DROP\", `DROP`"), ["SELECT"]);
        assert_eq!(words(Dialect::Sqlite, "SELECT [DROP], `x` -- DROP"), ["SELECT"]);
    }

    #[test]
    fn mysql_executable_comments_are_code() {
        assert_eq!(words(Dialect::MySql, "/*!50000 DROP TABLE x */"), ["DROP", "TABLE", "x"]);
        assert_eq!(words(Dialect::MySql, "/*M!100101 DROP TABLE x*/ SELECT"), ["DROP", "TABLE", "x", "SELECT"]);
        assert_eq!(words(Dialect::MySql, "/* DROP */ SELECT"), ["SELECT"]);
        // in PostgreSQL it is an ordinary comment
        assert_eq!(words(Dialect::Postgres, "/*! DROP TABLE x */ SELECT"), ["SELECT"]);
    }

    #[test]
    fn mysql_dash_comment_needs_a_space() {
        assert_eq!(words(Dialect::MySql, "SELECT 1--1 FROM t"), ["SELECT", "FROM", "t"]);
        assert_eq!(words(Dialect::MySql, "SELECT 1 -- FROM t"), ["SELECT"]);
    }

    #[test]
    fn dollar_signs_that_are_not_quotes() {
        assert_eq!(
            kinds(Dialect::Postgres, "a$b $1"),
            vec![(Kind::Word, "a$b".into()), (Kind::Punct, "$".into()), (Kind::Number, "1".into())]
        );
    }

    #[test]
    fn string_contents_and_ambiguity() {
        let t: Vec<_> = tokens(Dialect::Postgres, "'a''b' E'x\\'y' 'c\\'").collect();
        assert_eq!(t[0], Token { kind: Kind::Str { ambiguous: false }, text: "a''b" });
        assert_eq!(t[2], Token { kind: Kind::Str { ambiguous: false }, text: "x\\'y" });
        assert_eq!(t[3], Token { kind: Kind::Str { ambiguous: true }, text: "c\\" });
        let t: Vec<_> = tokens(Dialect::MySql, "'a\\'b'").collect();
        assert_eq!(t[0], Token { kind: Kind::Str { ambiguous: true }, text: "a\\'b" });
    }

    #[test]
    fn unterminated_regions_run_to_the_end() {
        assert_eq!(opaque_at(Dialect::Postgres, b"'abc", 0), Some((4, Opaque::Str { ambiguous: false })));
        assert_eq!(opaque_at(Dialect::Postgres, b"/* /* */", 0), Some((8, Opaque::Comment)));
        assert_eq!(opaque_at(Dialect::Postgres, b"$x$ abc", 0), Some((7, Opaque::Str { ambiguous: false })));
        assert_eq!(words(Dialect::Postgres, "SELECT 'é' AS café"), ["SELECT", "AS", "café"]);
    }
}
