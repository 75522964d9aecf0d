//! HTTPie (`http`, `https`) and xh (`xh`, `xhs`): the request of one command.
//!
//! The positional words are `[METHOD] URL [REQUEST_ITEM…]`: the first is the method
//! when more follow and it is all letters (`http delete x` is a DELETE). Items are
//! split at their first separator (the longest at that place), `\` escaping a
//! separator character: `Header:value`, `Header;` (empty), `Header:@file`,
//! `name==query`, `name==@file`, `name=text`, `name=@file`, `name:=json`,
//! `name:=@file`, `field@file` (upload) and `@file` (the whole body). Data items make
//! a JSON object (`--form`: a form; with uploads or `--multipart`: multipart) and the
//! default method POST; so does a body from `--raw`, `@file` or a piped stdin (read
//! unless `--ignore-stdin`). `--offline` sends nothing. `default_options` from the
//! client's `config.json` are read as if typed first.

use super::config;
use super::{Draft, Grammar, header_pair, join_payloads, multipart, read_named, url};
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::{Command, Unknown};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The separators of request items, longest first where they share a start.
const SEPARATORS: [(&str, Sep); 10] = [
    (":=@", Sep::JsonFile),
    (":=", Sep::Json),
    (":@", Sep::HeaderFile),
    (":", Sep::Header),
    (";", Sep::EmptyHeader),
    ("==@", Sep::QueryFile),
    ("==", Sep::Query),
    ("=@", Sep::DataFile),
    ("=", Sep::Data),
    ("@", Sep::Upload),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Header,
    EmptyHeader,
    HeaderFile,
    Query,
    QueryFile,
    Data,
    DataFile,
    Json,
    JsonFile,
    Upload,
}

impl Sep {
    fn is_data(self) -> bool {
        matches!(self, Sep::Data | Sep::DataFile | Sep::Json | Sep::JsonFile | Sep::Upload)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    key: String,
    sep: Sep,
    value: String,
}

pub(super) fn drafts(cmd: &Command, ctx: &Ctx, grammar: &Grammar) -> Result<Vec<Draft>, String> {
    let cmd = with_default_options(cmd, ctx, grammar)?;
    if sends_nothing(&cmd) {
        return Ok(Vec::new());
    }
    let positional: Vec<&str> = cmd.operands.iter().map(|o| o.text.as_str()).collect();
    let (method, url_word, item_words) = match positional.as_slice() {
        [] => return Ok(Vec::new()), // the client refuses to run without a URL
        [first, second, rest @ ..] if is_method_word(first) => (Some(first.to_ascii_uppercase()), *second, rest),
        [url_word, rest @ ..] => (None, *url_word, rest),
    };
    let items: Vec<Item> = item_words.iter().map(|w| parse_item(w)).collect::<Result<_, _>>()?;
    let client = if cmd.program.starts_with("xh") { "xh" } else { "httpie" };
    let mut draft = Draft::new(client, "GET", &full_url(url_word, default_scheme(&cmd)), "http");
    apply_items(&mut draft, &items, &cmd, ctx)?;
    let has_data = items.iter().any(|i| i.sep.is_data());
    if draft.body.is_none() && !has_data {
        draft.body = input_body(&cmd, ctx);
    }
    draft.method = method.unwrap_or_else(|| if has_data || draft.body.is_some() { "POST" } else { "GET" }.into());
    Ok(vec![draft])
}

/// `--offline`, xh's `--curl`/`--generate`, help and version print instead of sending.
fn sends_nothing(cmd: &Command) -> bool {
    ["offline", "curl", "generate", "help", "manual", "version"].iter().any(|o| cmd.option_in_effect(o))
}

fn is_method_word(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic())
}

