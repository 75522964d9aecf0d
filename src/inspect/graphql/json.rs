//! JSON GraphQL requests: a strict reader and the request envelope.
//!
//! serde_json keeps the last of two equal keys; a server may keep the first. With
//! `{"query": "{ harmless }", "query": "mutation { volumeDelete }"}` guard and the
//! server would then judge different documents, so this reader refuses a duplicate key
//! at any depth. Keys are compared after `\u` escapes are decoded, as a server sees them.

use super::{MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH, Verdict};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

/// Why a body is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonError {
    /// Not JSON at all (the body may still be a bare GraphQL document).
    #[error("invalid JSON: {0}")]
    Syntax(String),
    #[error("duplicate JSON key `{0}`")]
    DuplicateKey(String),
    #[error("JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
}

/// A JSON request body as the judge needs it. The bulk of a large request is its
/// `variables`, and only a mutation's arguments read them: for a single request
/// object whose document has no mutation they are checked as JSON (syntax and depth)
/// and left unbuilt. Everything else is read by [`parse_strict`].
pub fn parse_request(bytes: &[u8]) -> Result<Value, JsonError> {
    match shallow_request(bytes) {
        Some(request) => Ok(request),
        None => parse_strict(bytes),
    }
}

/// A top-level object with a string `query` whose document has no mutation, its
/// `variables` replaced by an empty object; `None` for anything else.
fn shallow_request(bytes: &[u8]) -> Option<Value> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[start] != b'{' {
        return None;
    }
    let entries = top_level_entries(bytes).ok()?;
    // a repeated key is the strict reader's to refuse
    if entries.iter().enumerate().any(|(i, (k, _))| entries[..i].iter().any(|(earlier, _)| earlier == k)) {
        return None;
    }
    let raw_variables = entries.iter().find(|(k, _)| k == "variables").map(|(_, v)| v.get().trim_start());
    // only an object can be left unbuilt (a string or anything else is read as before),
    // and one nested near the limit is read in full so the limit applies as before
    if !raw_variables.is_some_and(|v| v.starts_with('{') && nesting(v) + 2 < MAX_JSON_DEPTH) {
        return None;
    }
    let mut object = Map::new();
    for (key, raw) in entries.iter().filter(|(k, _)| k != "variables") {
        object.insert(key.clone(), parse_strict(raw.get().as_bytes()).ok()?);
    }
    let document = object.get("query")?.as_str()?;
    let operation_name = object.get("operationName").and_then(Value::as_str);
    let operations = super::document::operations(document, None, operation_name).ok()?;
    if operations.iter().any(|o| o.kind != super::OperationType::Query) {
        return None;
    }
    object.insert("variables".into(), Value::Object(Map::new()));
    Some(Value::Object(object))
}

/// The deepest nesting of arrays and objects in valid JSON text.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A JSON object's entries in order, every one of a repeated key kept, each value as
/// its raw JSON text (checked as JSON, not built).
pub fn top_level_entries(bytes: &[u8]) -> Result<Vec<(String, Box<RawValue>)>, serde_json::Error> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry()? {
                out.push(entry);
            }
            Ok(out)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let entries = de::Deserializer::deserialize_map(&mut deserializer, Entries)?;
    deserializer.end()?;
    Ok(entries)
}

/// Parses `bytes` as one JSON value, refusing duplicate keys and deep nesting.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    let problem: RefCell<Option<JsonError>> = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictValue { depth: 0, problem: &problem }.deserialize(&mut deserializer);
    let result: Result<Value, serde_json::Error> = parsed.and_then(|value| deserializer.end().map(|()| value));
    result.map_err(|err| match problem.into_inner() {
        Some(found) => found,
        None if err.to_string().starts_with("recursion limit exceeded") => JsonError::TooDeep,
        None => JsonError::Syntax(err.to_string()),
    })
}

/// Builds a `serde_json::Value`, recording the first duplicate key or excess depth in
/// `problem` (serde errors carry only text) and failing there.
struct StrictValue<'p> {
    depth: usize,
    problem: &'p RefCell<Option<JsonError>>,
}

impl<'p> StrictValue<'p> {
    fn fail<E: de::Error>(&self, problem: JsonError) -> E {
        let message: String = problem.to_string();
        self.problem.borrow_mut().get_or_insert(problem);
        E::custom(message)
    }

    fn nested<E: de::Error>(&self) -> Result<StrictValue<'p>, E> {
        if self.depth + 1 >= MAX_JSON_DEPTH {
            return Err(self.fail(JsonError::TooDeep));
        }
        Ok(StrictValue { depth: self.depth + 1, problem: self.problem })
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items: Vec<Value> = Vec::new();
        while let Some(item) = seq.next_element_seed(self.nested()?)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object: Map<String, Value> = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(self.fail(JsonError::DuplicateKey(key)));
            }
            let value: Value = map.next_value_seed(self.nested()?)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Requests one batch may hold: each is judged, and real clients batch a handful.
