//! HTTP clients (curl, wget, HTTPie, xh): the requests a command will really send.
//!
//! Each client module turns its normalized command (grammar in rules/http.yaml), plus
//! the config files the client reads by itself (`~/.curlrc`, `-K`, `~/.wgetrc`,
//! HTTPie's `default_options`), into [`Draft`]s; [`finish`] then does what every
//! client shares: parse the URL, settle the Content-Type, and apply method overrides
//! (`X-HTTP-Method-Override`, `_method=`), which servers honour, so a POST that says
//! DELETE is judged as the DELETE it is. Bodies, header files and config files are read
//! only when the command names them, through `ctx.sources`; anything that cannot be
//! read is an error or an unreadable payload, never skipped.

mod config;
mod curl;
mod curl_config;
mod glob;
mod httpie;
mod url;
mod wget;

use super::Ctx;
use super::payload::Payload;
use crate::operation::{Command, HttpRequest};
use crate::rules::RuleSet;
use crate::rules::schema::NodeSpec;

/// More requests than this from one command are not judged one by one.
pub const MAX_REQUESTS: usize = 256;

/// Headers whose value names the method a server acts on.
const OVERRIDE_HEADERS: [&str; 3] = ["x-http-method-override", "x-http-method", "x-method-override"];

/// The requests `cmd` sends; Err when guard cannot tell (e.g. an unreadable config
/// file that could set the URL or method).
pub fn requests(cmd: &Command, ctx: &Ctx) -> Result<Vec<HttpRequest>, String> {
    let rules = RuleSet::for_program(&cmd.program);
    requests_with(&rules, cmd, ctx)
}

/// As [`requests`], with the rule set whose grammar re-reads arguments that come from
/// config files (the one `cmd` was normalized with).
pub fn requests_with(rules: &RuleSet, cmd: &Command, ctx: &Ctx) -> Result<Vec<HttpRequest>, String> {
    let grammar = Grammar { rules, program: &cmd.program };
    let drafts = match cmd.program.as_str() {
        "curl" => curl::drafts(cmd, ctx, &grammar)?,
        "wget" => wget::drafts(cmd, ctx)?,
        "http" | "https" | "xh" | "xhs" => httpie::drafts(cmd, ctx, &grammar)?,
        other => return Err(format!("guard cannot read the requests of `{other}`")),
    };
    if drafts.len() > MAX_REQUESTS {
        return Err(format!("{} sends more than {MAX_REQUESTS} requests", cmd.program));
    }
    Ok(drafts.into_iter().map(finish).collect())
}

/// The grammar of the client being judged, to normalize words that come from config
/// files exactly as words on the command line are.
pub(crate) struct Grammar<'r> {
    rules: &'r RuleSet,
    program: &'r str,
}

impl Grammar<'_> {
    fn root(&self) -> Result<&NodeSpec, String> {
        self.rules
            .program(self.program)
            .map(|(_, _, root)| root)
            .ok_or_else(|| format!("no grammar for {}", self.program))
    }

    /// `words` normalized as this program's arguments.
    fn normalize(&self, words: &[String], dir: &std::path::Path) -> Result<Command, String> {
        let (pack, key, root) =
            self.rules.program(self.program).ok_or_else(|| format!("no grammar for {}", self.program))?;
        let mut cmd = super::argv::normalize(key, root, self.rules.packs[pack].spec.unknown, words, dir);
        cmd.pack = pack;
        Ok(cmd)
    }
}

/// A request as a client builds it, before what every client shares is settled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draft {
    pub client: String,
    /// Upper-case method the client puts on the request line.
    pub method: String,
    /// The URL text (globs expanded), with a scheme or not.
    pub url: String,
    pub default_scheme: &'static str,
    /// Query pieces the client appends (`-G` data, `--url-query`, `name==value`).
    pub extra_query: Vec<String>,
    pub headers: Vec<(String, String)>,
    /// The Content-Type the client sets unless a header says otherwise.
    pub implied_content_type: Option<String>,
    pub body: Option<Payload>,
}

impl Draft {
    pub fn new(client: &str, method: &str, url: &str, default_scheme: &'static str) -> Draft {
        Draft {
            client: client.to_string(),
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            default_scheme,
            extra_query: Vec::new(),
            headers: Vec::new(),
            implied_content_type: None,
            body: None,
        }
    }
}

/// The request as the server will act on it.
fn finish(draft: Draft) -> HttpRequest {
    let url_text = with_query(&draft.url, &draft.extra_query);
    let parsed = url::parse(&url_text, draft.default_scheme);
    let content_type = content_type(&draft.headers, draft.implied_content_type.as_deref());
    let method = overridden_method(&draft.method, &draft.headers, &parsed.query, content_type.as_deref(), &draft.body);
    // the server routes by the Host header, whatever address the URL names
    let host = host_header(&draft.headers).or(parsed.host).filter(|h| !glob::has_glob(h));
    HttpRequest {
        client: draft.client,
        method,
        url: url_text,
        host,
        path: parsed.path,
        query: parsed.query,
        headers: draft.headers,
        content_type,
        body: draft.body,
    }
}

/// The host the last non-empty `Host:` header names.
fn host_header(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .rev()
        .find(|(name, value)| name.eq_ignore_ascii_case("host") && !value.is_empty())
        .and_then(|(_, value)| url::host_header_value(value))
}

