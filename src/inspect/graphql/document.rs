//! A GraphQL document: which operations may run, and the root fields each selects.
//!
//! apollo-parser is error-tolerant: an unterminated `mutation { volumeDelete(…)` still
//! yields a tree. guard never judges such a tree (it would be judging a prefix), so any
//! syntax error refuses the document. Root fields are collected through aliases,
//! fragment spreads and inline fragments, whatever their type condition or directives
//! (`@skip(if: true)` is taken as included): guard does not know the schema, and the
//! larger set is the safe one.

use super::{GraphqlOperation, MAX_DOCUMENT_BYTES, OperationType, RootField};
use apollo_parser::{Parser, cst};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// apollo-parser's nesting limit (selection sets, lists, objects); it keeps the parser
/// and the recursion below within a small stack.
const RECURSION_LIMIT: usize = 128;
/// apollo-parser's token limit (whitespace and commas count): punctuation-heavy real
/// queries run near 2.5 bytes per token, so a 1 MiB one stays well below it.
const TOKEN_LIMIT: usize = 600_000;
/// Fragments spread inside fragments, this deep at most.
const MAX_FRAGMENT_DEPTH: usize = 32;
/// Root selections visited per document, through every fragment spread: spreading a
/// fragment twice in each of a chain of fragments doubles the work at each link.
const MAX_SELECTIONS: usize = 10_000;
/// Argument JSON nodes built per document: one large variable substituted into many
/// fields multiplies memory, so it is counted before it is copied.
const MAX_ARGUMENT_NODES: usize = 1 << 20;

/// Why a document cannot be judged.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentError {
    /// Not a well-formed document. `declares_write` says whether what parsed of it
    /// declares a mutation or subscription.
    Syntax { reason: String, declares_write: bool },
    /// Well-formed, but guard cannot tell what would run.
    Unjudgeable(String),
}

impl DocumentError {
    pub fn reason(&self) -> &str {
        match self {
            DocumentError::Syntax { reason, .. } | DocumentError::Unjudgeable(reason) => reason,
        }
    }
}

fn unjudgeable(reason: impl Into<String>) -> DocumentError {
    DocumentError::Unjudgeable(reason.into())
}

/// Every operation of `document` that may run, given the request's variables and
/// operation name.
pub fn operations(
    document: &str,
    variables: Option<&Value>,
    operation_name: Option<&str>,
) -> Result<Vec<GraphqlOperation>, DocumentError> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(unjudgeable(format!("GraphQL document larger than {} MiB", MAX_DOCUMENT_BYTES >> 20)));
    }
    let supplied: Option<&Map<String, Value>> = match variables {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(unjudgeable("`variables` is not a JSON object")),
    };
    let tree = Parser::new(document).recursion_limit(RECURSION_LIMIT).token_limit(TOKEN_LIMIT).parse();
    let root: cst::Document = tree.document();
    if let Some(error) = tree.errors().next() {
        let reason = format!("GraphQL syntax error at byte {}: {}", error.index(), error.message());
        return Err(DocumentError::Syntax { reason, declares_write: declares_write(&root) });
    }
    let definitions: Definitions = Definitions::collect(&root)?;
    // Servers differ on `"operationName": ""` (no operation has that name, or no name
    // was given), so it selects every operation, which covers both.
    let selected: Vec<&cst::OperationDefinition> = definitions.select(operation_name.filter(|n| !n.is_empty()))?;
    let mut walker = Walker::new(&definitions.fragments, supplied);
    selected.into_iter().map(|operation| walker.operation(operation)).collect()
}

/// Whether any operation (in a possibly broken tree) is a mutation or subscription.
fn declares_write(root: &cst::Document) -> bool {
    root.definitions().any(|definition| match definition {
        cst::Definition::OperationDefinition(operation) => {
            operation.operation_type().is_some_and(|t| t.mutation_token().is_some() || t.subscription_token().is_some())
        }
        _ => false,
    })
}

/// The text of a name token, exactly as written (GraphQL is case-sensitive).
fn name_text(name: Option<cst::Name>) -> Option<String> {
    Some(name?.ident_token()?.text().to_string())
}

/// The operations and fragments of an executable document.
struct Definitions {
    operations: Vec<(Option<String>, cst::OperationDefinition)>,
    fragments: HashMap<String, cst::FragmentDefinition>,
}

