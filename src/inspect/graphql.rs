//! GraphQL requests: which operation will execute, and which root fields it reaches.
//!
//! CONTRACT (implementation pending): judge a request body or URL query string the way
//! a GraphQL server will execute it. Pure: no I/O.

use serde_json::Value;

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
    /// (an unsupplied variable is `null`).
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
pub fn from_body(_body: &[u8], _content_type: Option<&str>) -> Verdict {
    Verdict::NotGraphql
}

/// A URL query string (`query=…&variables=…&operationName=…`) of a GET request.
pub fn from_query_string(_query: &str) -> Verdict {
    Verdict::NotGraphql
}

/// A document with its variables and operation name.
pub fn from_document(_document: &str, _variables: Option<&Value>, _operation_name: Option<&str>) -> Verdict {
    Verdict::NotGraphql
}