fn default_scheme(cmd: &Command) -> &'static str {
    let named = cmd.option_values("default-scheme").last().map(|s| s.to_ascii_lowercase());
    let https = matches!(cmd.program.as_str(), "https" | "xhs") || cmd.option_in_effect("https");
    match named.as_deref() {
        Some("https") => "https",
        Some(_) => "http",
        None if https => "https",
        None => "http",
    }
}

/// `:3000/x` is `localhost:3000/x`, `://host` is `host`; a scheme is added when missing.
fn full_url(word: &str, scheme: &str) -> String {
    let word = word.strip_prefix("://").unwrap_or(word);
    let word: Cow<str> = match word.strip_prefix(':') {
        Some(rest) => Cow::Owned(format!("localhost{}{rest}", if rest.starts_with('/') { "" } else { ":" })),
        None => Cow::Borrowed(word),
    };
    if word.contains("://") { word.into_owned() } else { format!("{scheme}://{word}") }
}

/// The command with the config's `default_options` read before its own words.
fn with_default_options<'c>(cmd: &'c Command, ctx: &Ctx, grammar: &Grammar) -> Result<Cow<'c, Command>, String> {
    let Some((path, bytes)) = config::first_existing(ctx, &config_candidates(cmd, ctx))? else {
        return Ok(Cow::Borrowed(cmd));
    };
    let defaults = config::default_options(&bytes, &path.display().to_string())?;
    if defaults.is_empty() {
        return Ok(Cow::Borrowed(cmd));
    }
    let words: Vec<String> = defaults.into_iter().chain(cmd.words.iter().cloned()).collect();
    let mut combined = grammar.normalize(&words, &cmd.dir)?;
    combined.program = cmd.program.clone();
    if let Some(Unknown::Option { token, .. }) = combined.unknowns.first() {
        return Err(format!("{} default_options hold `{token}`, which guard does not know", path.display()));
    }
    Ok(Cow::Owned(combined))
}

fn config_candidates(cmd: &Command, ctx: &Ctx) -> Vec<PathBuf> {
    let list = if cmd.program.starts_with("xh") {
        [
            config::under_env(ctx, "XH_CONFIG_DIR", "config.json"),
            config::under_env(ctx, "XDG_CONFIG_HOME", "xh/config.json"),
            config::under_env(ctx, "HOME", ".config/xh/config.json"),
            None,
        ]
    } else {
        [
            config::under_env(ctx, "HTTPIE_CONFIG_DIR", "config.json"),
            config::under_env(ctx, "HOME", ".httpie/config.json"),
            config::under_env(ctx, "XDG_CONFIG_HOME", "httpie/config.json"),
            config::under_env(ctx, "HOME", ".config/httpie/config.json"),
        ]
    };
    list.into_iter().flatten().collect()
}

/// Splits one request item at its separator.
fn parse_item(word: &str) -> Result<Item, String> {
    let chars = unescape(word);
    for start in 0..chars.len() {
        for (text, sep) in SEPARATORS.iter() {
            if separator_at(&chars, start, text) {
                let key: String = chars[..start].iter().map(|(c, _)| c).collect();
                let value: String = chars[start + text.chars().count()..].iter().map(|(c, _)| c).collect();
                return Ok(Item { key, sep: *sep, value });
            }
        }
    }
    Err(format!("`{word}` is not a request item the client accepts"))
}

/// Characters with whether a backslash escaped them (escaped ones never separate).
fn unescape(word: &str) -> Vec<(char, bool)> {
    let mut out = Vec::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push((c, false));
            continue;
        }
        match chars.next() {
            Some(next) if matches!(next, ':' | ';' | '=' | '@' | '\\') => out.push((next, true)),
            Some(next) => {
                out.push(('\\', false));
                out.push((next, false));
            }
            None => out.push(('\\', false)),
        }
    }
    out
}

fn separator_at(chars: &[(char, bool)], start: usize, text: &str) -> bool {
    let mut at = start;
    for wanted in text.chars() {
        match chars.get(at) {
            Some((c, false)) if *c == wanted => at += 1,
            _ => return false,
        }
    }
    true
}