impl Definitions {
    fn collect(root: &cst::Document) -> Result<Definitions, DocumentError> {
        let mut found = Definitions { operations: Vec::new(), fragments: HashMap::new() };
        let mut any_definition = false;
        for definition in root.definitions() {
            any_definition = true;
            match definition {
                cst::Definition::OperationDefinition(operation) => found.add_operation(operation)?,
                cst::Definition::FragmentDefinition(fragment) => found.add_fragment(fragment)?,
                // A server refuses such a document; guard cannot say what it would do.
                other => {
                    return Err(unjudgeable(format!("the document contains a schema definition ({})", other.kind())));
                }
            }
        }
        if !any_definition {
            return Err(DocumentError::Syntax {
                reason: "the GraphQL document is empty".into(),
                declares_write: false,
            });
        }
        if found.operations.is_empty() {
            return Err(unjudgeable("the GraphQL document has no operation"));
        }
        Ok(found)
    }

    fn add_operation(&mut self, operation: cst::OperationDefinition) -> Result<(), DocumentError> {
        let name: Option<String> = name_text(operation.name());
        if let Some(name) = &name
            && self.operations.iter().any(|(other, _)| other.as_ref() == Some(name))
        {
            return Err(unjudgeable(format!("operation `{name}` is defined twice")));
        }
        self.operations.push((name, operation));
        Ok(())
    }

    fn add_fragment(&mut self, fragment: cst::FragmentDefinition) -> Result<(), DocumentError> {
        let name: String = name_text(fragment.fragment_name().and_then(|f| f.name()))
            .ok_or_else(|| unjudgeable("a fragment has no name"))?;
        if self.fragments.contains_key(&name) {
            return Err(unjudgeable(format!("fragment `{name}` is defined twice")));
        }
        self.fragments.insert(name, fragment);
        Ok(())
    }

    /// The named operation, or every operation when no name is given.
    fn select(&self, operation_name: Option<&str>) -> Result<Vec<&cst::OperationDefinition>, DocumentError> {
        let Some(wanted) = operation_name else {
            return Ok(self.operations.iter().map(|(_, operation)| operation).collect());
        };
        let named: Vec<&cst::OperationDefinition> = self
            .operations
            .iter()
            .filter(|(name, _)| name.as_deref() == Some(wanted))
            .map(|(_, operation)| operation)
            .collect();
        match named.is_empty() {
            true => Err(unjudgeable(format!("no operation named `{wanted}` in the document"))),
            false => Ok(named),
        }
    }
}

/// Collects root fields and builds argument JSON, within [`MAX_SELECTIONS`] and
/// [`MAX_ARGUMENT_NODES`].
struct Walker<'d> {
    fragments: &'d HashMap<String, cst::FragmentDefinition>,
    supplied: Option<&'d Map<String, Value>>,
    selections_left: usize,
    argument_nodes_left: usize,
    /// The current operation's variable defaults.
    defaults: HashMap<String, Value>,
    /// Fragments being expanded, innermost last: spreading one of them again is a cycle.
    expanding: Vec<String>,
}

impl<'d> Walker<'d> {
    fn new(fragments: &'d HashMap<String, cst::FragmentDefinition>, supplied: Option<&'d Map<String, Value>>) -> Self {
        Walker {
            fragments,
            supplied,
            selections_left: MAX_SELECTIONS,
            argument_nodes_left: MAX_ARGUMENT_NODES,
            defaults: HashMap::new(),
            expanding: Vec::new(),
        }
    }

    fn spend_selection(&mut self) -> Result<(), DocumentError> {
        self.selections_left = self.selections_left.checked_sub(1).ok_or_else(|| {
            unjudgeable(format!("the document selects more than {MAX_SELECTIONS} root fields (repeated fragments?)"))
        })?;
        Ok(())
    }

    fn spend_argument_nodes(&mut self, count: usize) -> Result<(), DocumentError> {
        self.argument_nodes_left = self.argument_nodes_left.checked_sub(count).ok_or_else(|| {
            unjudgeable(format!(
                "the arguments expand to more than {MAX_ARGUMENT_NODES} JSON values (repeated variables?)"
            ))
        })?;
        Ok(())
    }

    fn operation(&mut self, operation: &cst::OperationDefinition) -> Result<GraphqlOperation, DocumentError> {
        let kind: OperationType = operation_type(operation.operation_type())?;
        self.defaults = self.variable_defaults(operation)?;
        let selections = operation.selection_set().ok_or_else(|| unjudgeable("an operation has no selection set"))?;
        let mut fields: Vec<RootField> = Vec::new();
        self.collect(&selections, 0, &mut fields)?;
        Ok(GraphqlOperation { kind, name: name_text(operation.name()), fields })
    }

