//! mongosh / mongo: destroying calls in the JavaScript a shell invocation runs.
//!
//! Sources: every `--eval`, every `-f/--file`, and operands ending in `.js` (the
//! first other operand is the connection address); without any of them, or with
//! `--shell`, stdin. `load('file.js')` is followed.
//!
//! JavaScript is not parsed fully. A linear tokenizer skips strings, template
//! literals (but not their `${…}` code), regular expressions and comments; the
//! tokens are then searched for destroying calls on any receiver: `.drop()`,
//! `.dropDatabase()`, `.dropAllUsers()`…, `.deleteMany()`/`.remove()`/
//! `.updateMany()` whose filter is empty, missing, not a literal, or uses
//! `$where`/`$expr`, `runCommand({drop: …})`, computed names (`db['x']['drop']()`),
//! `eval`, and the legacy shell's program runners. This is a heuristic: when a
//! destroying name is present and guard cannot tell what it does (an alias, a filter
//! held in a variable), it is judged destroying.

use super::findings::{Findings, MAX_INCLUDE_DEPTH, excerpt};
use super::kind;
use super::lexer::find_byte;
use crate::inspect::Ctx;
use crate::inspect::code::lexer::regex_literal_end;
use crate::operation::Command;
use std::path::{Path, PathBuf};

/// Method names that drop a collection, database, index, user or role.
const DROP_METHODS: &[&str] = &[
    "drop",
    "dropDatabase",
    "dropIndex",
    "dropIndexes",
    "dropSearchIndex",
    "dropUser",
    "dropAllUsers",
    "dropRole",
    "dropAllRoles",
];

/// Database commands (`runCommand({name: …})`) that drop something.
const DROP_COMMANDS: &[&str] = &[
    "drop",
    "dropDatabase",
    "dropAllUsersFromDatabase",
    "dropUser",
    "dropRole",
    "dropAllRolesFromDatabase",
    "dropIndexes",
    "deleteIndexes",
    "dropSearchIndex",
];

/// Functions of the legacy shell (and test harness) that run programs or delete files.
const PROGRAM_RUNNERS: &[&str] = &[
    "runProgram",
    "runMongoProgram",
    "_runMongoProgram",
    "runNonMongoProgram",
    "startMongoProgram",
    "_startMongoProgram",
    "startMongoProgramNoConnect",
    "removeFile",
];

pub fn inspect(cmd: &Command, ctx: &Ctx, out: &mut Findings) {
    if ["help", "version", "build-info"].iter().any(|o| cmd.option_in_effect(o)) {
        return;
    }
    let mut session = Session { ctx };
    let mut scripts = 0usize;
    for code in cmd.option_values("eval") {
        if out.argument_text(code) {
            session.run(code, &cmd.dir, 0, out);
        }
        scripts += 1;
    }
    let files: Vec<String> =
        cmd.option_values("file").into_iter().map(String::from).chain(script_operands(cmd)).collect();
    for file in files.iter() {
        session.file(&cmd.dir, file, 0, out);
        scripts += 1;
    }
    if (scripts == 0 || cmd.option_in_effect("shell"))
        && let Some(text) = out.read_stdin(ctx)
    {
        session.run(&text, &cmd.dir, 0, out);
    }
}

/// Operands that are script files: those ending in `.js`, and every operand after the
/// connection address (the first operand that is not a `.js` file).
fn script_operands(cmd: &Command) -> Vec<String> {
    let mut address_seen = false;
    let mut files = Vec::new();
    for op in cmd.operands.iter() {
        if is_script(&op.text) || address_seen {
            files.push(op.text.clone());
        } else {
            address_seen = true;
        }
    }
    files
}

/// The connection address: the first operand that is not a script.
pub(super) fn address_operand(cmd: &Command) -> Option<String> {
    cmd.operands.iter().map(|o| o.text.clone()).find(|t| !is_script(t))
}

fn is_script(name: &str) -> bool {
    [".js", ".mjs", ".cjs"].iter().any(|e| name.to_ascii_lowercase().ends_with(e))
}

struct Session<'c> {
    ctx: &'c Ctx<'c>,
}

