//! GraphQL requests: which operations will execute, and which root fields they reach.
//!
//! A destroying GraphQL call (`mutation { volumeDelete(…) }`) can hide behind aliases,
//! fragments, variables, several operations, batches, JSON `\u` escapes, duplicate JSON
//! keys, form or query-string encodings. This module reads a request the way a server
//! would, with real parsers (serde_json, apollo-parser), and names every root field of
//! every operation that may run. Whatever it cannot read or decide is
//! [`Verdict::Undecodable`]: the caller then asks a person. Pure: no I/O.
//!
//! - [`json`]: a JSON reader that refuses duplicate keys, and the request envelope.
//! - [`params`]: `query=…&variables=…` in URL query strings and form bodies.
//! - [`document`]: the document itself, through apollo-parser's syntax tree.

mod document;
mod json;
pub use json::top_level_entries;
mod params;
#[cfg(test)]
mod tests;

use serde_json::Value;

/// A document larger than this is not judged (a real request is a few KiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// A body larger than this is not judged (large `variables` are fine below it).
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// JSON nested this deep or deeper is refused (serde_json refuses the same depth).
pub const MAX_JSON_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationType {
    Query,
    Mutation,
    Subscription,
}

/// A root field the operation selects (through aliases and fragments).
#[derive(Debug, Clone, PartialEq)]
pub struct RootField {
    pub name: String,
    pub alias: Option<String>,
    /// Arguments as JSON, with variables substituted where the request supplies them
    /// (an unsupplied variable takes its declared default, else `null`).
    pub args: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphqlOperation {
    pub kind: OperationType,
    pub name: Option<String>,
    pub fields: Vec<RootField>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The operations that may execute (all of them when guard cannot tell which).
    Operations(Vec<GraphqlOperation>),
    /// The body is not a GraphQL request.
    NotGraphql,
    /// It looks like GraphQL but cannot be judged safely; the reason says why.
    Undecodable(String),
}

/// A request body, given its Content-Type.
///
/// Servers disagree about which encodings they accept, and clients mislabel bodies
/// (`curl -d '{"query":…}'` sends JSON labelled as a form), so every reading the
/// Content-Type leaves plausible is judged and the results are combined.
pub fn from_body(body: &[u8], content_type: Option<&str>) -> Verdict {
    if body.len() > MAX_BODY_BYTES {
        return Verdict::Undecodable(format!("request body larger than {} MiB", MAX_BODY_BYTES >> 20));
    }
    let body: &[u8] = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let media: MediaType = MediaType::of(content_type);
    if media == MediaType::Multipart {
        return multipart_body(body);
    }
    let mut readings = Readings::default();
    let mut parsed_as_json = false;
    if media == MediaType::Json || looks_like_json(body) {
        match json::parse_request(body) {
            Ok(value) => {
                parsed_as_json = true;
                readings.add(json::from_request_value(&value));
            }
            Err(err @ json::JsonError::Syntax(_)) => readings.add_reading(Reading::Fallible(err.to_string())),
            Err(err) => readings.add(Verdict::Undecodable(err.to_string())),
        }
    }
    if matches!(media, MediaType::Form | MediaType::Absent | MediaType::Other) {
        readings.add(form_body(body));
    }
    // Valid JSON is never also a well-formed GraphQL document; anything else may be one.
    if !parsed_as_json {
        readings.add_reading(document_body(body, media == MediaType::Graphql));
    }
    readings.verdict()
}

/// A URL query string (`query=…&variables=…&operationName=…`) of a GET request.
pub fn from_query_string(query: &str) -> Verdict {
    params::from_params(query.strip_prefix('?').unwrap_or(query), params::Source::QueryString)
}

/// A document with its variables and operation name.
pub fn from_document(document: &str, variables: Option<&Value>, operation_name: Option<&str>) -> Verdict {
    match document::operations(document, variables, operation_name) {
        Ok(operations) => Verdict::Operations(operations),
        Err(err) => Verdict::Undecodable(err.reason().to_string()),
    }
}

/// What the Content-Type says the body is; only its media type matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    Json,
    Graphql,
    Form,
    Multipart,
    Absent,
    Other,
}

impl MediaType {
    fn of(content_type: Option<&str>) -> MediaType {
        let Some(header) = content_type else { return MediaType::Absent };
        let essence: String = header.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence.ends_with("json") {
            // application/json, and +json types such as application/graphql+json.
            MediaType::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaType::Form
        } else if essence.starts_with("multipart/") {
            MediaType::Multipart
        } else if essence.contains("graphql") {
            MediaType::Graphql
        } else if essence.is_empty() {
            MediaType::Absent
        } else {
            MediaType::Other
        }
    }
}