    /// `($id: ID = "x")`: the value a variable takes when the request omits it.
    fn variable_defaults(
        &mut self,
        operation: &cst::OperationDefinition,
    ) -> Result<HashMap<String, Value>, DocumentError> {
        let mut defaults: HashMap<String, Value> = HashMap::new();
        let Some(definitions) = operation.variable_definitions() else { return Ok(defaults) };
        for definition in definitions.variable_definitions() {
            let Some(default) = definition.default_value() else { continue };
            let name: String = name_text(definition.variable().and_then(|v| v.name()))
                .ok_or_else(|| unjudgeable("a variable definition has no name"))?;
            let value = default.value().ok_or_else(|| unjudgeable("a default value is missing"))?;
            let value: Value = self.value(&value, Variables::Refused, 0)?;
            defaults.insert(name, value);
        }
        Ok(defaults)
    }

    /// Root fields of `selections`, expanding fragments in place.
    fn collect(
        &mut self,
        selections: &cst::SelectionSet,
        depth: usize,
        out: &mut Vec<RootField>,
    ) -> Result<(), DocumentError> {
        if depth > MAX_FRAGMENT_DEPTH {
            return Err(unjudgeable(format!("fragments nested deeper than {MAX_FRAGMENT_DEPTH}")));
        }
        for selection in selections.selections() {
            self.spend_selection()?;
            match selection {
                cst::Selection::Field(field) => out.push(self.root_field(&field)?),
                cst::Selection::FragmentSpread(spread) => self.spread(&spread, depth, out)?,
                cst::Selection::InlineFragment(inline) => {
                    let inner = inline.selection_set().ok_or_else(|| unjudgeable("an inline fragment is empty"))?;
                    self.collect(&inner, depth + 1, out)?;
                }
            }
        }
        Ok(())
    }

    /// `...Name`: the fragment's selections, as if written here.
    fn spread(
        &mut self,
        spread: &cst::FragmentSpread,
        depth: usize,
        out: &mut Vec<RootField>,
    ) -> Result<(), DocumentError> {
        let name: String = name_text(spread.fragment_name().and_then(|f| f.name()))
            .ok_or_else(|| unjudgeable("a fragment spread has no name"))?;
        let fragments: &'d HashMap<String, cst::FragmentDefinition> = self.fragments;
        let fragment = fragments.get(&name).ok_or_else(|| unjudgeable(format!("unknown fragment `{name}`")))?;
        if self.expanding.contains(&name) {
            return Err(unjudgeable(format!("fragment cycle through `{name}`")));
        }
        let inner = fragment.selection_set().ok_or_else(|| unjudgeable(format!("fragment `{name}` is empty")))?;
        self.expanding.push(name);
        let collected = self.collect(&inner, depth + 1, out);
        self.expanding.pop();
        collected
    }

    fn root_field(&mut self, field: &cst::Field) -> Result<RootField, DocumentError> {
        let name: String = name_text(field.name()).ok_or_else(|| unjudgeable("a field has no name"))?;
        let alias: Option<String> = field.alias().and_then(|alias| name_text(alias.name()));
        let mut args: Map<String, Value> = Map::new();
        for argument in field.arguments().iter().flat_map(|list| list.arguments()) {
            let arg_name: String = name_text(argument.name()).ok_or_else(|| unjudgeable("an argument has no name"))?;
            let value = argument.value().ok_or_else(|| unjudgeable(format!("argument `{arg_name}` has no value")))?;
            let value: Value = self.value(&value, Variables::Allowed, 0)?;
            if args.contains_key(&arg_name) {
                return Err(unjudgeable(format!("argument `{arg_name}` of `{name}` is given twice")));
            }
            args.insert(arg_name, value);
        }
        Ok(RootField { name, alias, args: Value::Object(args) })
    }

    /// A GraphQL value as JSON: enums become strings, variables their values.
    fn value(&mut self, value: &cst::Value, variables: Variables, depth: usize) -> Result<Value, DocumentError> {
        if depth > RECURSION_LIMIT {
            return Err(unjudgeable(format!("a value nested deeper than {RECURSION_LIMIT}")));
        }
        self.spend_argument_nodes(1)?;
        let malformed = || unjudgeable("a malformed value");
        Ok(match value {
            cst::Value::Variable(variable) => {
                let name: String = name_text(variable.name()).ok_or_else(malformed)?;
                match variables {
                    Variables::Allowed => self.variable(&name)?,
                    Variables::Refused => return Err(unjudgeable(format!("variable `${name}` in a default value"))),
                }
            }
            // The lexer has checked the escapes; the tree has no errors, so converting
            // cannot reach apollo-parser's panics on malformed strings.
            cst::Value::StringValue(string) => Value::String(String::from(string)),
            cst::Value::IntValue(int) => number_from(int.int_token().ok_or_else(malformed)?.text()),
            cst::Value::FloatValue(float) => number_from(float.float_token().ok_or_else(malformed)?.text()),
            cst::Value::BooleanValue(boolean) => Value::Bool(boolean.true_token().is_some()),
            cst::Value::NullValue(_) => Value::Null,
            cst::Value::EnumValue(enum_value) => Value::String(name_text(enum_value.name()).ok_or_else(malformed)?),
            cst::Value::ListValue(list) => {
                let items: Result<Vec<Value>, DocumentError> =
                    list.values().map(|item| self.value(&item, variables, depth + 1)).collect();
                Value::Array(items?)
            }
            cst::Value::ObjectValue(object) => Value::Object(self.object(object, variables, depth)?),
        })
    }