impl Session<'_> {
    fn file(&mut self, dir: &Path, name: &str, depth: usize, out: &mut Findings) {
        if depth >= MAX_INCLUDE_DEPTH {
            out.unjudged(format!("scripts loaded more than {MAX_INCLUDE_DEPTH} deep"));
            return;
        }
        let Some(text) = out.read_file(self.ctx, dir, name) else { return };
        let full = if Path::new(name).is_absolute() { PathBuf::from(name) } else { dir.join(name) };
        let base = full.parent().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
        self.run(&text, &base, depth + 1, out);
    }

    /// Judges one script; `dir` is where its `load()` paths are relative to.
    fn run(&mut self, src: &str, dir: &Path, depth: usize, out: &mut Findings) {
        let toks = js_tokens(src);
        let calls = Calls::new(&toks);
        for (i, tok) in toks.iter().enumerate() {
            if out.exhausted() {
                return;
            }
            match calls.finding(i) {
                Some(Finding::Kind(k)) if out.wants(k) => out.add(k, &line_at(src, tok.at)),
                Some(Finding::Kind(_)) => {}
                Some(Finding::Load(path)) => self.file(dir, &path, depth, out),
                None => {}
            }
        }
    }
}

/// The source line holding byte `at`, for the excerpt.
fn line_at(src: &str, at: usize) -> String {
    let b = src.as_bytes();
    let start = b[..at.min(b.len())].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
    let end = find_byte(b, at, b'\n').unwrap_or(b.len());
    excerpt(src.get(start..end).unwrap_or(""))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string (escapes applied) or a template literal without `${…}`.
    Str(String),
    /// A template literal with `${…}`: its code follows as ordinary tokens.
    Template,
    Num,
    Regex,
    Punct(char),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    /// Byte offset in the source.
    at: usize,
}

enum Finding {
    Kind(&'static str),
    /// `load('path')`.
    Load(String),
}

/// Objects and argument lists longer than this (in tokens) are not read: their
/// filters are judged unreadable, so nested calls cannot make the scan quadratic.
const MAX_SPAN: usize = 4096;

/// Searches the token stream for destroying calls.
struct Calls<'t> {
    toks: &'t [Token],
    /// For each opening bracket, the index of its closing one.
    closes: Vec<Option<usize>>,
}