/// `url` with query pieces appended (before any `#fragment`).
fn with_query(url: &str, pieces: &[String]) -> String {
    if pieces.is_empty() {
        return url.to_string();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let joiner = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{joiner}{}", pieces.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The last Content-Type header wins; one set empty removes the client's own.
fn content_type(headers: &[(String, String)], implied: Option<&str>) -> Option<String> {
    match headers.iter().rev().find(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        Some((_, value)) if value.is_empty() => None,
        Some((_, value)) => Some(value.clone()),
        None => implied.map(String::from),
    }
}

/// How much a method can change: overrides never make a request look weaker than
/// what is really sent (a `GET` override on a POST stays a POST).
fn strength(method: &str) -> u8 {
    match method {
        "GET" | "HEAD" | "OPTIONS" | "TRACE" | "CONNECT" => 0,
        "POST" => 1,
        "DELETE" => 3,
        _ => 2,
    }
}

/// The method after override headers and `_method` parameters (query, form or JSON
/// body), the strongest of all.
fn overridden_method(
    sent: &str,
    headers: &[(String, String)],
    query: &str,
    content_type: Option<&str>,
    body: &Option<Payload>,
) -> String {
    let mut claims: Vec<String> = headers
        .iter()
        .filter(|(name, _)| OVERRIDE_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)))
        .map(|(_, value)| value.trim().to_ascii_uppercase())
        .collect();
    claims.extend(method_params(&url::form_pairs(query)));
    if let Some(bytes) = body.as_ref().and_then(Payload::bytes) {
        claims.extend(body_method_claims(bytes, content_type));
    }
    let mut method = sent.to_string();
    for claim in claims.into_iter().filter(|c| !c.is_empty()) {
        if strength(&claim) >= strength(&method) {
            method = claim;
        }
    }
    method
}

fn method_params(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("_method"))
        .map(|(_, value)| value.trim().to_ascii_uppercase())
        .collect()
}

/// `_method` in a form, multipart or JSON body (frameworks read it from all three).
fn body_method_claims(bytes: &[u8], content_type: Option<&str>) -> Vec<String> {
    let kind = content_type.unwrap_or("").to_ascii_lowercase();
    let trimmed = bytes.trim_ascii_start();
    if (kind.contains("json") || trimmed.starts_with(b"{")) && !kind.starts_with("multipart/") {
        // only the top level's keys matter: the rest is skipped, not built
        if let Ok(entries) = crate::inspect::graphql::top_level_entries(trimmed) {
            return entries
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("_method"))
                .filter_map(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
                .map(|s| s.trim().to_ascii_uppercase())
                .collect();
        }
    }
    let text = String::from_utf8_lossy(bytes);
    if kind.starts_with("multipart/") {
        return multipart_method(&text).into_iter().collect();
    }
    method_params(&url::form_pairs(&text))
}

/// The value of a `name="_method"` part of a multipart body.
fn multipart_method(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("name=\"_method\"")?;
    let value_start = text[at..].find("\r\n\r\n")? + at + 4;
    let value_end = text[value_start..].find("\r\n").map_or(text.len(), |e| e + value_start);
    Some(text[value_start..value_end].trim().to_ascii_uppercase())
}

/// Reads `@name` the way clients do: `-` is stdin (a terminal there cannot be judged).
fn read_named(name: &str, dir: &std::path::Path, ctx: &Ctx) -> Payload {
    if name == "-" {
        return read_stdin(ctx);
    }
    ctx.sources.file(dir, name)
}

fn read_stdin(ctx: &Ctx) -> Payload {
    ctx.sources.stdin().unwrap_or_else(|| Payload::Unreadable("stdin is a terminal".into()))
}

/// Joins payload pieces with `separator`; one unreadable piece makes it all unreadable.
fn join_payloads(pieces: Vec<Payload>, separator: &[u8]) -> Payload {
    let mut out = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        match piece {
            Payload::Bytes(bytes) => {
                if i > 0 {
                    out.extend_from_slice(separator);
                }
                out.extend_from_slice(&bytes);
            }
            unreadable @ Payload::Unreadable(_) => return unreadable,
        }
    }
    Payload::Bytes(out)
}

/// `Name: value` (or `Name;` for an empty value) as a header pair.
fn header_pair(line: &str) -> Option<(String, String)> {
    let line = line.trim_end_matches(['\r', '\n']);
    if let Some((name, value)) = line.split_once(':') {
        return Some((name.trim().to_string(), value.trim().to_string()));
    }
    line.strip_suffix(';').map(|name| (name.trim().to_string(), String::new()))
}

/// Whether a missing-file reason (as opposed to a file that exists but cannot be read).
fn is_missing(reason: &str) -> bool {
    let lower = reason.to_ascii_lowercase();
    lower.contains("no such file") || lower.contains("not found")
}

/// A multipart/form-data body of `(name, value)` fields, as clients send it.
fn multipart(fields: Vec<(String, Payload)>) -> (Payload, String) {
    const BOUNDARY: &str = "------------------------guardboundary";
    let mut pieces = Vec::with_capacity(fields.len() + 1);
    for (name, value) in fields {
        let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n");
        pieces
            .push(join_payloads(vec![Payload::Bytes(head.into_bytes()), value, Payload::Bytes(b"\r\n".to_vec())], b""));
    }
    pieces.push(Payload::Bytes(format!("--{BOUNDARY}--\r\n").into_bytes()));
    (join_payloads(pieces, b""), format!("multipart/form-data; boundary={BOUNDARY}"))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests;