    fn object(
        &mut self,
        object: &cst::ObjectValue,
        variables: Variables,
        depth: usize,
    ) -> Result<Map<String, Value>, DocumentError> {
        let mut fields: Map<String, Value> = Map::new();
        for field in object.object_fields() {
            let name: String = name_text(field.name()).ok_or_else(|| unjudgeable("an input field has no name"))?;
            let value = field.value().ok_or_else(|| unjudgeable(format!("input field `{name}` has no value")))?;
            let value: Value = self.value(&value, variables, depth + 1)?;
            if fields.contains_key(&name) {
                return Err(unjudgeable(format!("input field `{name}` is given twice")));
            }
            fields.insert(name, value);
        }
        Ok(fields)
    }

    /// `$name`: the supplied value (even `null`), else the default, else `null`.
    fn variable(&mut self, name: &str) -> Result<Value, DocumentError> {
        let supplied: Option<&'d Value> = self.supplied.and_then(|map| map.get(name));
        let Some(value) = supplied.or_else(|| self.defaults.get(name)) else { return Ok(Value::Null) };
        // Charge before cloning: a large variable used in many fields must fail here,
        // not after the copies are made.
        self.spend_argument_nodes(node_count(value))?;
        Ok(supplied.or_else(|| self.defaults.get(name)).cloned().unwrap_or(Value::Null))
    }
}

/// Whether a value may refer to variables (a default value may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variables {
    Allowed,
    Refused,
}

fn operation_type(token: Option<cst::OperationType>) -> Result<OperationType, DocumentError> {
    let Some(token) = token else { return Ok(OperationType::Query) }; // `{ … }` shorthand
    if token.mutation_token().is_some() {
        Ok(OperationType::Mutation)
    } else if token.subscription_token().is_some() {
        Ok(OperationType::Subscription)
    } else if token.query_token().is_some() {
        Ok(OperationType::Query)
    } else {
        Err(unjudgeable("an operation of unknown type"))
    }
}

/// A GraphQL number as a JSON number; one JSON cannot hold (`1e999`) stays as written.
fn number_from(text: &str) -> Value {
    if let Ok(int) = text.parse::<i64>() {
        return Value::from(int);
    }
    if let Ok(int) = text.parse::<u64>() {
        return Value::from(int);
    }
    match text.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(number) => Value::Number(number),
        None => Value::String(text.to_string()),
    }
}

/// How many JSON nodes `value` holds, without recursion.
fn node_count(value: &Value) -> usize {
    let mut count: usize = 0;
    let mut pending: Vec<&Value> = vec![value];
    while let Some(next) = pending.pop() {
        count += 1;
        match next {
            Value::Array(items) => pending.extend(items),
            Value::Object(fields) => pending.extend(fields.values()),
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_value_or_their_text() {
        assert_eq!(number_from("-9223372036854775808"), json!(i64::MIN));
        assert_eq!(number_from("18446744073709551615"), json!(u64::MAX));
        assert_eq!(number_from("18446744073709551616"), json!(18446744073709551616.0));
        assert_eq!(number_from("0.5e1"), json!(5.0));
        assert_eq!(number_from("1e400"), json!("1e400"));
    }

    #[test]
    fn node_count_counts_every_value() {
        assert_eq!(node_count(&json!(null)), 1);
        assert_eq!(node_count(&json!({"a": [1, 2, {"b": null}], "c": "x"})), 7);
    }

    #[test]
    fn declares_write_reads_broken_trees() {
        let broken = |doc: &str| match operations(doc, None, None) {
            Err(DocumentError::Syntax { declares_write, .. }) => declares_write,
            other => panic!("{doc}: {other:?}"),
        };
        assert!(broken("mutation { volumeDelete("));
        assert!(broken("query { a } subscription { b"));
        assert!(!broken("query { a"));
        assert!(!broken("{ a } }"));
    }

    #[test]
    fn token_limit_is_a_syntax_error() {
        let many = format!("{{ {}}}", "a ".repeat(TOKEN_LIMIT / 2 + 1));
        assert!(many.len() < MAX_DOCUMENT_BYTES);
        let Err(DocumentError::Syntax { reason, .. }) = operations(&many, None, None) else { panic!() };
        assert!(reason.contains("token limit"), "{reason}");
    }
}