impl<'t> Calls<'t> {
    fn new(toks: &'t [Token]) -> Calls<'t> {
        let mut closes = vec![None; toks.len()];
        let mut open: Vec<(char, usize)> = Vec::new();
        for (j, t) in toks.iter().enumerate() {
            match t.tok {
                Tok::Punct(c @ ('(' | '[' | '{')) => open.push((c, j)),
                Tok::Punct(c @ (')' | ']' | '}')) => {
                    let opener = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    if open.last().is_some_and(|(o, _)| *o == opener)
                        && let Some((_, at)) = open.pop()
                    {
                        closes[at] = Some(j);
                    }
                }
                _ => {}
            }
        }
        Calls { toks, closes }
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    fn punct(&self, i: usize, c: char) -> bool {
        self.tok(i) == Some(&Tok::Punct(c))
    }

    /// A name token: an identifier, or a string used as a key or computed name.
    fn name(&self, i: usize) -> Option<&str> {
        match self.tok(i)? {
            Tok::Ident(s) | Tok::Str(s) => Some(s),
            _ => None,
        }
    }

    /// What token `i` starts, if it matters.
    fn finding(&self, i: usize) -> Option<Finding> {
        match self.tok(i)? {
            // `.name` (also `?.name`)
            Tok::Punct('.') => self.member(self.name_if_ident(i + 1)?, i + 2).map(Finding::Kind),
            // `['name']`
            Tok::Punct('[') => match self.tok(i + 1)? {
                Tok::Str(s) if self.punct(i + 2, ']') => self.member(s, i + 3).map(Finding::Kind),
                _ => self.computed_call(i),
            },
            Tok::Ident(name) if !self.punct(i.wrapping_sub(1), '.') => self.bare(name, i),
            _ => None,
        }
    }

    fn name_if_ident(&self, i: usize) -> Option<&str> {
        match self.tok(i)? {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// `x[expr](…)` with a computed, non-literal name: could be any method.
    fn computed_call(&self, open: usize) -> Option<Finding> {
        let close = self.matching(open)?;
        self.punct(close + 1, '(').then_some(Finding::Kind(kind::DYNAMIC))
    }

    /// A method named `name`; token `after` follows the name.
    fn member(&self, name: &str, after: usize) -> Option<&'static str> {
        if DROP_METHODS.contains(&name) {
            return Some(kind::DROP);
        }
        match name {
            "deleteMany" | "remove" => self.unless_scoped_call(after, kind::DELETE_ALL),
            "updateMany" => self.unless_scoped_call(after, kind::UPDATE_ALL),
            "update" => self.legacy_multi_update(after),
            "shutdownServer" => Some(kind::DISRUPT),
            "eval" => Some(kind::DYNAMIC),
            "runCommand" | "adminCommand" | "runCommandWithCheck" | "_runCommandImpl" => self.command_call(after),
            _ => None,
        }
    }

    /// A bare identifier: a global function call, or an object key.
    fn bare(&self, name: &str, i: usize) -> Option<Finding> {
        if self.punct(i + 1, ':') {
            return self.bulk_write_key(name, i + 2).map(Finding::Kind);
        }
        if !self.punct(i + 1, '(') {
            return None;
        }
        if PROGRAM_RUNNERS.contains(&name) {
            return Some(Finding::Kind(kind::SHELL_ESCAPE));
        }
        match name {
            "eval" | "Function" => Some(Finding::Kind(kind::DYNAMIC)),
            "load" => Some(match (self.tok(i + 2), self.punct(i + 3, ')')) {
                (Some(Tok::Str(path)), true) => Finding::Load(path.clone()),
                _ => Finding::Kind(kind::DYNAMIC),
            }),
            "require" => match self.tok(i + 2) {
                Some(Tok::Str(m)) if m == "child_process" || m == "node:child_process" => {
                    Some(Finding::Kind(kind::SHELL_ESCAPE))
                }
                Some(Tok::Str(_)) => None,
                _ => Some(Finding::Kind(kind::DYNAMIC)),
            },
            _ => None,
        }
    }

    /// `deleteMany(filter)`-like: destroying unless called with a real filter. A
    /// reference without a call (an alias) is judged destroying.
    fn unless_scoped_call(&self, after: usize, all: &'static str) -> Option<&'static str> {
        if !self.punct(after, '(') {
            return Some(all);
        }
        (!self.value_scoped(after + 1)).then_some(all)
    }

    /// Whether the value starting at `i` is an object literal that narrows a query.
    fn value_scoped(&self, i: usize) -> bool {
        if !self.punct(i, '{') {
            return false; // missing, or a variable: cannot tell
        }
        let Some(keys) = self.object_keys(i) else { return false };
        let real = keys.iter().filter(|k| *k != "$comment").count();
        real > 0 && !keys.iter().any(|k| k == "$where" || k == "$expr")
    }

    /// The top-level keys of the object literal opening at `open`; None when it
    /// spreads another object (`{...f}`) or is unterminated.
    fn object_keys(&self, open: usize) -> Option<Vec<String>> {
        let close = self.matching(open)?;
        let mut keys = Vec::new();
        let mut depth = 0usize;
        for j in open + 1..close {
            match self.tok(j)? {
                Tok::Punct('{' | '[' | '(') => depth += 1,
                Tok::Punct('}' | ']' | ')') => depth = depth.saturating_sub(1),
                Tok::Punct('.') if depth == 0 && self.punct(j + 1, '.') => return None,
                _ if depth == 0 && self.is_key(j) => keys.push(self.name(j).unwrap_or_default().to_string()),
                _ => {}
            }
        }
        Some(keys)
    }

    /// Token `j` (inside an object, at its top level) is a key: a name or string
    /// followed by `:`, or a shorthand property (`{a}`).
    fn is_key(&self, j: usize) -> bool {
        let Some(_) = self.name(j) else { return false };
        let after_separator = self.punct(j - 1, '{') || self.punct(j - 1, ',');
        after_separator && (self.punct(j + 1, ':') || self.punct(j + 1, ',') || self.punct(j + 1, '}'))
    }

    /// The index of the bracket closing the one at `open`, if the pair is short
    /// enough to read.
    fn matching(&self, open: usize) -> Option<usize> {
        self.closes.get(open).copied().flatten().filter(|close| close - open <= MAX_SPAN)
    }

    /// Legacy `update(filter, change, {multi: true})`.
    fn legacy_multi_update(&self, after: usize) -> Option<&'static str> {
        if !self.punct(after, '(') {
            return None;
        }
        let Some(close) = self.matching(after) else { return Some(kind::UPDATE_ALL) };
        let multi = (after..close).any(|j| self.name(j) == Some("multi") && self.punct(j + 1, ':'));
        (multi && !self.value_scoped(after + 1)).then_some(kind::UPDATE_ALL)
    }

    /// `runCommand('name')` or `runCommand({name: …, …})`.
    fn command_call(&self, after: usize) -> Option<&'static str> {
        if !self.punct(after, '(') {
            return Some(kind::DYNAMIC);
        }
        match self.tok(after + 1) {
            Some(Tok::Str(name)) => command_kind(name, &[], false, false),
            Some(Tok::Punct('{')) => self.command_object(after + 1),
            _ => Some(kind::DYNAMIC),
        }
    }

    fn command_object(&self, open: usize) -> Option<&'static str> {
        let Some(keys) = self.object_keys(open) else { return Some(kind::DYNAMIC) };
        let first = keys.first()?;
        let Some(close) = self.matching(open) else { return Some(kind::DYNAMIC) };
        let (empty_q, scoped_q) = self.query_filters(open, close);
        command_kind(first, &keys, empty_q, !scoped_q)
    }

    /// In a `delete`/`update` command: whether some `q:` filter is empty, and whether
    /// every `q:` filter is a real one.
    fn query_filters(&self, open: usize, close: usize) -> (bool, bool) {
        let mut any_empty = false;
        let mut all_scoped = true;
        let mut found = false;
        for j in open..close {
            if self.name(j) == Some("q") && self.punct(j + 1, ':') {
                found = true;
                if !self.value_scoped(j + 2) {
                    any_empty = true;
                    all_scoped = false;
                }
            }
        }
        (any_empty, found && all_scoped)
    }

    /// `bulkWrite([{deleteMany: {filter: {}}}])`: the operation's filter.
    fn bulk_write_key(&self, name: &str, value: usize) -> Option<&'static str> {
        let all = match name {
            "deleteMany" => kind::DELETE_ALL,
            "updateMany" => kind::UPDATE_ALL,
            _ => return None,
        };
        if !self.punct(value, '{') {
            return Some(all);
        }
        let Some(close) = self.matching(value) else { return Some(all) };
        let filter = (value..close).find(|&j| self.name(j) == Some("filter") && self.punct(j + 1, ':'));
        match filter {
            Some(j) if self.value_scoped(j + 2) => None,
            _ => Some(all),
        }
    }
}

