//! Structured tool calls: `{"tool": "railway", "method": "volumeDelete", "args": {…}}`,
//! the shape an MCP `tools/call` reduces to. The call is the operation
//! `railway.volumeDelete`, judged by the same rules that stop `railway volume delete`
//! and the GraphQL mutation sent with curl. A tool no pack describes, or a call guard
//! cannot read, is unjudged: it needs a person.

use crate::invocation::Invocation;
use crate::operation::{ApiCall, Operation, Unjudged};
use crate::rules::RuleSet;
use serde_json::Value;

pub struct ToolCall {
    pub tool: String,
    pub method: String,
    pub args: Value,
}

pub fn parse(bytes: &[u8]) -> Result<ToolCall, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("the tool call is not JSON ({e})"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let tool = text("tool").ok_or("the tool call has no `tool`")?;
    let method = text("method").ok_or("the tool call has no `method`")?;
    let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
    if !name_ok(&tool) || !name_ok(&method) {
        return Err("the tool or method name has unexpected characters".into());
    }
    let args = v.get("args").cloned().unwrap_or(Value::Object(Default::default()));
    if !args.is_object() {
        return Err("the tool call's `args` is not an object".into());
    }
    Ok(ToolCall { tool, method, args })
}

/// Whether some pack describes operations of `tool` (produces or declares `tool.*`).
pub fn known_tool(rules: &RuleSet, tool: &str) -> bool {
    let prefix = format!("{tool}.");
    rules.packs.iter().any(|p| crate::rules::validate::operations_of(&p.spec).iter().any(|op| op.starts_with(&prefix)))
}

/// The invocation shown in the artifact and the operations to judge.
pub fn operations(call: Option<&ToolCall>, problem: Option<String>) -> (Invocation, Vec<Operation>) {
    let (name, args) = match call {
        Some(c) => (format!("{}.{}", c.tool, c.method), c.args.to_string()),
        None => ("unreadable".to_string(), String::new()),
    };
    let inv = Invocation::new(vec!["tool-call".into(), name.clone().into(), args.into()]);
    let mut ops = Vec::new();
    if let Some(reason) = problem {
        ops.push(Operation::Unjudged(Unjudged { destination: "a tool call".into(), reason }));
    }
    if let Some(c) = call {
        ops.push(Operation::Api(ApiCall {
            operation: name,
            surface: "tool call".into(),
            args: c.args.clone(),
            host: None,
        }));
    }
    (inv, ops)
}
