//! A tokenizer for interpreter code that understands string literals.
//!
//! It is not a parser: it splits code into names, literals and punctuation so that
//! call sites can be found and their literal arguments read, and it never mistakes
//! text inside a string or comment for code. What it knows per language: quotes and
//! escapes, Python's prefixes and triple quotes, JavaScript template literals, Ruby's
//! `%q()`/`%w[]`/`%x()`, Perl's `q qq qw qx m s tr y`, heredocs (Ruby, Perl, PHP),
//! backtick commands, comments and regex literals (by the usual "after an operator"
//! guess, kept to one line). A string that interpolates (`f"{x}"`, `"#{x}"`, `"$x"`,
//! `` `${x}` ``) is not literal: its value is only known when the code runs.
//! Unterminated literals are an error: such code is not judged by a part.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    Ruby,
    Perl,
    Php,
    Awk,
}

impl Lang {
    pub fn from_name(name: &str) -> Option<Lang> {
        Some(match name {
            "python" => Lang::Python,
            "javascript" => Lang::JavaScript,
            "ruby" => Lang::Ruby,
            "perl" => Lang::Perl,
            "php" => Lang::Php,
            "awk" => Lang::Awk,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name; Perl and PHP variables keep their sigil (`$dir`, `@files`).
    Ident(String),
    /// A string literal. `literal` is false when it interpolates run-time values;
    /// `template` marks a JavaScript template literal (a tag may make it a command).
    Str {
        value: String,
        literal: bool,
        template: bool,
    },
    /// A word list (`%w[a b]`, `qw(a b)`).
    Words(Vec<String>),
    /// A command run by a shell (backticks, `qx//`, `%x()`).
    Cmd {
        value: String,
        literal: bool,
    },
    Num(String),
    Regex,
    Punct(String),
    /// A line break outside brackets ends a statement in Ruby, Perl-less languages…
    Newline,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

const PUNCT3: &[&str] = &["...", "**=", "===", "!==", "<=>", "<<<"];
const PUNCT2: &[&str] = &[
    "::", "->", "=>", "==", "!=", "||", "&&", "**", "<<", ">>", "<=", ">=", "=~", "!~", "++", "--", "+=", "-=", ".=",
    "?.", "??",
];

pub fn tokenize(lang: Lang, src: &str) -> Result<Vec<Token>, String> {
    Lexer { lang, src, b: src.as_bytes(), i: 0, out: Vec::new(), heredocs: Vec::new() }.run()
}

struct Lexer<'a> {
    lang: Lang,
    src: &'a str,
    b: &'a [u8],
    i: usize,
    out: Vec<Token>,
    /// Heredocs opened on this line: (terminator, indented, interpolates, token index).
    heredocs: Vec<(String, bool, bool, usize)>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        other => other,
    }
}

impl<'a> Lexer<'a> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.push(Token { tok, start, end: self.i });
    }

    fn prev(&self) -> Option<&Tok> {
        self.out.iter().rev().map(|t| &t.tok).find(|t| **t != Tok::Newline)
    }

    /// Whether a `/` here starts a regex rather than dividing.
    fn regex_allowed(&self) -> bool {
        match self.prev() {
            None => true,
            Some(Tok::Punct(p)) => !matches!(p.as_str(), ")" | "]" | "}"),
            Some(Tok::Ident(name)) => {
                if name.starts_with(['$', '@']) {
                    return false;
                }
                matches!(
                    name.as_str(),
                    "return"
                        | "typeof"
                        | "in"
                        | "of"
                        | "and"
                        | "or"
                        | "not"
                        | "if"
                        | "unless"
                        | "when"
                        | "split"
                        | "grep"
                        | "map"
                        | "while"
                        | "until"
                        | "print"
                        | "printf"
                        | "case"
                ) || matches!(self.lang, Lang::Ruby | Lang::Perl)
            }
            _ => false,
        }
    }