/// A database command by name. `keys` are the command document's keys.
fn command_kind(name: &str, keys: &[String], empty_filter: bool, unscoped: bool) -> Option<&'static str> {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if DROP_COMMANDS.iter().any(|c| is(c)) {
        return Some(kind::DROP);
    }
    let multi = keys.iter().any(|k| k == "multi");
    match () {
        _ if is("delete") && (empty_filter || unscoped) => Some(kind::DELETE_ALL),
        _ if is("update") && (empty_filter || unscoped) && multi => Some(kind::UPDATE_ALL),
        _ if is("shutdown") => Some(kind::DISRUPT),
        _ if is("eval") || is("$eval") || is("applyOps") => Some(kind::DYNAMIC),
        _ if is("renameCollection") && keys.iter().any(|k| k == "dropTarget") => Some(kind::DROP),
        _ => None,
    }
}

/// JavaScript tokens outside comments, linear in the source length.
fn js_tokens(src: &str) -> Vec<Token> {
    let mut lexer = JsLexer { src, b: src.as_bytes(), i: 0, braces: 0, templates: Vec::new(), out: Vec::new() };
    lexer.run();
    lexer.out
}

struct JsLexer<'s> {
    src: &'s str,
    b: &'s [u8],
    i: usize,
    /// Open `{` count, to find the `}` that closes a template's `${`.
    braces: usize,
    /// Brace counts at which template literals' `${` were opened.
    templates: Vec<usize>,
    out: Vec<Token>,
}

