//! `gh api` and `glab api`: the GraphQL mutations they send.
//!
//! Both take an endpoint operand and build the request body from `-f/--raw-field
//! key=value` (a string) and `-F/--field key=value` (typed; `@file` reads a file, `@-`
//! stdin), or take the whole body from `--input FILE`. For the endpoint `graphql` the
//! fields `query` and `operationName` are the document and its operation name, every
//! other field is a variable. Each mutation's root field becomes an API operation named
//! `<service>.<field>` (`github.deleteRepository`), judged by the rules on operations.
//!
//! REST calls produce nothing here: their method is an option the pack's rules read.
//! An endpoint that is GraphQL but whose document guard cannot read is unjudged.

use super::Ctx;
use super::graphql;
use super::payload::Payload;
use crate::operation::{Command, Operation, Unjudged};
use serde_json::{Map, Value};

/// The operations a `gh api`-style command sends to `service`'s GraphQL endpoint.
pub fn inspect(service: &str, cmd: &Command, ctx: &Ctx) -> Vec<Operation> {
    let Some(endpoint) = cmd.operands.first().map(|o| o.text.as_str()) else { return Vec::new() };
    if !is_graphql_endpoint(endpoint) {
        return Vec::new();
    }
    let here = format!("{} {} {endpoint}", cmd.program, cmd.path_string());
    let unjudged = |reason: String| vec![Operation::Unjudged(Unjudged { destination: here.clone(), reason })];
    let verdict = match cmd.option_values("input").last() {
        // the whole body comes from the file; fields then go to the query string
        Some(file) => match read(file, cmd, ctx) {
            Ok(bytes) => graphql::from_body(&bytes, Some("application/json")),
            Err(reason) => return unjudged(reason),
        },
        None => match fields(cmd, ctx) {
            Err(reason) => return unjudged(reason),
            Ok(fields) => {
                let Some(Value::String(document)) = fields.get("query") else {
                    return unjudged("the GraphQL document (the `query` field) is missing or not text".into());
                };
                let name = fields.get("operationName").and_then(Value::as_str);
                let variables: Map<String, Value> = fields
                    .iter()
                    .filter(|(k, _)| *k != "query" && *k != "operationName")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                graphql::from_document(document, Some(&Value::Object(variables)), name)
            }
        },
    };
    super::api::cli_mutations(service, cmd, verdict, &here, "the body is not a GraphQL request")
}

/// `graphql`, or a full URL whose path ends in `/graphql` (sent the same way).
fn is_graphql_endpoint(endpoint: &str) -> bool {
    let path = endpoint.split(['?', '#']).next().unwrap_or(endpoint).trim_end_matches('/');
    path == "graphql" || path.ends_with("/graphql")
}

/// The fields in the order the CLI applies them: raw fields, then typed ones (which
/// win for the same key).
fn fields(cmd: &Command, ctx: &Ctx) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for raw in cmd.option_values("raw-field") {
        let (key, value) = split_field(raw)?;
        out.insert(key.to_string(), Value::String(value.to_string()));
    }
    for typed in cmd.option_values("field") {
        let (key, value) = split_field(typed)?;
        out.insert(key.to_string(), typed_value(value, cmd, ctx)?);
    }
    Ok(out)
}

fn split_field(text: &str) -> Result<(&str, &str), String> {
    text.split_once('=').ok_or_else(|| format!("the field `{text}` is not key=value"))
}

/// `-F` values: `true`, `false`, `null` and integers are typed; `@file` is the file's
/// contents (`@-`: stdin); anything else is a string.
fn typed_value(value: &str, cmd: &Command, ctx: &Ctx) -> Result<Value, String> {
    if let Some(file) = value.strip_prefix('@') {
        let bytes = read(file, cmd, ctx)?;
        return Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match value.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(value.to_string()),
        },
    })
}

fn read(file: &str, cmd: &Command, ctx: &Ctx) -> Result<Vec<u8>, String> {
    let payload = if file == "-" {
        ctx.sources.stdin().ok_or_else(|| "the body on stdin (a terminal)".to_string())?
    } else {
        ctx.sources.file(&cmd.dir, file)
    };
    match payload {
        Payload::Bytes(b) => Ok(b),
        Payload::Unreadable(reason) => Err(format!("{file}: {reason}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn graphql_endpoints() {
        assert!(super::is_graphql_endpoint("graphql"));
        assert!(super::is_graphql_endpoint("https://github.example.com/api/graphql"));
        assert!(super::is_graphql_endpoint("https://gitlab.com/api/graphql/"));
        assert!(!super::is_graphql_endpoint("repos/o/r/graphql-stats"));
        assert!(!super::is_graphql_endpoint("repos/o/r"));
    }
}