/// What one reading of a body found.
enum Reading {
    Decided(Verdict),
    /// Unreadable as this encoding (invalid JSON, a broken mutation), which decides
    /// unless another reading finds GraphQL it can judge.
    Fallible(String),
}

/// The verdicts of the several readings of one body, combined strictest first.
#[derive(Default)]
struct Readings {
    operations: Vec<GraphqlOperation>,
    any_graphql: bool,
    /// A reading that is GraphQL but cannot be judged: it decides.
    undecodable: Option<String>,
    fallible: Option<String>,
}

impl Readings {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Operations(list) => {
                self.any_graphql = true;
                self.operations.extend(list);
            }
            Verdict::Undecodable(reason) => {
                self.undecodable.get_or_insert(reason);
            }
            Verdict::NotGraphql => {}
        }
    }

    fn add_reading(&mut self, reading: Reading) {
        match reading {
            Reading::Decided(verdict) => self.add(verdict),
            Reading::Fallible(reason) => {
                self.fallible.get_or_insert(reason);
            }
        }
    }

    fn verdict(self) -> Verdict {
        match (self.undecodable, self.any_graphql, self.fallible) {
            (Some(reason), _, _) => Verdict::Undecodable(reason),
            (None, true, _) => Verdict::Operations(self.operations),
            (None, false, Some(reason)) => Verdict::Undecodable(reason),
            (None, false, None) => Verdict::NotGraphql,
        }
    }
}

/// JSON requests start with an object or a batch array (after insignificant whitespace).
fn looks_like_json(body: &[u8]) -> bool {
    body.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).is_some_and(|b| matches!(b, b'{' | b'['))
}

/// `query=…` in a form body, as in a URL query string.
fn form_body(body: &[u8]) -> Verdict {
    match std::str::from_utf8(body) {
        Ok(text) => params::from_params(text, params::Source::Form),
        // Form bodies are ASCII; raw non-UTF-8 bytes only matter if there is a document.
        Err(_) => match params::from_params(&String::from_utf8_lossy(body), params::Source::Form) {
            Verdict::NotGraphql => Verdict::NotGraphql,
            _ => Verdict::Undecodable("form body with a `query` parameter is not UTF-8".into()),
        },
    }
}

/// The body as a bare document. Unless the Content-Type says GraphQL, a body that does
/// not parse is simply not a document, except when it declares a mutation or a
/// subscription: a server whose parser is more lenient than guard's could run it. That
/// and other failures (too large, ambiguous) decide only when no other reading
/// explains the body (`query=mutation…` is a form).
fn document_body(body: &[u8], labelled_graphql: bool) -> Reading {
    let Ok(text) = std::str::from_utf8(body) else {
        return Reading::Decided(match labelled_graphql {
            true => Verdict::Undecodable("GraphQL body is not UTF-8".into()),
            false => Verdict::NotGraphql,
        });
    };
    if !labelled_graphql && !may_be_executable_document(text) {
        return Reading::Decided(Verdict::NotGraphql);
    }
    match document::operations(text, None, None) {
        Ok(operations) => Reading::Decided(Verdict::Operations(operations)),
        Err(err) if labelled_graphql => Reading::Decided(Verdict::Undecodable(err.reason().to_string())),
        Err(document::DocumentError::Syntax { declares_write: false, .. }) => Reading::Decided(Verdict::NotGraphql),
        Err(err) => Reading::Fallible(err.reason().to_string()),
    }
}

/// Whether `text` starts the way every executable document must (after ignored tokens:
/// `{`, `query`, `mutation`, `subscription`, `fragment`, or a description). A cheap
/// test that spares the parser large bodies that cannot be GraphQL.
fn may_be_executable_document(text: &str) -> bool {
    let mut rest: &str = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r', ',', '\u{FEFF}']);
        match rest.strip_prefix('#') {
            Some(comment) => rest = comment.find(['\n', '\r']).map_or("", |end| &comment[end..]),
            None => break,
        }
    }
    let word: &str = rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
    rest.starts_with(['{', '"']) || matches!(word, "query" | "mutation" | "subscription" | "fragment")
}

/// GraphQL multipart requests (file uploads) carry the request in an `operations`
/// part; guard does not split multipart bodies, so one that may carry GraphQL is
/// undecodable.
fn multipart_body(body: &[u8]) -> Verdict {
    let mentions = |word: &[u8]| body.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word));
    if mentions(b"operations") || mentions(b"query") {
        Verdict::Undecodable("multipart/form-data GraphQL requests are not inspected".into())
    } else {
        Verdict::NotGraphql
    }
}