impl JsLexer<'_> {
    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let next = self.b.get(self.i + 1).copied().unwrap_or(0);
            match c {
                _ if c.is_ascii_whitespace() => self.i += 1,
                b'/' if next == b'/' => self.i = find_byte(self.b, self.i, b'\n').unwrap_or(self.b.len()),
                b'/' if next == b'*' => self.block_comment(),
                b'\'' | b'"' => self.string(c),
                b'`' => self.template(self.i + 1, false),
                b'/' if self.regex_allowed() => self.regex(),
                b'{' => {
                    self.braces += 1;
                    self.punct('{');
                }
                b'}' if self.templates.last() == Some(&self.braces) => {
                    self.templates.pop();
                    self.braces -= 1;
                    self.template(self.i + 1, true);
                }
                b'}' => {
                    self.braces = self.braces.saturating_sub(1);
                    self.punct('}');
                }
                _ if c.is_ascii_digit() => self.number(),
                _ if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => self.ident(),
                _ => self.punct(c as char),
            }
        }
    }

    fn push(&mut self, tok: Tok, at: usize) {
        self.out.push(Token { tok, at });
    }

    fn punct(&mut self, c: char) {
        self.push(Tok::Punct(c), self.i);
        self.i += 1;
    }

    fn block_comment(&mut self) {
        let end = super::lexer::find_subslice(self.b, self.i + 2, b"*/");
        self.i = end.map_or(self.b.len(), |e| e + 2);
    }

    fn string(&mut self, quote: u8) {
        let start = self.i;
        let mut value = String::new();
        let mut j = self.i + 1;
        while j < self.b.len() && self.b[j] != quote && self.b[j] != b'\n' {
            let (ch, len) = self.char_at(j);
            if ch == '\\' {
                let (escaped, elen) = self.char_at(j + 1);
                value.push(unescape(escaped));
                j += 1 + elen;
            } else {
                value.push(ch);
                j += len;
            }
        }
        self.i = (j + 1).min(self.b.len());
        self.push(Tok::Str(value), start);
    }

    /// A template literal's text from `from` up to its end or its next `${`;
    /// `continued`: this part follows a `${…}`.
    fn template(&mut self, from: usize, continued: bool) {
        let start = self.i;
        let mut value = String::new();
        let mut j = from;
        while j < self.b.len() {
            match self.b[j] {
                b'\\' => j += 2,
                b'`' => {
                    self.i = j + 1;
                    self.push(if continued { Tok::Template } else { Tok::Str(value) }, start);
                    return;
                }
                b'$' if self.b.get(j + 1) == Some(&b'{') => {
                    self.push(Tok::Template, start);
                    self.braces += 1;
                    self.templates.push(self.braces);
                    self.i = j + 2;
                    return;
                }
                _ => {
                    let (ch, len) = self.char_at(j);
                    value.push(ch);
                    j += len;
                }
            }
        }
        self.i = self.b.len();
        self.push(Tok::Template, start);
    }

    /// After a value (`a / b`) `/` divides; elsewhere it starts a regular expression.
    fn regex_allowed(&self) -> bool {
        match self.out.last().map(|t| &t.tok) {
            None => true,
            Some(Tok::Punct(c)) => !matches!(c, ')' | ']' | '}'),
            Some(Tok::Ident(w)) => matches!(w.as_str(), "return" | "typeof" | "case" | "in" | "of" | "new" | "void"),
            Some(_) => false,
        }
    }

    fn regex(&mut self) {
        let start = self.i;
        match regex_literal_end(self.b, start) {
            Some(end) => {
                self.i = end;
                self.push(Tok::Regex, start);
            }
            // not a regular expression after all: a lone slash
            None => self.punct('/'),
        }
    }

    fn number(&mut self) {
        let start = self.i;
        while self.i < self.b.len() && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'.') {
            self.i += 1;
        }
        self.push(Tok::Num, start);
    }

    fn ident(&mut self) {
        let start = self.i;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80) {
                break;
            }
            self.i += 1;
        }
        let word = self.src.get(start..self.i).unwrap_or("").to_string();
        self.push(Tok::Ident(word), start);
    }

    /// The character at byte `j` and its length (a lone byte if `j` is not on a
    /// character boundary, which only a truncated input could cause).
    fn char_at(&self, j: usize) -> (char, usize) {
        match self.src.get(j..).and_then(|s| s.chars().next()) {
            Some(c) => (c, c.len_utf8()),
            None => ('\u{fffd}', 1),
        }
    }
}

