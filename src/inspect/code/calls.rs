//! Call sites and the literal values of their arguments.
//!
//! A call site is a dotted name (`shutil.rmtree`, `File::Path::rmtree`,
//! `$ua->delete`, `require("fs").rmSync`) followed by parenthesized arguments, or, in
//! Ruby and Perl, by arguments without parentheses for the names that take them
//! (`system "ls"`). Each argument is evaluated as far as literals go: strings (and
//! concatenations of strings), numbers, booleans, lists, maps and a few pure wrappers
//! (`JSON.stringify({…})`, `Path("x")`); anything else is [`Lit::Unknown`], carrying
//! the code as written.

use super::lexer::{Lang, Tok, Token};

/// A value as far as the code's literals tell it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    List(Vec<Lit>),
    Map(Vec<(String, Lit)>),
    /// Only known when the code runs; the code as written.
    Unknown(String),
}

impl Lit {
    pub fn str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Map(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member is `true` (or, for an unknown map, may be).
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self {
            Lit::Map(_) => match self.get(key) {
                None | Some(Lit::Bool(false) | Lit::Null) => Some(false),
                Some(Lit::Bool(true)) => Some(true),
                Some(Lit::Num(n)) => Some(n != "0"),
                Some(_) => None,
            },
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        match self {
            Lit::Unknown(_) => false,
            Lit::List(items) => items.iter().all(Lit::is_known),
            Lit::Map(members) => members.iter().all(|(_, v)| v.is_known()),
            _ => true,
        }
    }

    pub fn to_json(&self) -> Option<serde_json::Value> {
        use serde_json::Value;
        Some(match self {
            Lit::Str(s) => Value::String(s.clone()),
            Lit::Num(n) => serde_json::from_str(n).ok()?,
            Lit::Bool(b) => Value::Bool(*b),
            Lit::Null => Value::Null,
            Lit::List(items) => Value::Array(items.iter().map(Lit::to_json).collect::<Option<_>>()?),
            Lit::Map(members) => {
                Value::Object(members.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?)
            }
            Lit::Unknown(_) => return None,
        })
    }

    /// For messages: the value, or the code that computes it.
    pub fn shown(&self) -> String {
        match self {
            Lit::Str(s) => s.clone(),
            Lit::Unknown(text) => text.clone(),
            other => other.to_json().map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// A keyword argument's name (`json=` in Python, `shell:` in Ruby).
    pub name: Option<String>,
    pub value: Lit,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The callee's name segments: `["fs", "promises", "rm"]`.
    pub callee: Vec<String>,
    pub args: Vec<Arg>,
    /// The call this one is a method of (`Path("x").unlink()`: `Path("x")`).
    pub receiver: Option<Box<Call>>,
    /// Written `new X(…)` (JavaScript).
    pub constructed: bool,
    /// The code of the call as written, for messages.
    pub text: String,
}

impl Call {
    pub fn name(&self) -> &str {
        self.callee.last().map_or("", String::as_str)
    }

    /// The segment before the name (`shutil` in `shutil.rmtree`), or "".
    pub fn qualifier(&self) -> &str {
        self.callee.len().checked_sub(2).map_or("", |i| self.callee[i].as_str())
    }

    pub fn positional(&self) -> Vec<&Lit> {
        self.args.iter().filter(|a| a.name.is_none()).map(|a| &a.value).collect()
    }

    pub fn arg(&self, index: usize, name: &str) -> Option<&Lit> {
        self.args
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .map(|a| &a.value)
            .or_else(|| self.args.iter().filter(|a| a.name.is_none()).nth(index).map(|a| &a.value))
    }
}

/// Something in the code that can run or destroy.
#[derive(Debug, Clone, PartialEq)]
pub enum Site {
    Call(Call),
    /// A command for a shell: backticks, `qx//`, `%x()`, an awk pipe.
    Shell {
        what: String,
        command: Lit,
    },
}

const SEPARATORS: &[&str] = &[".", "::", "->", "?."];

/// Ruby and Perl names that take arguments without parentheses.
const BARE_CALLS: &[&str] = &[
    "system",
    "exec",
    "spawn",
    "rmtree",
    "remove_tree",
    "unlink",
    "rm_rf",
    "rm_r",
    "rm",
    "rm_f",
    "remove_dir",
    "remove_entry",
    "remove_entry_secure",
    "delete",
    "open",
    "popen",
];

pub fn sites(lang: Lang, tokens: &[Token], src: &str) -> Vec<Site> {
    let mut out = Vec::new();
    // calls by the index of their closing parenthesis, to attach method calls
    let mut ended: Vec<(usize, Call)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].tok {
            Tok::Cmd { value, literal } => {
                let command = if *literal { Lit::Str(value.clone()) } else { Lit::Unknown(text(src, &tokens[i..=i])) };
                out.push(Site::Shell { what: "a backtick command".into(), command });
                i += 1;
            }
            Tok::Punct(p) if p == "|" && lang == Lang::Awk => {
                if let Some(site) = awk_pipe(tokens, i, src) {
                    out.push(site);
                }
                i += 1;
            }
            Tok::Ident(_) if !after_separator(tokens, i) || after_call(tokens, i) => {
                let (callee, next) = chain(tokens, i);
                let receiver = if after_call(tokens, i) {
                    ended.iter().find(|(end, _)| *end + 2 == i).map(|(_, c)| c)
                } else {
                    None
                };
                let constructed = i > 0 && matches!(&tokens[i - 1].tok, Tok::Ident(n) if n == "new");
                match tokens.get(next).map(|t| &t.tok) {
                    Some(Tok::Punct(p)) if p == "(" => {
                        let close = matching(tokens, next);
                        let args = split_args(lang, &tokens[next + 1..close], src);
                        let call = Call {
                            callee,
                            args,
                            receiver: receiver.map(|r| Box::new(r.clone())),
                            constructed,
                            text: text(src, &tokens[i..(close + 1).min(tokens.len())]),
                        };
                        ended.push((close, call.clone()));
                        out.push(Site::Call(call));
                        i = next + 1;
                        continue;
                    }
                    Some(Tok::Str { template: true, .. }) if lang == Lang::JavaScript => {
                        let args = vec![Arg { name: None, value: eval(lang, &tokens[next..=next], src) }];
                        let call =
                            Call { callee, args, receiver: None, constructed, text: text(src, &tokens[i..=next]) };
                        out.push(Site::Call(call));
                        i = next + 1;
                        continue;
                    }
                    Some(t)
                        if matches!(lang, Lang::Ruby | Lang::Perl)
                            && BARE_CALLS.contains(&callee.last().map_or("", String::as_str))
                            && starts_value(t) =>
                    {
                        let end = statement_end(tokens, next);
                        let args = split_args(lang, &tokens[next..end], src);
                        out.push(Site::Call(Call {
                            callee,
                            args,
                            receiver: receiver.map(|r| Box::new(r.clone())),
                            constructed,
                            text: text(src, &tokens[i..end]),
                        }));
                        i = next;
                        continue;
                    }
                    _ => {}
                }
                i = next.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

fn after_separator(tokens: &[Token], i: usize) -> bool {
    i > 0 && matches!(&tokens[i - 1].tok, Tok::Punct(p) if SEPARATORS.contains(&p.as_str()))
}

/// `…).name`: a method of what a call returned.
fn after_call(tokens: &[Token], i: usize) -> bool {
    after_separator(tokens, i) && i > 1 && matches!(&tokens[i - 2].tok, Tok::Punct(p) if p == ")")
}

/// The dotted name starting at `i`, and the index after it.
fn chain(tokens: &[Token], i: usize) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut j = i;
    while let Some(Tok::Ident(name)) = tokens.get(j).map(|t| &t.tok) {
        names.push(name.clone());
        match tokens.get(j + 1).map(|t| &t.tok) {
            Some(Tok::Punct(p))
                if SEPARATORS.contains(&p.as_str())
                    && matches!(tokens.get(j + 2).map(|t| &t.tok), Some(Tok::Ident(_))) =>
            {
                j += 2
            }
            _ => return (names, j + 1),
        }
    }
    (names, j.max(i + 1))
}

fn starts_value(t: &Tok) -> bool {
    match t {
        Tok::Str { .. } | Tok::Words(_) | Tok::Cmd { .. } | Tok::Num(_) => true,
        Tok::Ident(name) => !matches!(name.as_str(), "if" | "unless" | "or" | "and" | "do" | "then" | "end"),
        Tok::Punct(p) => p == "[",
        _ => false,
    }
}

/// The index of the bracket closing the one at `open` (or the end).
fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match &t.tok {
            Tok::Punct(p) if matches!(p.as_str(), "(" | "[" | "{") => depth += 1,
            Tok::Punct(p) if matches!(p.as_str(), ")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Where a statement that starts at `from` ends: `;`, a line break or a closing
/// bracket at depth 0, or a statement modifier (`if`, `unless`, `or`…).
fn statement_end(tokens: &[Token], from: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(from) {
        match &t.tok {
            Tok::Punct(p) if matches!(p.as_str(), "(" | "[" | "{") => depth += 1,
            Tok::Punct(p) if matches!(p.as_str(), ")" | "]" | "}") => {
                if depth == 0 {
                    return k;
                }
                depth -= 1;
            }
            Tok::Punct(p) if depth == 0 && matches!(p.as_str(), ";" | "||" | "&&") => return k,
            Tok::Newline if depth == 0 => return k,
            Tok::Ident(w)
                if depth == 0 && matches!(w.as_str(), "if" | "unless" | "or" | "and" | "while" | "until" | "do") =>
            {
                return k;
            }
            _ => {}
        }
    }
    tokens.len()
}

fn text(src: &str, tokens: &[Token]) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => src.get(a.start..b.end).unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// Arguments split at top-level commas (and Perl's `=>`); `name=value` (Python) and
/// `name: value` (Ruby) are keyword arguments.
fn split_args(lang: Lang, tokens: &[Token], src: &str) -> Vec<Arg> {
    let mut out = Vec::new();
    for part in split_top(lang, tokens) {
        let part: Vec<Token> = part.iter().filter(|t| t.tok != Tok::Newline).cloned().collect();
        if part.is_empty() {
            continue;
        }
        let keyword = match (lang, part.first().map(|t| &t.tok), part.get(1).map(|t| &t.tok)) {
            (Lang::Python, Some(Tok::Ident(n)), Some(Tok::Punct(p))) if p == "=" => Some(n.clone()),
            (Lang::Ruby, Some(Tok::Ident(n)), Some(Tok::Punct(p))) if p == ":" => Some(n.clone()),
            _ => None,
        };
        match keyword {
            Some(name) => out.push(Arg { name: Some(name), value: eval(lang, &part[2..], src) }),
            None => out.push(Arg { name: None, value: eval(lang, &part, src) }),
        }
    }
    out
}

/// Arguments or items: the parts between top-level commas (and Perl's `=>`).
fn split_top(lang: Lang, tokens: &[Token]) -> Vec<&[Token]> {
    split_depth0(tokens, |p| p == "," || (p == "=>" && lang == Lang::Perl), false)
}

/// `tokens` cut at every separator outside brackets; with `adjacent_strings`, also
/// between two string literals written side by side (which Python and awk join).
fn split_depth0(tokens: &[Token], is_separator: impl Fn(&str) -> bool, adjacent_strings: bool) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (k, t) in tokens.iter().enumerate() {
        match &t.tok {
            Tok::Punct(p) if matches!(p.as_str(), "(" | "[" | "{") => depth += 1,
            Tok::Punct(p) if matches!(p.as_str(), ")" | "]" | "}") => depth = depth.saturating_sub(1),
            Tok::Punct(p) if depth == 0 && is_separator(p) => {
                parts.push(&tokens[start..k]);
                start = k + 1;
            }
            Tok::Str { .. }
                if adjacent_strings && depth == 0 && k > start && matches!(tokens[k - 1].tok, Tok::Str { .. }) =>
            {
                parts.push(&tokens[start..k]);
                start = k;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Calls whose value is their argument's (or its JSON text).
const PASS_THROUGH: &[&str] = &["Path", "PosixPath", "PurePath", "text", "SQL", "String", "str", "raw"];
const TO_JSON: &[&str] = &["stringify", "dumps", "generate", "encode_json", "to_json", "json_encode"];

/// The value of an expression, as far as literals tell.
pub fn eval(lang: Lang, tokens: &[Token], src: &str) -> Lit {
    let tokens: Vec<Token> = tokens.iter().filter(|t| t.tok != Tok::Newline).cloned().collect();
    let unknown = || Lit::Unknown(text(src, &tokens));
    if tokens.is_empty() {
        return Lit::Unknown(String::new());
    }
    // string concatenation: `+` (Python, JavaScript, Ruby), `.` (Perl, PHP), adjacency
    let concat: &[&str] = match lang {
        Lang::Perl | Lang::Php => &["."],
        Lang::Awk => &[],
        _ => &["+"],
    };
    let parts = split_concat(&tokens, concat, lang);
    if parts.len() > 1 {
        let mut joined = String::new();
        let mut any_str = false;
        for part in parts {
            match eval(lang, part, src) {
                Lit::Str(s) => {
                    any_str = true;
                    joined.push_str(&s);
                }
                Lit::Num(n) if any_str => joined.push_str(&n),
                _ => return unknown(),
            }
        }
        return if any_str { Lit::Str(joined) } else { unknown() };
    }
    let first = &tokens[0].tok;
    if tokens.len() == 1 {
        return match first {
            Tok::Str { value, literal: true, .. } => Lit::Str(value.clone()),
            Tok::Words(words) => Lit::List(words.iter().cloned().map(Lit::Str).collect()),
            Tok::Num(n) => Lit::Num(n.clone()),
            Tok::Ident(n) => match n.as_str() {
                "true" | "True" | "TRUE" => Lit::Bool(true),
                "false" | "False" | "FALSE" => Lit::Bool(false),
                "null" | "None" | "nil" | "undef" | "NULL" => Lit::Null,
                _ => unknown(),
            },
            _ => unknown(),
        };
    }
    // a Ruby symbol `:delete`
    if let (2, Tok::Punct(p), Tok::Ident(n)) = (tokens.len(), first, &tokens[1].tok)
        && p == ":"
        && lang == Lang::Ruby
    {
        return Lit::Str(n.clone());
    }
    let last = tokens.len() - 1;
    if let Tok::Punct(open) = first
        && matching(&tokens, 0) == last
    {
        let inner = &tokens[1..last];
        match open.as_str() {
            "[" => return list(lang, inner, src),
            "(" if lang == Lang::Perl || split_top(lang, inner).len() > 1 || inner.is_empty() => {
                return list(lang, inner, src);
            }
            "(" => return eval(lang, inner, src),
            "{" => return map(lang, inner, src).unwrap_or_else(unknown),
            _ => {}
        }
    }
    // `Path("x")`, `JSON.stringify({…})`, `new URL("…")`: a name then one call
    let start = usize::from(matches!(first, Tok::Ident(n) if n == "new"));
    let (callee, next) = chain(&tokens, start);
    if !callee.is_empty()
        && matches!(tokens.get(next).map(|t| &t.tok), Some(Tok::Punct(p)) if p == "(")
        && matching(&tokens, next) == last
    {
        let name = callee.last().map_or("", String::as_str);
        let args = split_args(lang, &tokens[next + 1..last], src);
        let first_arg = args.first().map(|a| a.value.clone());
        if PASS_THROUGH.contains(&name) || (name == "URL" && callee.len() == 1) {
            return first_arg.filter(|_| args.len() == 1).unwrap_or_else(unknown);
        }
        if TO_JSON.contains(&name) {
            return match first_arg.as_ref().and_then(Lit::to_json) {
                Some(v) => Lit::Str(v.to_string()),
                None => unknown(),
            };
        }
    }
    unknown()
}

fn split_concat<'t>(tokens: &'t [Token], ops: &[&str], lang: Lang) -> Vec<&'t [Token]> {
    // adjacent string literals join in Python and awk
    split_depth0(tokens, |p| ops.contains(&p), matches!(lang, Lang::Python | Lang::Awk))
}

fn list(lang: Lang, tokens: &[Token], src: &str) -> Lit {
    let items = split_top(lang, tokens)
        .into_iter()
        .filter(|p| !p.iter().all(|t| t.tok == Tok::Newline))
        .map(|p| eval(lang, p, src))
        .flat_map(|v| match v {
            // Perl flattens lists
            Lit::List(inner) if lang == Lang::Perl => inner,
            v => vec![v],
        })
        .collect();
    Lit::List(items)
}

/// `{k: v, "k": v, k => v, :k => v}`; None when it is a block rather than a map.
fn map(lang: Lang, tokens: &[Token], src: &str) -> Option<Lit> {
    let mut members = Vec::new();
    let parts: Vec<&[Token]> = if lang == Lang::Perl {
        // Perl's `=>` is a comma: pair the items up
        let items: Vec<&[Token]> = split_top(lang, tokens).into_iter().filter(|p| !p.is_empty()).collect();
        for pair in items.chunks(2) {
            let key = match pair[0] {
                [Token { tok: Tok::Ident(k), .. }] => k.clone(),
                other => eval(lang, other, src).str()?.to_string(),
            };
            let value = pair.get(1).map_or(Lit::Null, |v| eval(lang, v, src));
            members.push((key, value));
        }
        return Some(Lit::Map(members));
    } else {
        split_top(lang, tokens).into_iter().filter(|p| !p.iter().all(|t| t.tok == Tok::Newline)).collect()
    };
    for part in parts {
        let part: Vec<Token> = part.iter().filter(|t| t.tok != Tok::Newline).cloned().collect();
        let sep = part.iter().position(|t| matches!(&t.tok, Tok::Punct(p) if p == ":" || p == "=>"));
        match (sep, part.first().map(|t| &t.tok)) {
            // `{ recursive }`: JavaScript shorthand for a variable
            (None, Some(Tok::Ident(name))) if part.len() == 1 => {
                members.push((name.clone(), Lit::Unknown(name.clone())));
            }
            // a spread or anything else: not a literal map
            (None, _) => return None,
            (Some(0), _) if lang == Lang::Ruby => {
                // `:k => v`
                let arrow = part.iter().position(|t| matches!(&t.tok, Tok::Punct(p) if p == "=>"))?;
                let key = eval(lang, &part[..arrow], src).str()?.to_string();
                members.push((key, eval(lang, &part[arrow + 1..], src)));
            }
            (Some(at), _) => {
                let key = match &part[..at] {
                    [Token { tok: Tok::Ident(k), .. }] => k.clone(),
                    [Token { tok: Tok::Num(k), .. }] => k.clone(),
                    other => eval(lang, other, src).str()?.to_string(),
                };
                members.push((key, eval(lang, &part[at + 1..], src)));
            }
        }
    }
    Some(Lit::Map(members))
}

/// An awk pipe: `print … | "cmd"` or `"cmd" | getline`.
fn awk_pipe(tokens: &[Token], i: usize, src: &str) -> Option<Site> {
    let next = tokens.get(i + 1).map(|t| &t.tok);
    if matches!(next, Some(Tok::Ident(n)) if n == "getline") {
        let before = i.checked_sub(1).map(|k| &tokens[k..i])?;
        return Some(Site::Shell { what: "an awk `| getline` pipe".into(), command: eval(Lang::Awk, before, src) });
    }
    let from = if matches!(next, Some(Tok::Punct(p)) if p == "&") { i + 2 } else { i + 1 };
    let end = statement_end(tokens, from);
    let expr = tokens.get(from..end)?;
    Some(Site::Shell { what: "an awk output pipe".into(), command: eval(Lang::Awk, expr, src) })
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn calls(lang: Lang, src: &str) -> Vec<Site> {
        sites(lang, &tokenize(lang, src).unwrap(), src)
    }

    fn first_call(lang: Lang, src: &str) -> Call {
        calls(lang, src)
            .into_iter()
            .find_map(|s| match s {
                Site::Call(c) => Some(c),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn python_calls_and_literals() {
        let c = first_call(Lang::Python, "import shutil; shutil.rmtree('/srv/' + 'data', ignore_errors=True)");
        assert_eq!(c.callee, vec!["shutil", "rmtree"]);
        assert_eq!(c.arg(0, "path"), Some(&Lit::Str("/srv/data".into())));
        assert_eq!(c.arg(9, "ignore_errors"), Some(&Lit::Bool(true)));
        let c = first_call(Lang::Python, "subprocess.run(['rm', '-rf', d], check=True)");
        assert_eq!(
            c.arg(0, "args"),
            Some(&Lit::List(vec![Lit::Str("rm".into()), Lit::Str("-rf".into()), Lit::Unknown("d".into())]))
        );
        let c = first_call(Lang::Python, "requests.post(u, json={'query': 'mutation { x }', 'n': [1, None]})");
        assert_eq!(
            c.arg(9, "json").and_then(Lit::to_json).unwrap().to_string(),
            r#"{"query":"mutation { x }","n":[1,null]}"#
        );
    }

    #[test]
    fn method_receivers_and_javascript_objects() {
        let all = calls(Lang::Python, "pathlib.Path('/srv').rmtree()");
        let Site::Call(c) = &all[1] else { panic!() };
        assert_eq!(c.name(), "rmtree");
        assert_eq!(c.receiver.as_ref().unwrap().arg(0, "").cloned(), Some(Lit::Str("/srv".into())));
        let c = first_call(Lang::JavaScript, "require('fs').rmSync('dist', {recursive: true, force: true})");
        assert_eq!(c.name(), "require");
        let all = calls(Lang::JavaScript, "require('fs').rmSync('dist', {recursive: true, force: true})");
        let Site::Call(c) = &all[1] else { panic!() };
        assert_eq!(c.name(), "rmSync");
        assert_eq!(c.positional()[1].flag("recursive"), Some(true));
        let c =
            first_call(Lang::JavaScript, "fetch(`https://x/${id}`, {method: 'DELETE', body: JSON.stringify({a: 1})})");
        let opts = c.positional()[1];
        assert_eq!(opts.get("method"), Some(&Lit::Str("DELETE".into())));
        assert_eq!(opts.get("body"), Some(&Lit::Str(r#"{"a":1}"#.into())));
        assert!(!c.positional()[0].is_known());
    }

    #[test]
    fn bare_calls_and_commands() {
        let c = first_call(Lang::Ruby, "system 'rm', '-rf', '/srv' if x");
        assert_eq!(c.positional().len(), 3);
        let c = first_call(Lang::Perl, "use File::Path; rmtree('/srv', {verbose => 1});");
        assert_eq!(c.positional()[0], &Lit::Str("/srv".into()));
        assert_eq!(c.positional()[1].get("verbose"), Some(&Lit::Num("1".into())));
        let s = calls(Lang::Perl, "my $x = `rm -rf /tmp/x`;");
        assert!(matches!(&s[0], Site::Shell { command: Lit::Str(c), .. } if c == "rm -rf /tmp/x"));
        let s = calls(Lang::Awk, r#"{ print $1 | "sh" } END { "date" | getline d }"#);
        assert!(matches!(&s[0], Site::Shell { command: Lit::Str(c), .. } if c == "sh"));
        assert!(matches!(&s[1], Site::Shell { command: Lit::Str(c), .. } if c == "date"));
        let c = first_call(Lang::Awk, r#"BEGIN { system("rm -rf " "/srv") }"#);
        assert_eq!(c.positional()[0], &Lit::Str("rm -rf /srv".into()));
        let c = first_call(Lang::JavaScript, "await $`rm -rf ${dir}`");
        assert_eq!(c.name(), "$");
        assert!(!c.positional()[0].is_known());
    }
}