    fn run(mut self) -> Result<Vec<Token>, String> {
        if self.src.starts_with("#!") {
            self.skip_line();
        }
        if self.lang == Lang::Php {
            // `php -r` code has no tags; a file or stdin starts in HTML mode
            if let Some(open) = self.src.find("<?php").or_else(|| self.src.find("<?")) {
                let before = &self.src[..open];
                if before.trim().is_empty() || self.src.starts_with(before) {
                    self.i = open + if self.src[open..].starts_with("<?php") { 5 } else { 2 };
                }
            }
        }
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let start = self.i;
            match c {
                b'\n' => {
                    self.i += 1;
                    self.push(Tok::Newline, start);
                    self.read_heredoc_bodies()?;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => self.i += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.i += 2,
                b'#' if self.lang != Lang::JavaScript && !(self.lang == Lang::Php && self.peek(1) == Some(b'[')) => {
                    self.skip_line()
                }
                b'/' if self.peek(1) == Some(b'/') && matches!(self.lang, Lang::JavaScript | Lang::Php) => {
                    self.skip_line()
                }
                b'/' if self.peek(1) == Some(b'*') && matches!(self.lang, Lang::JavaScript | Lang::Php) => {
                    match self.src[self.i + 2..].find("*/") {
                        Some(end) => self.i += 2 + end + 2,
                        None => return Err("an unterminated comment".into()),
                    }
                }
                b'=' if self.lang == Lang::Ruby && self.at_line_start() && self.src[self.i..].starts_with("=begin") => {
                    match self.src[self.i..].find("\n=end") {
                        Some(end) => {
                            self.i += end + 5;
                            self.skip_line();
                        }
                        None => return Err("an unterminated =begin comment".into()),
                    }
                }
                b'\'' | b'"'
                    if self.lang == Lang::Python
                        && self.src[self.i..].starts_with(if c == b'"' { "\"\"\"" } else { "'''" }) =>
                {
                    let (value, literal) = self.triple(c, false)?;
                    self.push(Tok::Str { value, literal, template: false }, start);
                }
                b'\'' | b'"' => self.quoted(c, self.plain_escapes(c), self.interpolates(c), false)?,
                b'`' => match self.lang {
                    Lang::JavaScript => self.template()?,
                    Lang::Python | Lang::Awk => {
                        self.i += 1;
                        self.push(Tok::Punct("`".into()), start);
                    }
                    _ => {
                        let (value, literal) = self.delimited(b'`', true, true)?;
                        self.push(Tok::Cmd { value, literal }, start);
                    }
                },
                b'/' if matches!(self.lang, Lang::JavaScript | Lang::Ruby | Lang::Perl | Lang::Awk)
                    && self.regex_allowed()
                    && self.regex_on_line() => {}
                b'%' if self.lang == Lang::Ruby && self.ruby_percent()? => {}
                b'<' if self.src[self.i..].starts_with("<<") && self.heredoc_start()? => {}
                b'$' | b'@'
                    if matches!(self.lang, Lang::Perl | Lang::Php) && self.peek(1).is_some_and(is_ident_start) =>
                {
                    self.i += 1;
                    while self.peek(0).is_some_and(is_ident) {
                        self.i += 1;
                    }
                    let name = self.src[start..self.i].to_string();
                    self.push(Tok::Ident(name), start);
                }
                c if c.is_ascii_digit() => {
                    while self.peek(0).is_some_and(|d| d.is_ascii_alphanumeric() || d == b'.' || d == b'_') {
                        self.i += 1;
                    }
                    let text = self.src[start..self.i].to_string();
                    self.push(Tok::Num(text), start);
                }
                c if is_ident_start(c) || (c == b'$' && self.lang == Lang::JavaScript) => {
                    self.i += 1;
                    while self.peek(0).is_some_and(|d| is_ident(d) || (d == b'$' && self.lang == Lang::JavaScript)) {
                        self.i += 1;
                    }
                    // Ruby method names may end in `!` or `?`
                    if self.lang == Lang::Ruby
                        && self.peek(0).is_some_and(|d| d == b'!' || d == b'?')
                        && self.peek(1) != Some(b'=')
                    {
                        self.i += 1;
                    }
                    let name = &self.src[start..self.i];
                    if self.string_prefix(name)? || self.perl_quote_like(name)? {
                        continue;
                    }
                    self.push(Tok::Ident(name.to_string()), start);
                }
                _ => {
                    let rest = &self.src[self.i..];
                    let p = PUNCT3
                        .iter()
                        .chain(PUNCT2)
                        .find(|p| rest.starts_with(**p))
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| rest.chars().next().map(String::from).unwrap_or_default());
                    self.i += p.len().max(1);
                    self.push(Tok::Punct(p), start);
                }
            }
        }
        if let Some((term, ..)) = self.heredocs.first() {
            return Err(format!("an unterminated heredoc `{term}`"));
        }
        Ok(self.out)
    }

    fn at_line_start(&self) -> bool {
        self.i == 0 || self.b[self.i - 1] == b'\n'
    }

    fn skip_line(&mut self) {
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// Only `\\` and the quote are escapes in single-quoted strings of these languages.
    fn plain_escapes(&self, quote: u8) -> bool {
        quote == b'\'' && matches!(self.lang, Lang::Ruby | Lang::Perl | Lang::Php)
    }

    fn interpolates(&self, quote: u8) -> bool {
        quote == b'"' && matches!(self.lang, Lang::Ruby | Lang::Perl | Lang::Php)
    }

    fn quoted(&mut self, quote: u8, plain: bool, interpolates: bool, raw: bool) -> Result<(), String> {
        let start = self.i;
        let (value, literal) = if raw {
            self.raw_until(quote)?
        } else if plain {
            self.delimited_plain(quote)?
        } else {
            self.delimited(quote, interpolates, false)?
        };
        self.push(Tok::Str { value, literal, template: false }, start);
        Ok(())
    }

    /// A string up to `quote` (the opening one is at `self.i`), escapes decoded.
    /// With `interpolates`, `$x`, `@x`, `${…}` and `#{…}` make it not literal.
    fn delimited(&mut self, quote: u8, interpolates: bool, is_command: bool) -> Result<(String, bool), String> {
        let open = self.b[self.i];
        debug_assert_eq!(open, quote);
        let close = closing(open);
        self.i += 1;
        let mut out = String::new();
        let mut literal = true;
        let mut depth = 0usize;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == close && depth == 0 {
                self.i += 1;
                return Ok((out, literal));
            }
            if open != close && c == open {
                depth += 1;
            } else if open != close && c == close {
                depth -= 1;
            }
            if c == b'\\' {
                let (text, known) = self.escape();
                literal &= known;
                out.push_str(&text);
                continue;
            }
            if interpolates && self.starts_interpolation() {
                literal = false;
            }
            let ch = self.src[self.i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            self.i += ch.len_utf8();
        }
        Err(format!("an unterminated {}", if is_command { "command" } else { "string" }))
    }

    fn starts_interpolation(&self) -> bool {
        let (c, next) = (self.b[self.i], self.peek(1));
        match self.lang {
            Lang::Ruby => c == b'#' && matches!(next, Some(b'{' | b'@' | b'$')),
            Lang::Perl => matches!(c, b'$' | b'@') && next.is_some_and(|n| is_ident_start(n) || n == b'{' || n == b':'),
            Lang::Php => c == b'$' && next.is_some_and(is_ident_start) || (c == b'{' && next == Some(b'$')),
            _ => false,
        }
    }

    /// `'…'` in Ruby, Perl and PHP: only `\\` and `\'` are escapes.
    fn delimited_plain(&mut self, quote: u8) -> Result<(String, bool), String> {
        let open = self.b[self.i];
        debug_assert_eq!(open, quote);
        let close = closing(open);
        self.i += 1;
        let mut out = String::new();
        let mut depth = 0usize;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == close && depth == 0 {
                self.i += 1;
                return Ok((out, true));
            }
            if open != close && c == open {
                depth += 1;
            } else if open != close && c == close {
                depth -= 1;
            }
            if c == b'\\' && self.peek(1).is_some_and(|n| n == b'\\' || n == close || n == open) {
                out.push(self.b[self.i + 1] as char);
                self.i += 2;
                continue;
            }
            let ch = self.src[self.i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            self.i += ch.len_utf8();
        }
        Err("an unterminated string".into())
    }

    /// A raw string: backslashes stay, but still escape the quote (Python `r'…'`).
    fn raw_until(&mut self, quote: u8) -> Result<(String, bool), String> {
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                c if c == quote => {
                    let value = self.src[start..self.i].to_string();
                    self.i += 1;
                    return Ok((value, true));
                }
                b'\n' => return Err("an unterminated string".into()),
                _ => self.i += 1,
            }
        }
        Err("an unterminated string".into())
    }

    /// One backslash escape at `self.i`: its text, and whether guard knows its value.
    fn escape(&mut self) -> (String, bool) {
        let Some(c) = self.peek(1) else {
            self.i += 1;
            return ("\\".into(), true);
        };
        self.i += 2;
        let simple = match c {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'0' if !self.peek(0).is_some_and(|d| d.is_ascii_digit()) => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b'f' => Some('\x0c'),
            b'v' => Some('\x0b'),
            b'e' if self.lang != Lang::Python && self.lang != Lang::JavaScript => Some('\x1b'),
            b's' if self.lang == Lang::Ruby => Some(' '),
            b'\n' => return (String::new(), true),
            _ => None,
        };
        if let Some(ch) = simple {
            return (ch.to_string(), true);
        }
        let hex = |lexer: &mut Self, max: usize| {
            let start = lexer.i;
            while lexer.i - start < max && lexer.peek(0).is_some_and(|d| d.is_ascii_hexdigit()) {
                lexer.i += 1;
            }
            u32::from_str_radix(&lexer.src[start..lexer.i], 16).ok().and_then(char::from_u32)
        };
        let decoded = match c {
            b'x' if self.peek(0) == Some(b'{') => {
                self.i += 1;
                let ch = hex(self, 8);
                if self.peek(0) == Some(b'}') {
                    self.i += 1;
                }
                ch
            }
            b'x' => hex(self, 2),
            b'u' if self.peek(0) == Some(b'{') => {
                self.i += 1;
                let ch = hex(self, 8);
                if self.peek(0) == Some(b'}') {
                    self.i += 1;
                }
                ch
            }
            b'u' if self.lang != Lang::Perl => hex(self, 4),
            b'U' if self.lang == Lang::Python => hex(self, 8),
            b'0'..=b'7' => {
                let start = self.i - 1;
                while self.i - start < 3 && self.peek(0).is_some_and(|d| (b'0'..=b'7').contains(&d)) {
                    self.i += 1;
                }
                u32::from_str_radix(&self.src[start..self.i], 8).ok().and_then(char::from_u32)
            }
            // `\N{NAME}` and the like: a character guard does not decode
            b'N' | b'c' | b'p' | b'P' => return (format!("\\{}", c as char), false),
            _ => {
                // an unknown escape: Python keeps the backslash, the others drop it
                let ch = self.src[self.i - 1..].chars().next().unwrap_or('\u{fffd}');
                self.i += ch.len_utf8() - 1;
                let text = if self.lang == Lang::Python && !matches!(c, b'\\' | b'\'' | b'"') {
                    format!("\\{ch}")
                } else {
                    ch.to_string()
                };
                return (text, true);
            }
        };
        match decoded {
            Some(ch) => (ch.to_string(), true),
            None => ("\u{fffd}".into(), false),
        }
    }

    /// A JavaScript template literal; `${…}` makes it not literal.
    fn template(&mut self) -> Result<(), String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut literal = true;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'`' => {
                    self.i += 1;
                    self.push(Tok::Str { value: out, literal, template: true }, start);
                    return Ok(());
                }
                b'\\' => {
                    let (text, known) = self.escape();
                    literal &= known;
                    out.push_str(&text);
                }
                b'$' if self.peek(1) == Some(b'{') => {
                    literal = false;
                    self.i += 2;
                    let mut depth = 1;
                    while self.i < self.b.len() && depth > 0 {
                        match self.b[self.i] {
                            b'{' => depth += 1,
                            b'}' => depth -= 1,
                            b'`' | b'\'' | b'"' => {
                                // a nested literal: skip it whole
                                let q = self.b[self.i];
                                let (..) = self.delimited(q, false, false)?;
                                continue;
                            }
                            _ => {}
                        }
                        self.i += 1;
                    }
                    out.push_str("${…}");
                }
                _ => {
                    let ch = self.src[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
        Err("an unterminated template literal".into())
    }

    /// Whether a regex literal closes on this line; if so it is consumed.
    fn regex_on_line(&mut self) -> bool {
        let start = self.i;
        match regex_literal_end(self.b, start) {
            Some(end) => {
                self.i = end;
                self.push(Tok::Regex, start);
                true
            }
            None => false,
        }
    }

    /// Python string prefixes (`r`, `b`, `f`, `rb`…) right before a quote.
    fn string_prefix(&mut self, name: &str) -> Result<bool, String> {
        if self.lang != Lang::Python {
            return Ok(false);
        }
        let Some(q @ (b'\'' | b'"')) = self.peek(0) else { return Ok(false) };
        let lower = name.to_ascii_lowercase();
        if !matches!(lower.as_str(), "r" | "u" | "b" | "f" | "t" | "br" | "rb" | "fr" | "rf" | "tr" | "rt") {
            return Ok(false);
        }
        let start = self.i - name.len();
        let raw = lower.contains('r');
        let formatted = lower.contains('f') || lower.contains('t');
        let triple = self.src[self.i..].starts_with(if q == b'"' { "\"\"\"" } else { "'''" });
        let (value, mut literal) = if triple {
            self.triple(q, raw)?
        } else if raw {
            self.raw_until(q)?
        } else {
            self.delimited(q, false, false)?
        };
        if formatted && value.replace("{{", "").replace("}}", "").contains('{') {
            literal = false;
        }
        self.out.push(Token { tok: Tok::Str { value, literal, template: false }, start, end: self.i });
        Ok(true)
    }

    /// A Python triple-quoted string starting at `self.i`.
    fn triple(&mut self, q: u8, raw: bool) -> Result<(String, bool), String> {
        let close = if q == b'"' { "\"\"\"" } else { "'''" };
        self.i += 3;
        let mut out = String::new();
        let mut literal = true;
        while self.i < self.b.len() {
            if self.src[self.i..].starts_with(close) {
                self.i += 3;
                return Ok((out, literal));
            }
            if self.b[self.i] == b'\\' && !raw {
                let (text, known) = self.escape();
                literal &= known;
                out.push_str(&text);
                continue;
            }
            let ch = self.src[self.i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            self.i += ch.len_utf8();
        }
        Err("an unterminated triple-quoted string".into())
    }

    /// Perl's quote-like operators: `q(…)`, `qq{…}`, `qw[…]`, `qx/…/`, `m/…/`,
    /// `s/…/…/`, `tr/…/…/`, `y/…/…/`.
    fn perl_quote_like(&mut self, name: &str) -> Result<bool, String> {
        if self.lang != Lang::Perl || !matches!(name, "q" | "qq" | "qw" | "qx" | "m" | "s" | "tr" | "y") {
            return Ok(false);
        }
        let Some(d) = self.peek(0) else { return Ok(false) };
        if d.is_ascii_alphanumeric()
            || d.is_ascii_whitespace()
            || matches!(d, b'_' | b',' | b';' | b')' | b'=')
            || matches!(self.prev(), Some(Tok::Punct(p)) if p == "->" || p == "{")
        {
            return Ok(false);
        }
        let start = self.i - name.len();
        match name {
            "q" => {
                let (value, _) = self.delimited_plain(d)?;
                self.out.push(Token { tok: Tok::Str { value, literal: true, template: false }, start, end: self.i });
            }
            "qq" => {
                let (value, literal) = self.delimited(d, true, false)?;
                self.out.push(Token { tok: Tok::Str { value, literal, template: false }, start, end: self.i });
            }
            "qw" => {
                let (value, _) = self.delimited_plain(d)?;
                let words = value.split_whitespace().map(String::from).collect();
                self.out.push(Token { tok: Tok::Words(words), start, end: self.i });
            }
            "qx" => {
                let (value, literal) =
                    if d == b'\'' { self.delimited_plain(d)? } else { self.delimited(d, true, true)? };
                self.out.push(Token { tok: Tok::Cmd { value, literal }, start, end: self.i });
            }
            _ => {
                // a match or substitution: its parts are patterns, not code guard reads
                let parts = if name == "m" { 1 } else { 2 };
                self.delimited_plain(d)?;
                if parts == 2 {
                    if closing(d) != d {
                        while self.peek(0).is_some_and(|c| c.is_ascii_whitespace()) {
                            self.i += 1;
                        }
                        let Some(d2) = self.peek(0) else { return Err("an unterminated substitution".into()) };
                        self.delimited_plain(d2)?;
                    } else {
                        self.i -= 1; // the middle delimiter opens the replacement
                        self.delimited_plain(d)?;
                    }
                }
                while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.i += 1;
                }
                self.out.push(Token { tok: Tok::Regex, start, end: self.i });
            }
        }
        Ok(true)
    }

    /// Ruby's `%q()`, `%Q()`, `%()`, `%w[]`, `%i[]`, `%x()`, `%r{}`. Returns false for
    /// a `%` that is the modulo operator.
    fn ruby_percent(&mut self) -> Result<bool, String> {
        let value_before = matches!(self.prev(), Some(Tok::Num(_) | Tok::Str { .. }))
            || matches!(self.prev(), Some(Tok::Punct(p)) if p == ")" || p == "]" || p == "}")
            || (matches!(self.prev(), Some(Tok::Ident(_))) && self.i > 0 && self.b[self.i - 1] != b' ');
        if value_before {
            return Ok(false);
        }
        let (kind, delim_at) = match self.peek(1) {
            Some(k @ (b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'x' | b'r' | b's')) => (k, 2),
            _ => (b'Q', 1),
        };
        let Some(d) = self.peek(delim_at) else { return Ok(false) };
        if d.is_ascii_alphanumeric() || d.is_ascii_whitespace() || d == b'=' {
            return Ok(false);
        }
        let start = self.i;
        self.i += delim_at;
        let tok = match kind {
            b'q' | b's' => Tok::Str { value: self.delimited_plain(d)?.0, literal: true, template: false },
            b'w' | b'i' => Tok::Words(self.delimited_plain(d)?.0.split_whitespace().map(String::from).collect()),
            b'W' | b'I' => {
                let (value, literal) = self.delimited(d, true, false)?;
                if literal {
                    Tok::Words(value.split_whitespace().map(String::from).collect())
                } else {
                    Tok::Str { value, literal: false, template: false }
                }
            }
            b'x' => {
                let (value, literal) = self.delimited(d, true, true)?;
                Tok::Cmd { value, literal }
            }
            b'r' => {
                self.delimited_plain(d)?;
                while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.i += 1;
                }
                Tok::Regex
            }
            _ => {
                let (value, literal) = self.delimited(d, true, false)?;
                Tok::Str { value, literal, template: false }
            }
        };
        self.push(tok, start);
        Ok(true)
    }

    /// `<<EOS`, `<<~EOS`, `<<-'EOS'`, `<<"EOS"` (Ruby, Perl), `<<<EOT` (PHP): the body
    /// is read at the end of the line. Returns false for a shift operator.
    fn heredoc_start(&mut self) -> Result<bool, String> {
        let php = self.lang == Lang::Php;
        if !(matches!(self.lang, Lang::Ruby | Lang::Perl) || php && self.src[self.i..].starts_with("<<<")) {
            return Ok(false);
        }
        let start = self.i;
        let mut j = self.i + if php { 3 } else { 2 };
        let mut indented = false;
        if !php && matches!(self.b.get(j), Some(b'~' | b'-')) {
            indented = true;
            j += 1;
        }
        while php && self.b.get(j) == Some(&b' ') {
            j += 1;
        }
        let quote = match self.b.get(j) {
            Some(q @ (b'\'' | b'"')) => {
                j += 1;
                Some(*q)
            }
            _ => None,
        };
        let name_start = j;
        while self.b.get(j).is_some_and(|c| is_ident(*c)) {
            j += 1;
        }
        let name = &self.src[name_start..j];
        let shift_operator = quote.is_none() && !name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_');
        if name.is_empty() || shift_operator {
            return Ok(false);
        }
        if let Some(q) = quote {
            if self.b.get(j) != Some(&q) {
                return Ok(false);
            }
            j += 1;
        }
        self.i = j;
        let interpolates = quote != Some(b'\'');
        let index = self.out.len();
        self.push(Tok::Str { value: String::new(), literal: true, template: false }, start);
        // PHP's closing marker may be indented (7.3+)
        self.heredocs.push((name.to_string(), indented || php, interpolates, index));
        Ok(true)
    }

    /// The bodies of the heredocs opened on the line just ended.
    fn read_heredoc_bodies(&mut self) -> Result<(), String> {
        for (term, indented, interpolates, index) in std::mem::take(&mut self.heredocs) {
            let mut body = String::new();
            let mut closed = false;
            while self.i < self.b.len() {
                let line_end = self.src[self.i..].find('\n').map_or(self.b.len(), |e| self.i + e);
                let line = &self.src[self.i..line_end];
                self.i = (line_end + 1).min(self.b.len());
                let bare = if indented { line.trim_start() } else { line };
                let bare = bare.trim_end_matches('\r');
                if bare == term || (self.lang == Lang::Php && bare.trim_end_matches([';', ',', ')']) == term) {
                    closed = true;
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            if !closed {
                return Err(format!("an unterminated heredoc `{term}`"));
            }
            let literal = !interpolates || !(body.contains('$') || body.contains("#{") || body.contains('@'));
            if let Some(Token { tok: Tok::Str { value, literal: l, .. }, .. }) = self.out.get_mut(index) {
                *value = body;
                *l = literal;
            }
        }
        Ok(())
    }
}

/// Where a JavaScript regular-expression literal starting with the `/` at `i` ends
/// (after its flags), or None when no closing `/` (outside a `[…]` class) follows on
/// the same line.
pub(crate) fn regex_literal_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut in_class = false;
    while j < b.len() && b[j] != b'\n' {
        match b[j] {
            b'\\' => j += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => {
                let flags = b[j + 1..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
                return Some(j + 1 + flags);
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(lang: Lang, src: &str) -> Vec<(String, bool)> {
        tokenize(lang, src)
            .unwrap()
            .into_iter()
            .filter_map(|t| match t.tok {
                Tok::Str { value, literal, .. } => Some((value, literal)),
                Tok::Cmd { value, literal } => Some((format!("cmd:{value}"), literal)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn python_literals() {
        let s =
            strs(Lang::Python, r#"os.system('rm -rf /x'); r"a\d" + b'\x41' f"{x}" f"{{lit}}" """tri"ple""" # 'no'"#);
        assert_eq!(
            s,
            vec![
                ("rm -rf /x".into(), true),
                ("a\\d".into(), true),
                ("A".into(), true),
                ("{x}".into(), false),
                ("{{lit}}".into(), true),
                ("tri\"ple".into(), true),
            ]
        );
        assert!(tokenize(Lang::Python, "print('open").is_err());
    }

    #[test]
    fn javascript_templates_comments_and_regexes() {
        let s = strs(Lang::JavaScript, "x = /'/.test(a) // 'c'\n/* \"d\" */ `rm ${d}` + `ls` + 'a\\'b' + a / 2 / 3");
        assert_eq!(s, vec![("rm ${…}".into(), false), ("ls".into(), true), ("a'b".into(), true)]);
    }

    #[test]
    fn ruby_and_perl_quoting() {
        let s = strs(Lang::Ruby, "system %q(rm -rf /) ; `ls #{d}`; x = 'a\\n' + \"b#{c}\" % 3; %w[a b]");
        assert_eq!(
            s,
            vec![
                ("rm -rf /".into(), true),
                ("cmd:ls #{d}".into(), false),
                ("a\\n".into(), true),
                ("b#{c}".into(), false)
            ]
        );
        let s = strs(Lang::Perl, "system qq{rm -rf $d}; s/a'b/c/g; qx(ls); print \"\\x41$x\" if m{'}");
        assert_eq!(s, vec![("rm -rf $d".into(), false), ("cmd:ls".into(), true), ("A$x".into(), false)]);
    }

    #[test]
    fn heredocs() {
        let s = strs(Lang::Ruby, "system(<<~EOS)\n  rm -rf /srv\n  EOS\nputs 1\n");
        assert_eq!(s, vec![("  rm -rf /srv\n".into(), true)]);
        let s = strs(Lang::Php, "<?php\nshell_exec(<<<'EOT'\nrm -rf $x\nEOT);\n");
        assert_eq!(s, vec![("rm -rf $x\n".into(), true)]);
        assert!(tokenize(Lang::Perl, "print <<EOS;\nnever closed\n").is_err());
        // a shift is not a heredoc
        assert_eq!(strs(Lang::Ruby, "a = 1 << x"), vec![]);
    }
}