fn unescape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{Run, kinds, run};

    fn eval(code: &str) -> Vec<String> {
        kinds(&run(Run::new("mongosh", &["--eval", code])))
    }

    #[test]
    fn drops_on_any_receiver() {
        for code in [
            "db.users.drop()",
            "db.dropDatabase()",
            "db['users'].drop()",
            "db.getCollection('users').drop()",
            "db.getSiblingDB('prod').dropDatabase()",
            "db.users['drop']()",
            "db.users?.drop()",
            "db.dropAllUsers()",
            "db.runCommand({drop: 'users'})",
            "db.runCommand({ \"dropDatabase\": 1 })",
            "db.adminCommand('dropDatabase')",
            "const d = db.users.drop; d.call(db.users)",
            "db.getCollectionNames().forEach(c => db[c].drop())",
            "`${db.users.drop()}`",
        ] {
            assert_eq!(eval(code), ["drop"], "{code}");
        }
    }

    #[test]
    fn deletes_need_a_real_filter() {
        for code in [
            "db.users.deleteMany({})",
            "db.users.deleteMany()",
            "db.users.deleteMany( { /* all */ } )",
            "db.users.remove({})",
            "db.users.deleteMany(filter)",
            "db.users.deleteMany({$where: 'true'})",
            "db.users.deleteMany({...f})",
            "db.users.bulkWrite([{deleteMany: {filter: {}}}])",
            "db.runCommand({delete: 'users', deletes: [{q: {}, limit: 0}]})",
        ] {
            assert_eq!(eval(code), ["delete-all"], "{code}");
        }
        for code in [
            "db.users.deleteMany({a: 1})",
            "db.users.deleteMany({status: {$in: ['x']}})",
            "db.users.remove({_id: id})",
            "db.users.deleteOne({})",
            "db.users.bulkWrite([{deleteMany: {filter: {a: 1}}}])",
            "db.runCommand({delete: 'users', deletes: [{q: {a: 1}, limit: 0}]})",
        ] {
            assert!(eval(code).is_empty(), "{code}");
        }
    }

    #[test]
    fn updates_need_a_real_filter() {
        assert_eq!(eval("db.users.updateMany({}, {$set: {a: 1}})"), ["update-all"]);
        assert_eq!(eval("db.users.update({}, {$set: {a: 1}}, {multi: true})"), ["update-all"]);
        assert!(eval("db.users.update({}, {$set: {a: 1}})").is_empty());
        assert!(eval("db.users.updateMany({a: 1}, {$set: {b: 2}})").is_empty());
    }

    #[test]
    fn look_alikes() {
        for code in [
            "db.users.find({name: 'db.users.drop()'})",
            "// db.users.drop()",
            "/* db.dropDatabase() */ db.stats()",
            "print(\"deleteMany({})\")",
            "db.users.find({a: /drop()/})",
            "db.users.countDocuments({})",
            "x = a / b; db.users.find()",
        ] {
            assert!(eval(code).is_empty(), "{code}");
        }
    }

    #[test]
    fn dynamic_and_shell() {
        assert_eq!(eval("eval('db.users.drop' + '()')"), ["dynamic"]);
        assert_eq!(eval("db.users[verb]({})"), ["dynamic"]);
        assert_eq!(eval("db.runCommand(cmd)"), ["dynamic"]);
        assert_eq!(eval("runProgram('rm', '-rf', '/')"), ["shell-escape"]);
        assert_eq!(eval("require('child_process').execSync('id')"), ["shell-escape"]);
        assert_eq!(eval("db.shutdownServer()"), ["disrupt"]);
    }

    #[test]
    fn files_positional_scripts_load_and_stdin() {
        let r = Run::new("mongosh", &["mongodb://h/db", "clean.js"]).file("clean.js", "db.x.drop()");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = Run::new("mongo", &["-f", "a.js"]).file("a.js", "load('b.js')").file("b.js", "db.dropDatabase()");
        assert_eq!(kinds(&run(r)), ["drop"]);
        let r = Run::new("mongosh", &["prod"]).stdin("db.users.deleteMany({})\n");
        assert_eq!(kinds(&run(r)), ["delete-all"]);
        let r = Run::new("mongosh", &["--eval", "db.stats()"]).stdin("db.users.drop()\n");
        assert!(kinds(&run(r)).is_empty());
        let r = Run::new("mongosh", &["x.js"]);
        assert_eq!(kinds(&run(r)), ["unjudged"]);
    }
}
