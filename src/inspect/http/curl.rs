//! curl: every request one invocation sends.
//!
//! One command can send many requests: several URLs, `--url` repeated, `{a,b}` and
//! `[1-9]` globs, and `--next` segments that each carry their own method, data and
//! headers. Config files (`~/.curlrc`, `-K FILE`, `-K -`) add arguments as if typed at
//! their place (see [`super::curl_config`]). For each URL the method is what curl puts
//! on the request line: GET, POST with any data or form, PUT with `-T`, HEAD with
//! `-I`, and `-X` over all of them; `-G` moves the data into the query string.
//!
//! Bodies are what curl sends: `-d`/`--data`/`--data-ascii` pieces joined with `&`
//! (`@file` read without CR, LF and NUL bytes, as curl strips them), `--data-binary`
//! and `--json` `@file` exact (`--json` pieces concatenated), `--data-raw` literal,
//! `--data-urlencode` encoded, `-F` assembled as multipart with `@file`/`<file` read.

use super::curl_config;
use super::{Draft, Grammar, MAX_REQUESTS, glob, header_pair, join_payloads, multipart, read_named, url};
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::{Command, Unknown};
use std::path::Path;

/// Options whose values are request data, in the order curl joins them.
const DATA_OPTIONS: [&str; 6] = ["data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json"];

/// The requests of a curl command, config files included.
pub(super) fn drafts(cmd: &Command, ctx: &Ctx, grammar: &Grammar) -> Result<Vec<Draft>, String> {
    let curlrc = curl_config::default_config(cmd, ctx, grammar)?;
    let rewritten = curlrc.is_some() || cmd.options.iter().any(|o| o.name == "config" || o.name == "next");
    if !rewritten {
        // the common case: nothing but the command line, already normalized
        return segment_drafts(cmd, ctx);
    }
    let words = curl_config::effective_words(cmd, ctx, grammar, curlrc.unwrap_or_default())?;
    let mut out = Vec::new();
    for segment in curl_config::split_at_next(grammar.root()?, &words) {
        let seg = grammar.normalize(segment, &cmd.dir)?;
        if let Some(token) = seg.unknowns.iter().find_map(unknown_token) {
            return Err(format!(
                "curl would read `{token}` (from a config file or --next segment), which guard does not know"
            ));
        }
        out.extend(segment_drafts(&seg, ctx)?);
        if out.len() > MAX_REQUESTS {
            return Err(format!("curl sends more than {MAX_REQUESTS} requests"));
        }
    }
    Ok(out)
}

fn unknown_token(u: &Unknown) -> Option<&str> {
    match u {
        Unknown::Option { token, .. } => Some(token),
        Unknown::Subcommand { word, .. } => Some(word),
    }
}

/// What one `--next` segment asks for, before it is applied to each URL.
struct Segment {
    explicit_method: Option<String>,
    get: bool,
    head: bool,
    uploads: Vec<String>,
    headers: Vec<(String, String)>,
    data: Option<Payload>,
    json: bool,
    form: Option<(Payload, String)>,
    url_query: Vec<String>,
    request_target: Option<String>,
    globbing: bool,
}

/// The requests of one segment: one per URL (per glob expansion).
fn segment_drafts(seg: &Command, ctx: &Ctx) -> Result<Vec<Draft>, String> {
    let urls: Vec<String> = seg
        .operands
        .iter()
        .map(|o| o.text.clone())
        .chain(seg.option_values("url").into_iter().map(String::from))
        .collect();
    if urls.is_empty() {
        return Ok(Vec::new()); // curl refuses to run without a URL
    }
    let parts = Segment {
        explicit_method: seg.option_values("request").last().filter(|m| !m.is_empty()).map(|m| m.to_ascii_uppercase()),
        get: seg.option_in_effect("get"),
        head: seg.option_in_effect("head"),
        uploads: seg.option_values("upload-file").into_iter().map(String::from).collect(),
        headers: headers(seg, ctx)?,
        data: data_body(seg, ctx),
        json: seg.options.iter().any(|o| o.name == "json" && o.value.is_some()),
        form: form_body(seg, ctx),
        url_query: seg
            .option_values("url-query")
            .iter()
            .map(|q| url_query_piece(q, &seg.dir, ctx))
            .collect::<Result<Vec<_>, _>>()?,
        request_target: seg.option_values("request-target").last().map(|t| t.to_string()),
        globbing: !seg.option_in_effect("globoff"),
    };
    let mut out = Vec::new();
    for (index, url_text) in urls.iter().enumerate() {
        let draft = draft_for(&parts, url_text, parts.uploads.get(index), seg, ctx)?;
        out.extend(expand_globs(draft, parts.globbing)?);
        if out.len() > MAX_REQUESTS {
            return Err(format!("curl sends more than {MAX_REQUESTS} requests"));
        }
    }
    Ok(out)
}