/// Headers, query pieces and the body the items make.
fn apply_items(draft: &mut Draft, items: &[Item], cmd: &Command, ctx: &Ctx) -> Result<(), String> {
    let mut data: Vec<&Item> = Vec::new();
    for item in items {
        match item.sep {
            Sep::Header => draft.headers.push((item.key.clone(), item.value.trim().to_string())),
            Sep::EmptyHeader => draft.headers.push((item.key.clone(), String::new())),
            Sep::HeaderFile => {
                let value = file_text(&item.value, &cmd.dir, ctx)?;
                draft.headers.extend(header_pair(&format!("{}:{}", item.key, value.trim())));
            }
            Sep::Query => draft.extra_query.push(query_piece(&item.key, &item.value)),
            Sep::QueryFile => {
                let value = file_text(&item.value, &cmd.dir, ctx)?;
                draft.extra_query.push(query_piece(&item.key, &value));
            }
            Sep::Upload if item.key.is_empty() && !is_form(cmd) => {
                draft.body = Some(read_named(&item.value, &cmd.dir, ctx));
            }
            _ => data.push(item),
        }
    }
    if !data.is_empty() {
        let (body, content_type) = data_body(&data, cmd, ctx)?;
        draft.body = Some(body);
        draft.implied_content_type = Some(content_type);
    }
    Ok(())
}

fn is_form(cmd: &Command) -> bool {
    cmd.option_in_effect("form") || cmd.option_in_effect("multipart")
}

fn query_piece(key: &str, value: &str) -> String {
    format!("{}={}", url::encode_form(key.as_bytes()), url::encode_form(value.as_bytes()))
}

