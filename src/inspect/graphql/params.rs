//! GraphQL in `name=value&…` form: URL query strings (GET) and form bodies.
//!
//! `query=…&variables=…&operationName=…` is percent-encoded with `+` for a space. A
//! parameter name is decoded before it is compared (`%71uery` is `query`). The three
//! parameters a server reads must appear at most once and decode cleanly; a repeated
//! one could be read first-wins by one server and last-wins by another.

use super::{MAX_DOCUMENT_BYTES, Verdict, json};
use serde_json::Value;

/// Where the parameters come from (only for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    QueryString,
    Form,
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::QueryString => "query string",
            Source::Form => "form body",
        }
    }
}

/// Parameters that name a document stored on the server. (`id` is left out: in a URL
/// it is far more often something else.)
const STORED_DOCUMENT_PARAMS: [&str; 4] = ["extensions", "documentId", "queryId", "doc_id"];

/// The parameters a GraphQL server reads, decoded.
#[derive(Debug, Default, PartialEq)]
struct GraphqlParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    names_stored_document: bool,
}

/// The operations a `name=value&…` text requests.
pub fn from_params(text: &str, source: Source) -> Verdict {
    let params: GraphqlParams = match GraphqlParams::read(text) {
        Ok(params) => params,
        Err(reason) => return Verdict::Undecodable(format!("{}: {reason}", source.describe())),
    };
    let Some(document) = params.query else {
        return match params.names_stored_document {
            true => Verdict::Undecodable("persisted query: the document is not in the request".into()),
            false => Verdict::NotGraphql,
        };
    };
    if document.len() > MAX_DOCUMENT_BYTES {
        return Verdict::Undecodable(format!("GraphQL document larger than {} MiB", MAX_DOCUMENT_BYTES >> 20));
    }
    let variables: Option<Value> = match params.variables.as_deref().map(json::variables_from_text) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(reason)) => return Verdict::Undecodable(format!("{}: {reason}", source.describe())),
    };
    let operation_name: Option<&str> = params.operation_name.as_deref().filter(|name| !name.is_empty());
    super::from_document(&document, variables.as_ref(), operation_name)
}

impl GraphqlParams {
    fn read(text: &str) -> Result<GraphqlParams, String> {
        let mut params = GraphqlParams::default();
        for pair in text.split('&').filter(|pair| !pair.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name: String = decode_lossy(raw_name);
            let slot: &mut Option<String> = match name.as_str() {
                "query" => &mut params.query,
                "variables" => &mut params.variables,
                "operationName" => &mut params.operation_name,
                other => {
                    params.names_stored_document |= STORED_DOCUMENT_PARAMS.contains(&other);
                    continue;
                }
            };
            if slot.is_some() {
                return Err(format!("duplicate `{name}` parameter"));
            }
            *slot = Some(decode_strict(raw_value).map_err(|why| format!("`{name}` parameter: {why}"))?);
        }
        Ok(params)
    }
}

/// Percent-decodes with `+` as a space; a malformed escape or non-UTF-8 result is an
/// error, because servers repair them in different ways.
fn decode_strict(text: &str) -> Result<String, String> {
    let mut bytes: Vec<u8> = Vec::with_capacity(text.len());
    let mut rest: &[u8] = text.as_bytes();
    while let [first, tail @ ..] = rest {
        rest = tail;
        match first {
            b'+' => bytes.push(b' '),
            b'%' => match escaped_byte(tail) {
                Some(byte) => {
                    bytes.push(byte);
                    rest = tail.get(2..).unwrap_or_default();
                }
                None => return Err("malformed percent escape".into()),
            },
            other => bytes.push(*other),
        }
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 after percent-decoding".into())
}

/// Percent-decodes a parameter name, keeping a malformed escape as it is written, as
/// WHATWG URL parsing does; a name that decodes badly cannot equal `query`.
fn decode_lossy(text: &str) -> String {
    let mut bytes: Vec<u8> = Vec::with_capacity(text.len());
    let mut rest: &[u8] = text.as_bytes();
    while let [first, tail @ ..] = rest {
        rest = tail;
        match (first, escaped_byte(tail)) {
            (b'+', _) => bytes.push(b' '),
            (b'%', Some(byte)) => {
                bytes.push(byte);
                rest = tail.get(2..).unwrap_or_default();
            }
            (other, _) => bytes.push(*other),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The byte two hex digits at the start of `digits` encode.
fn escaped_byte(digits: &[u8]) -> Option<u8> {
    let [high, low, ..] = digits else { return None };
    let high = char::from(*high).to_digit(16)?;
    let low = char::from(*low).to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_and_plus() {
        assert_eq!(
            decode_strict("mutation+%7B+a%3Ab(x%3A%22%C3%A9+%2B%22)%7d"),
            Ok("mutation { a:b(x:\"é +\")}".into())
        );
        assert_eq!(decode_strict(""), Ok(String::new()));
    }

    #[test]
    fn strict_decoding_refuses_what_servers_repair_differently() {
        assert_eq!(decode_strict("a%zz"), Err("malformed percent escape".into()));
        assert_eq!(decode_strict("a%4"), Err("malformed percent escape".into()));
        assert_eq!(decode_strict("%"), Err("malformed percent escape".into()));
        assert_eq!(decode_strict("%FF"), Err("not UTF-8 after percent-decoding".into()));
    }

    #[test]
    fn lossy_decoding_keeps_malformed_escapes() {
        assert_eq!(decode_lossy("%71uery"), "query");
        assert_eq!(decode_lossy("query%"), "query%");
        assert_eq!(decode_lossy("q%zzuery+x"), "q%zzuery x");
        assert_eq!(decode_lossy("%FFquery"), "\u{FFFD}query");
    }

    #[test]
    fn reads_the_graphql_parameters() {
        let params = GraphqlParams::read("a=1&%71uery=%7Bx%7D&&operationName=Op&variables=%7B%7D&flag").unwrap();
        assert_eq!(
            params,
            GraphqlParams {
                query: Some("{x}".into()),
                variables: Some("{}".into()),
                operation_name: Some("Op".into()),
                names_stored_document: false,
            }
        );
        assert!(GraphqlParams::read("extensions=%7B%7D").unwrap().names_stored_document);
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert_eq!(GraphqlParams::read("query={a}&query=mutation{b}"), Err("duplicate `query` parameter".into()));
        assert_eq!(GraphqlParams::read("query=x&%71uery=y"), Err("duplicate `query` parameter".into()));
        assert_eq!(
            GraphqlParams::read("operationName=A&operationName=B"),
            Err("duplicate `operationName` parameter".into())
        );
    }

    #[test]
    fn a_text_without_query_is_not_graphql() {
        assert_eq!(from_params("q=volumeDelete&page=2", Source::QueryString), Verdict::NotGraphql);
        assert_eq!(from_params("", Source::QueryString), Verdict::NotGraphql);
        assert_eq!(from_params("queryx=mutation{a}", Source::Form), Verdict::NotGraphql);
        assert_eq!(
            from_params("extensions=%7B%22persistedQuery%22%3A%7B%7D%7D", Source::QueryString),
            Verdict::Undecodable("persisted query: the document is not in the request".into())
        );
    }

    #[test]
    fn bad_parameters_are_undecodable() {
        assert_eq!(
            from_params("query=%7Ba%7D&variables=%5B1%5D", Source::Form),
            Verdict::Undecodable("form body: `variables` is not a JSON object".into())
        );
        assert_eq!(
            from_params("query=mutation%zz", Source::QueryString),
            Verdict::Undecodable("query string: `query` parameter: malformed percent escape".into())
        );
    }
}
