//! Names what an HTTP request or a GraphQL document does to a service's API.
//!
//! A request to a host a pack describes (`api: {service: railway, hosts: …}`) whose
//! body is a GraphQL mutation becomes one `Api` operation per root field, named
//! `railway.volumeDelete`: the same id the railway CLI's `volume delete` produces, so
//! one rule stops both. Mutations to hosts no pack describes are named
//! `graphql.<field>`. A GraphQL body guard cannot decode, bound for a described host or
//! plainly meant for a GraphQL endpoint, is unjudged: it needs a person.

use super::Ctx;
use super::graphql::{self, OperationType, Verdict};
use crate::operation::{ApiCall, Command, HttpRequest, Operation, Unjudged};
use crate::rules::RuleSet;

/// The HTTP request itself, plus what its GraphQL payload (if any) does.
pub fn from_http(rules: &RuleSet, req: HttpRequest) -> Vec<Operation> {
    let service = service_of(rules, req.host.as_deref());
    let verdict = match &req.body {
        Some(body) => match body.bytes() {
            Some(bytes) => graphql::from_body(bytes, req.content_type.as_deref()),
            None => Verdict::NotGraphql,
        },
        None if !req.query.is_empty() => graphql::from_query_string(&req.query),
        None => Verdict::NotGraphql,
    };
    let looks_graphql = req.path.to_ascii_lowercase().contains("graphql")
        || req.content_type.as_deref().is_some_and(|c| c.to_ascii_lowercase().contains("graphql"));
    let destination = format!("{} to {}", req.client, req.host.as_deref().unwrap_or("an unknown host"));
    let mut ops = Vec::new();
    match verdict {
        Verdict::Operations(list) => {
            for op in list.iter().filter(|o| o.kind == OperationType::Mutation) {
                for field in &op.fields {
                    ops.push(Operation::Api(ApiCall {
                        operation: format!("{}.{}", service.as_deref().unwrap_or("graphql"), field.name),
                        surface: format!("GraphQL mutation via {}", req.client),
                        args: field.args.clone(),
                        host: req.host.clone(),
                    }));
                }
            }
        }
        Verdict::Undecodable(reason) if service.is_some() || looks_graphql => {
            ops.push(Operation::Unjudged(Unjudged { destination: destination.clone(), reason }));
        }
        Verdict::Undecodable(_) | Verdict::NotGraphql => {}
    }
    if let Some(crate::inspect::payload::Payload::Unreadable(reason)) = &req.body
        && !matches!(req.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    {
        ops.push(Operation::Unjudged(Unjudged { destination, reason: reason.clone() }));
    }
    ops.push(Operation::Http(req));
    ops
}

/// The service whose `api.hosts` match `host`.
fn service_of(rules: &RuleSet, host: Option<&str>) -> Option<String> {
    let host = host?;
    rules.packs.iter().find_map(|p| {
        let api = p.spec.api.as_ref()?;
        api.hosts
            .iter()
            .any(|pat| regex_lite::Regex::new(pat).is_ok_and(|re| re.is_match(host)))
            .then(|| api.service.to_string())
    })
}

/// A CLI that sends a GraphQL document it was given (`railway api`): the document
/// from the first operand, `-f FILE` (`-` is stdin) or stdin; variables from
/// `--variables JSON` and `--var name=value`; `--operation-name`.
pub fn from_cli_graphql(service: &str, cmd: &Command, ctx: &Ctx) -> Vec<Operation> {
    let unjudged = |reason: String| {
        vec![Operation::Unjudged(Unjudged { destination: format!("{} {}", cmd.program, cmd.path_string()), reason })]
    };
    let document = match (cmd.operands.first(), cmd.option_values("file").last()) {
        (Some(op), _) => op.text.clone(),
        (None, Some(&"-")) | (None, None) => match ctx.sources.stdin() {
            Some(p) => match p.bytes().map(|b| String::from_utf8_lossy(b).into_owned()) {
                Some(text) => text,
                None => return unjudged(format!("{p:?}")),
            },
            None => return unjudged("no GraphQL document given (stdin is a terminal)".into()),
        },
        (None, Some(file)) => match ctx.sources.file(&cmd.dir, file) {
            crate::inspect::payload::Payload::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
            crate::inspect::payload::Payload::Unreadable(reason) => return unjudged(reason),
        },
    };
    let mut variables = serde_json::Map::new();
    for v in cmd.option_values("variables") {
        match serde_json::from_str::<serde_json::Value>(v) {
            Ok(serde_json::Value::Object(m)) => variables.extend(m),
            _ => return unjudged(format!("--variables is not a JSON object: {v}")),
        }
    }
    for kv in cmd.option_values("var").iter().chain(cmd.option_values("raw-var").iter()) {
        if let Some((k, v)) = kv.split_once('=') {
            let value = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
            variables.insert(k.to_string(), value);
        }
    }
    let name = cmd.option_values("operation-name").last().map(|s| s.to_string());
    let variables = serde_json::Value::Object(variables);
    let verdict = graphql::from_document(&document, Some(&variables), name.as_deref());
    cli_mutations(service, cmd, verdict, &format!("{} {}", cmd.program, cmd.path_string()), "not a GraphQL document")
}

/// A CLI's GraphQL call (`railway api`, `gh api graphql`): each mutation's root field is
/// the operation `<service>.<field>`; what cannot be judged needs a person.
pub fn cli_mutations(
    service: &str,
    cmd: &Command,
    verdict: Verdict,
    destination: &str,
    not_graphql: &str,
) -> Vec<Operation> {
    let unjudged =
        |reason: String| vec![Operation::Unjudged(Unjudged { destination: destination.to_string(), reason })];
    match verdict {
        Verdict::Operations(list) => list
            .iter()
            .filter(|o| o.kind == OperationType::Mutation)
            .flat_map(|o| o.fields.iter())
            .map(|f| {
                Operation::Api(ApiCall {
                    operation: format!("{service}.{}", f.name),
                    surface: format!("GraphQL mutation via {} {}", cmd.program, cmd.path_string()),
                    args: f.args.clone(),
                    host: None,
                })
            })
            .collect(),
        Verdict::Undecodable(reason) => unjudged(reason),
        Verdict::NotGraphql => unjudged(not_graphql.to_string()),
    }
}