/// The request for one URL of the segment (`upload`: the `-T` file paired with it).
fn draft_for(
    parts: &Segment,
    url_text: &str,
    upload: Option<&String>,
    seg: &Command,
    ctx: &Ctx,
) -> Result<Draft, String> {
    let url_text = match (&parts.request_target, upload) {
        (Some(target), _) => url::with_request_target(url_text, target),
        (None, Some(file)) => with_upload_name(url_text, file),
        (None, None) => url_text.to_string(),
    };
    let mut draft = Draft::new("curl", "GET", &url_text, "http");
    draft.headers = parts.headers.clone();
    draft.extra_query = parts.url_query.clone();
    if let Some(file) = upload {
        draft.method = "PUT".into();
        draft.body = Some(upload_body(file, &seg.dir, ctx));
    } else if let (Some(data), true) = (&parts.data, parts.get) {
        draft.extra_query.push(query_text(data)?);
    } else if let Some(data) = &parts.data {
        draft.method = "POST".into();
        draft.body = Some(data.clone());
        let implied = if parts.json { "application/json" } else { "application/x-www-form-urlencoded" };
        draft.implied_content_type = Some(implied.into());
    } else if let Some((body, content_type)) = &parts.form {
        draft.method = "POST".into();
        draft.body = Some(body.clone());
        draft.implied_content_type = Some(content_type.clone());
    } else if parts.head {
        draft.method = "HEAD".into();
    }
    if let Some(method) = &parts.explicit_method {
        draft.method = method.clone();
    }
    Ok(draft)
}

/// `-T FILE` to a URL without a file name: curl appends the file's name.
fn with_upload_name(url_text: &str, file: &str) -> String {
    let parsed = url::parse(url_text, "http");
    let name = file.rsplit('/').next().unwrap_or(file);
    let stdin = file == "-" || file == ".";
    if parsed.path.ends_with('/') && parsed.query.is_empty() && !url_text.contains('#') && !stdin {
        return format!(
            "{}{name}",
            if url_text.ends_with('/') { url_text.to_string() } else { format!("{url_text}/") }
        );
    }
    url_text.to_string()
}

/// `-G` data as query text: it must be read to be judged.
fn query_text(data: &Payload) -> Result<String, String> {
    match data {
        Payload::Bytes(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Payload::Unreadable(reason) => Err(format!("cannot read the data curl puts in the URL: {reason}")),
    }
}

/// One draft per URL a glob stands for. A glob too large to list is judged as its
/// pattern only when nothing but a read is sent.
fn expand_globs(draft: Draft, globbing: bool) -> Result<Vec<Draft>, String> {
    if !globbing || !glob::has_glob(&draft.url) {
        return Ok(vec![draft]);
    }
    match glob::expand(&draft.url, MAX_REQUESTS) {
        Ok(urls) => Ok(urls.into_iter().map(|u| Draft { url: u, ..draft.clone() }).collect()),
        Err(glob::GlobError::Malformed) => Ok(vec![draft]), // curl refuses it and sends nothing
        Err(glob::GlobError::TooMany) if is_plain_read(&draft) => Ok(vec![draft]),
        Err(glob::GlobError::TooMany) => {
            Err(format!("the URL glob in `{}` expands to more than {MAX_REQUESTS} requests", draft.url))
        }
    }
}

fn is_plain_read(draft: &Draft) -> bool {
    draft.body.is_none() && matches!(draft.method.as_str(), "GET" | "HEAD")
}

/// `-H` values, `@file` and `@-` read as one header per line.
fn headers(seg: &Command, ctx: &Ctx) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for value in seg.option_values("header") {
        let Some(file) = value.strip_prefix('@') else {
            out.extend(header_pair(value));
            continue;
        };
        match read_named(file, &seg.dir, ctx) {
            Payload::Bytes(bytes) => out.extend(String::from_utf8_lossy(&bytes).lines().filter_map(header_pair)),
            Payload::Unreadable(reason) => return Err(format!("cannot read the headers in {file}: {reason}")),
        }
    }
    Ok(out)
}