pub const MAX_BATCH_LEN: usize = 100;

/// Keys that make a JSON object a GraphQL request even without a `query` document.
const REQUEST_KEYS: [&str; 7] = ["query", "extensions", "operationName", "id", "documentId", "queryId", "doc_id"];
/// Keys naming a document stored on the server (persisted queries and documents).
const STORED_DOCUMENT_KEYS: [&str; 4] = ["id", "documentId", "queryId", "doc_id"];

/// A parsed JSON body: one request object or a batch of them.
pub fn from_request_value(value: &Value) -> Verdict {
    match value {
        Value::Object(request) => from_request_object(request),
        Value::Array(batch) => from_batch(batch),
        _ => Verdict::NotGraphql,
    }
}

/// A batch runs every element, so every element is judged; one that cannot be judged
/// makes the batch undecodable.
fn from_batch(batch: &[Value]) -> Verdict {
    if batch.len() > MAX_BATCH_LEN {
        return Verdict::Undecodable(format!("batch of more than {MAX_BATCH_LEN} requests"));
    }
    let mut operations = Vec::new();
    let mut any_graphql = false;
    for (index, element) in batch.iter().enumerate() {
        let Value::Object(request) = element else {
            return Verdict::Undecodable(format!("batch element {index} is not a JSON object"));
        };
        match from_request_object(request) {
            Verdict::Operations(list) => {
                any_graphql = true;
                operations.extend(list);
            }
            Verdict::Undecodable(reason) => return Verdict::Undecodable(format!("batch element {index}: {reason}")),
            Verdict::NotGraphql => {}
        }
    }
    if any_graphql { Verdict::Operations(operations) } else { Verdict::NotGraphql }
}

/// `{"query": …, "variables": …, "operationName": …}`.
fn from_request_object(request: &Map<String, Value>) -> Verdict {
    if !REQUEST_KEYS.iter().any(|key| request.contains_key(*key)) {
        return Verdict::NotGraphql;
    }
    let document: &str = match request.get("query") {
        Some(Value::String(document)) => document,
        Some(_) => return Verdict::Undecodable("`query` is not a string".into()),
        None if is_persisted(request) => {
            return Verdict::Undecodable("persisted query: the document is not in the request".into());
        }
        None => return Verdict::Undecodable("GraphQL request without a `query` document".into()),
    };
    // A server given both a stored-document id and a text may run either.
    if let Some(key) = STORED_DOCUMENT_KEYS.iter().find(|key| request.contains_key(**key)) {
        return Verdict::Undecodable(format!("request has both `query` and a persisted document `{key}`"));
    }
    if document.len() > MAX_DOCUMENT_BYTES {
        return Verdict::Undecodable(format!("GraphQL document larger than {} MiB", MAX_DOCUMENT_BYTES >> 20));
    }
    let parsed_variables: Value;
    let variables: Option<&Value> = match request.get("variables") {
        None | Some(Value::Null) => None,
        Some(object @ Value::Object(_)) => Some(object),
        // Some clients send the variables as a JSON text, as in a URL.
        Some(Value::String(text)) => match variables_from_text(text) {
            Ok(value) => {
                parsed_variables = value;
                Some(&parsed_variables)
            }
            Err(reason) => return Verdict::Undecodable(reason),
        },
        Some(_) => return Verdict::Undecodable("`variables` is not a JSON object".into()),
    };
    let operation_name: Option<&str> = match request.get("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.as_str()),
        Some(_) => return Verdict::Undecodable("`operationName` is not a string".into()),
    };
    super::from_document(document, variables, operation_name)
}

/// A request that names a document the server stored earlier instead of sending it.
fn is_persisted(request: &Map<String, Value>) -> bool {
    let apq: bool = request.get("extensions").and_then(|e| e.get("persistedQuery")).is_some();
    apq || STORED_DOCUMENT_KEYS.iter().any(|key| request.contains_key(*key))
}