/// A file named by an item, as text; one that cannot be read cannot be judged.
fn file_text(name: &str, dir: &Path, ctx: &Ctx) -> Result<String, String> {
    match read_named(name, dir, ctx) {
        Payload::Bytes(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Payload::Unreadable(reason) => Err(format!("cannot read {name}: {reason}")),
    }
}

/// Data items as a JSON object, a form or a multipart body, with its Content-Type.
fn data_body(items: &[&Item], cmd: &Command, ctx: &Ctx) -> Result<(Payload, String), String> {
    let has_upload = items.iter().any(|i| i.sep == Sep::Upload);
    if cmd.option_in_effect("multipart") || has_upload {
        let fields = items.iter().map(|i| (i.key.clone(), item_bytes(i, cmd, ctx))).collect();
        let (body, content_type) = multipart(fields);
        return Ok((body, content_type));
    }
    if cmd.option_in_effect("form") {
        let pieces: Vec<Payload> = items.iter().map(|i| form_piece(i, cmd, ctx)).collect();
        return Ok((join_payloads(pieces, b"&"), "application/x-www-form-urlencoded".into()));
    }
    Ok((json_object(items, cmd, ctx)?, "application/json".into()))
}

fn form_piece(item: &Item, cmd: &Command, ctx: &Ctx) -> Payload {
    match item_bytes(item, cmd, ctx) {
        Payload::Bytes(value) => Payload::Bytes(
            format!("{}={}", url::encode_form(item.key.as_bytes()), url::encode_form(&value)).into_bytes(),
        ),
        unreadable => unreadable,
    }
}

/// The raw value of a data item (file contents for `=@`, `:=@` and uploads).
fn item_bytes(item: &Item, cmd: &Command, ctx: &Ctx) -> Payload {
    match item.sep {
        Sep::DataFile | Sep::JsonFile | Sep::Upload => {
            let name = item.value.split(';').next().unwrap_or("");
            read_named(name, &cmd.dir, ctx)
        }
        _ => Payload::Bytes(item.value.as_bytes().to_vec()),
    }
}

/// The JSON object of data items. Nested-key syntax (`a[b]=c`) builds structures
/// guard does not rebuild, so it is not judged.
fn json_object(items: &[&Item], cmd: &Command, ctx: &Ctx) -> Result<Payload, String> {
    let mut object = serde_json::Map::new();
    for item in items {
        if item.key.contains('[') {
            return Err(format!("the nested JSON key `{}` is not judged", item.key));
        }
        let raw = match item_bytes(item, cmd, ctx) {
            Payload::Bytes(bytes) => bytes,
            unreadable => return Ok(unreadable),
        };
        let value = match item.sep {
            Sep::Json | Sep::JsonFile => serde_json::from_slice(&raw).map_err(|e| {
                format!("`{}` is not valid JSON for `{}`: {e}", String::from_utf8_lossy(&raw), item.key)
            })?,
            _ => serde_json::Value::String(String::from_utf8_lossy(&raw).into_owned()),
        };
        object.insert(item.key.clone(), value);
    }
    serde_json::to_vec(&serde_json::Value::Object(object))
        .map(Payload::Bytes)
        .map_err(|e| format!("cannot build the JSON body: {e}"))
}

/// `--raw TEXT`, else stdin when it is not a terminal and not ignored.
fn input_body(cmd: &Command, ctx: &Ctx) -> Option<Payload> {
    if let Some(raw) = cmd.option_values("raw").last() {
        return Some(Payload::Bytes(raw.as_bytes().to_vec()));
    }
    if cmd.option_in_effect("ignore-stdin") {
        return None;
    }
    ctx.sources.stdin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(word: &str) -> (String, Sep, String) {
        let i = parse_item(word).unwrap();
        (i.key, i.sep, i.value)
    }

    #[test]
    fn items_split_at_the_first_longest_separator() {
        assert_eq!(
            item("X-HTTP-Method-Override:DELETE"),
            ("X-HTTP-Method-Override".into(), Sep::Header, "DELETE".into())
        );
        assert_eq!(item("a:=1"), ("a".into(), Sep::Json, "1".into()));
        assert_eq!(item("a:=@f.json"), ("a".into(), Sep::JsonFile, "f.json".into()));
        assert_eq!(item("q==x=y"), ("q".into(), Sep::Query, "x=y".into()));
        assert_eq!(item("q==@f"), ("q".into(), Sep::QueryFile, "f".into()));
        assert_eq!(item("name=@f"), ("name".into(), Sep::DataFile, "f".into()));
        assert_eq!(item("Accept;"), ("Accept".into(), Sep::EmptyHeader, String::new()));
        assert_eq!(item("@body.json"), (String::new(), Sep::Upload, "body.json".into()));
        assert_eq!(item("url=http://x"), ("url".into(), Sep::Data, "http://x".into()));
        assert_eq!(item("k:@f"), ("k".into(), Sep::HeaderFile, "f".into()));
    }

    #[test]
    fn escaped_separators_stay_in_the_key() {
        assert_eq!(item(r"we\:ird=v"), ("we:ird".into(), Sep::Data, "v".into()));
        assert_eq!(item(r"a\=b==c"), ("a=b".into(), Sep::Query, "c".into()));
        assert_eq!(item(r"path\x=1"), (r"path\x".into(), Sep::Data, "1".into()));
        assert!(parse_item("plainword").is_err());
    }

    #[test]
    fn urls_get_scheme_and_localhost_shorthand() {
        assert_eq!(full_url(":3000/x", "http"), "http://localhost:3000/x");
        assert_eq!(full_url(":/x", "https"), "https://localhost/x");
        assert_eq!(full_url("://example.com/y", "http"), "http://example.com/y");
        assert_eq!(full_url("HTTPS://a.example", "http"), "HTTPS://a.example");
    }

    #[test]
    fn method_words_are_letters_only() {
        assert!(is_method_word("delete") && is_method_word("PURGE"));
        assert!(!is_method_word("example.com") && !is_method_word(":8080") && !is_method_word(""));
    }
}