/// Every data option's piece, in command-line order, joined as curl joins them.
fn data_body(seg: &Command, ctx: &Ctx) -> Option<Payload> {
    let mut joined: Option<Payload> = None;
    for option in seg.options.iter().filter(|o| DATA_OPTIONS.contains(&o.name.as_str()) && !o.negated) {
        let Some(value) = option.value.as_deref() else { continue };
        let piece = match option.name.as_str() {
            "data" | "data-ascii" => at_file_or_text(value, true, &seg.dir, ctx),
            "data-binary" | "json" => at_file_or_text(value, false, &seg.dir, ctx),
            "data-urlencode" => match urlencoded_piece(value, &seg.dir, ctx) {
                Ok(text) => Payload::Bytes(text.into_bytes()),
                Err(reason) => Payload::Unreadable(reason),
            },
            _ => Payload::Bytes(value.as_bytes().to_vec()), // --data-raw: `@` means nothing
        };
        let separator: &[u8] = if option.name == "json" { b"" } else { b"&" };
        joined = Some(match joined {
            None => piece,
            Some(before) => join_payloads(vec![before, piece], separator),
        });
    }
    joined
}

/// `@file` (`@-`: stdin) or the text itself. `strip`: drop CR, LF and NUL bytes as
/// `-d @file` does.
fn at_file_or_text(value: &str, strip: bool, dir: &Path, ctx: &Ctx) -> Payload {
    let Some(name) = value.strip_prefix('@') else { return Payload::Bytes(value.as_bytes().to_vec()) };
    if has_byte_range(name) {
        // newer curl reads only `!start-end` of the file; older curl a file of that name
        return Payload::Unreadable(format!("`@{name}` may name a byte range of a file, which guard does not judge"));
    }
    match read_named(name, dir, ctx) {
        Payload::Bytes(mut bytes) if strip => {
            bytes.retain(|b| !matches!(b, b'\r' | b'\n' | 0));
            Payload::Bytes(bytes)
        }
        other => other,
    }
}

fn has_byte_range(name: &str) -> bool {
    name.rsplit_once('!').is_some_and(|(_, range)| {
        range.contains('-') && range.chars().all(|c| c.is_ascii_digit() || c == '-') && range.len() > 1
    })
}

/// `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`,
/// encoded as curl encodes them. Err when a named file cannot be read.
fn urlencoded_piece(value: &str, dir: &Path, ctx: &Ctx) -> Result<String, String> {
    let (name, content): (&str, Vec<u8>) = if let Some((name, content)) = value.split_once('=') {
        (name, content.as_bytes().to_vec())
    } else if let Some((name, file)) = value.split_once('@') {
        match read_named(file, dir, ctx) {
            Payload::Bytes(bytes) => (name, bytes),
            Payload::Unreadable(reason) => return Err(reason),
        }
    } else {
        ("", value.as_bytes().to_vec())
    };
    let encoded = url::encode_form(&content);
    Ok(if name.is_empty() { encoded } else { format!("{name}={encoded}") })
}

/// `--url-query`: `+text` as is, otherwise `--data-urlencode` syntax.
fn url_query_piece(value: &str, dir: &Path, ctx: &Ctx) -> Result<String, String> {
    match value.strip_prefix('+') {
        Some(raw) => Ok(raw.to_string()),
        None => urlencoded_piece(value, dir, ctx).map_err(|r| format!("cannot read the --url-query file: {r}")),
    }
}

/// `-T FILE` body; `-` and `.` are stdin.
fn upload_body(file: &str, dir: &Path, ctx: &Ctx) -> Payload {
    if file == "." {
        return read_named("-", dir, ctx);
    }
    read_named(file, dir, ctx)
}

/// `-F`/`--form-string` fields as one multipart body, with its Content-Type.
fn form_body(seg: &Command, ctx: &Ctx) -> Option<(Payload, String)> {
    let fields: Vec<(String, Payload)> = seg
        .options
        .iter()
        .filter(|o| matches!(o.name.as_str(), "form" | "form-string") && !o.negated)
        .filter_map(|o| o.value.as_deref().map(|v| form_field(v, o.name == "form-string", &seg.dir, ctx)))
        .collect();
    (!fields.is_empty()).then(|| multipart(fields))
}

/// One `name=content` field: `@file` and `<file` read the file, `;type=…` and other
/// parameters after the first unquoted `;` are not content.
fn form_field(value: &str, literal: bool, dir: &Path, ctx: &Ctx) -> (String, Payload) {
    let (name, content) = value.split_once('=').unwrap_or((value, ""));
    if literal {
        return (name.to_string(), Payload::Bytes(content.as_bytes().to_vec()));
    }
    let (from_file, rest) = match content.chars().next() {
        Some('@') | Some('<') => (true, &content[1..]),
        _ => (false, content),
    };
    let text = before_parameters(rest);
    let payload = if from_file { read_named(&text, dir, ctx) } else { Payload::Bytes(text.into_bytes()) };
    (name.to_string(), payload)
}

/// The part of a form value before its `;type=`-style parameters, unquoted.
fn before_parameters(text: &str) -> String {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next()),
                '"' => break,
                other => out.push(other),
            }
        }
        return out;
    }
    text.split(';').next().unwrap_or("").to_string()
}