/// `variables` given as JSON text (a URL parameter, or a string in a JSON body).
pub fn variables_from_text(text: &str) -> Result<Value, String> {
    match parse_strict(text.as_bytes()) {
        Ok(Value::Null) => Ok(Value::Null),
        Ok(object @ Value::Object(_)) => Ok(object),
        Ok(_) => Err("`variables` is not a JSON object".into()),
        Err(err) => Err(format!("`variables`: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "x\u0041"], "b": {"c": {}}}"#;
        assert_eq!(parse_strict(text.as_bytes()), Ok(serde_json::from_str::<Value>(text).unwrap()));
    }

    #[test]
    fn refuses_duplicate_keys_at_any_depth() {
        assert_eq!(parse_strict(br#"{"a": 1, "a": 1}"#), Err(JsonError::DuplicateKey("a".into())));
        assert_eq!(parse_strict(br#"[{"x": {"k": 1, "k": 2}}]"#), Err(JsonError::DuplicateKey("k".into())));
    }

    #[test]
    fn compares_keys_after_unescaping() {
        assert_eq!(parse_strict(br#"{"query": 1, "\u0071uery": 2}"#), Err(JsonError::DuplicateKey("query".into())));
        // Case matters to servers, so it matters here.
        assert_eq!(parse_strict(br#"{"query": 1, "Query": 2}"#), Ok(json!({"query": 1, "Query": 2})));
    }

    #[test]
    fn refuses_deep_nesting_and_accepts_moderate() {
        let deep = format!("{}{}", "[".repeat(MAX_JSON_DEPTH + 1), "]".repeat(MAX_JSON_DEPTH + 1));
        assert_eq!(parse_strict(deep.as_bytes()), Err(JsonError::TooDeep));
        let deep_objects = format!("{}1{}", r#"{"a":"#.repeat(200), "}".repeat(200));
        assert_eq!(parse_strict(deep_objects.as_bytes()), Err(JsonError::TooDeep));
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_strict(fine.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_trailing_data_and_bad_text() {
        assert!(matches!(parse_strict(br#"{"a": 1} {"a": 2}"#), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_strict(br#"{"a": "\ud800"}"#), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_strict(b"{\"a\": \"\xff\"}"), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_strict(br#"{"a": 1,}"#), Err(JsonError::Syntax(_))));
    }

    #[test]
    fn request_without_graphql_keys_is_not_graphql() {
        assert_eq!(from_request_value(&json!({"name": "x", "variables": {}})), Verdict::NotGraphql);
        assert_eq!(from_request_value(&json!("mutation { volumeDelete }")), Verdict::NotGraphql);
        assert_eq!(from_request_value(&json!([])), Verdict::NotGraphql);
    }

    #[test]
    fn malformed_envelopes_are_undecodable() {
        let undecodable = |v: Value| match from_request_value(&v) {
            Verdict::Undecodable(reason) => reason,
            other => panic!("{v}: {other:?}"),
        };
        assert_eq!(undecodable(json!({"query": ["mutation"]})), "`query` is not a string");
        assert_eq!(undecodable(json!({"query": null})), "`query` is not a string");
        assert_eq!(undecodable(json!({"query": "{a}", "variables": [1]})), "`variables` is not a JSON object");
        assert_eq!(undecodable(json!({"query": "{a}", "operationName": 3})), "`operationName` is not a string");
        assert_eq!(undecodable(json!({"operationName": "A"})), "GraphQL request without a `query` document");
        assert_eq!(undecodable(json!([{"query": "{a}"}, 1])), "batch element 1 is not a JSON object");
        let long_batch: Vec<Value> = vec![json!({"query": "{a}"}); MAX_BATCH_LEN + 1];
        assert_eq!(undecodable(Value::Array(long_batch)), "batch of more than 100 requests");
        assert!(matches!(
            from_request_value(&json!(vec![json!({"query": "{a}"}); MAX_BATCH_LEN])),
            Verdict::Operations(_)
        ));
        assert_eq!(
            undecodable(json!({"query": "{a}", "documentId": "abc"})),
            "request has both `query` and a persisted document `documentId`"
        );
        assert_eq!(
            undecodable(json!({"query": "{a}", "variables": "{\"x\": 1, \"x\": 2}"})),
            "`variables`: duplicate JSON key `x`"
        );
    }

    #[test]
    fn persisted_queries_are_undecodable() {
        let persisted = Verdict::Undecodable("persisted query: the document is not in the request".into());
        let apq = json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ab12"}}, "variables": {}});
        assert_eq!(from_request_value(&apq), persisted);
        assert_eq!(from_request_value(&json!({"id": "q1"})), persisted);
        assert_eq!(from_request_value(&json!({"documentId": "d1", "operationName": "X"})), persisted);
    }

    #[test]
    fn variables_may_be_json_text() {
        assert_eq!(variables_from_text(r#"{"id": "v1"}"#), Ok(json!({"id": "v1"})));
        assert_eq!(variables_from_text("null"), Ok(Value::Null));
        assert_eq!(variables_from_text("[1]"), Err("`variables` is not a JSON object".into()));
        assert!(variables_from_text("{").is_err());
    }
}
