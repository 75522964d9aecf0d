//! Requests as an agent could send them, judged through the public functions.

use super::*;
use serde_json::json;

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn json_body(body: &str) -> Verdict {
    from_body(body.as_bytes(), JSON)
}

/// `kind name` of every root field, in order: what the caller turns into operations.
fn root_fields(verdict: &Verdict) -> Vec<String> {
    let Verdict::Operations(operations) = verdict else { panic!("expected operations, got {verdict:?}") };
    operations.iter().flat_map(|op| op.fields.iter().map(move |f| format!("{:?} {}", op.kind, f.name))).collect()
}

fn undecodable(verdict: Verdict) -> String {
    match verdict {
        Verdict::Undecodable(reason) => reason,
        other => panic!("expected Undecodable, got {other:?}"),
    }
}

fn field(name: &str, alias: Option<&str>, args: Value) -> RootField {
    RootField { name: name.into(), alias: alias.map(String::from), args }
}

// ---- documents: what runs ----

#[test]
fn plain_mutation() {
    let verdict = from_document(r#"mutation { volumeDelete(volumeId: "v1") }"#, None, None);
    let expected = GraphqlOperation {
        kind: OperationType::Mutation,
        name: None,
        fields: vec![field("volumeDelete", None, json!({"volumeId": "v1"}))],
    };
    assert_eq!(verdict, Verdict::Operations(vec![expected]));
}

#[test]
fn alias_keeps_the_real_field_name() {
    let verdict = from_document(r#"mutation Cleanup { tidy: volumeDelete(volumeId: "v1") }"#, None, None);
    let expected = GraphqlOperation {
        kind: OperationType::Mutation,
        name: Some("Cleanup".into()),
        fields: vec![field("volumeDelete", Some("tidy"), json!({"volumeId": "v1"}))],
    };
    assert_eq!(verdict, Verdict::Operations(vec![expected]));
}

#[test]
fn named_fragment_on_mutation() {
    let doc = r#"mutation { ...Wipe } fragment Wipe on Mutation { volumeDelete(volumeId: "v1") }"#;
    assert_eq!(root_fields(&from_document(doc, None, None)), ["Mutation volumeDelete"]);
}

#[test]
fn inline_fragment_and_fragment_type_conditions_are_ignored() {
    let doc = r#"mutation { ... on Mutation { volumeDelete(volumeId: "v1") } ... { projectDelete(id: "p") } }"#;
    assert_eq!(root_fields(&from_document(doc, None, None)), ["Mutation volumeDelete", "Mutation projectDelete"]);
    // A fragment "on Query" spread into a mutation still runs on a lenient server.
    let doc = "mutation { ...F } fragment F on Query { volumeDelete }";
    assert_eq!(root_fields(&from_document(doc, None, None)), ["Mutation volumeDelete"]);
}

#[test]
fn nested_fragments() {
    let doc = "mutation { ...A deploymentRestart } fragment A on Mutation { ...B ... on Mutation { ...C } } \
               fragment B on Mutation { x: volumeDelete(volumeId: \"v\") } fragment C on Mutation { projectDelete }";
    assert_eq!(
        root_fields(&from_document(doc, None, None)),
        ["Mutation volumeDelete", "Mutation projectDelete", "Mutation deploymentRestart"]
    );
}

#[test]
fn fragment_cycles_are_undecodable() {
    let doc = "mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A volumeDelete }";
    assert_eq!(undecodable(from_document(doc, None, None)), "fragment cycle through `A`");
    let doc = "mutation { ...A } fragment A on Mutation { a ...A }";
    assert_eq!(undecodable(from_document(doc, None, None)), "fragment cycle through `A`");
}

#[test]
fn fragment_fan_out_is_bounded() {
    // F0 spreads F1 twice, … F24 spreads F25 twice: 2^25 root fields if expanded.
    let mut doc = String::from("mutation { ...F0 }\n");
    for level in 0..25 {
        doc.push_str(&format!("fragment F{level} on Mutation {{ ...F{n} ...F{n} }}\n", n = level + 1));
    }
    doc.push_str("fragment F25 on Mutation { volumeDelete }");
    assert_eq!(
        undecodable(from_document(&doc, None, None)),
        "the document selects more than 10000 root fields (repeated fragments?)"
    );
}

#[test]
fn deep_fragment_chains_are_bounded() {
    let mut doc = String::from("mutation { ...F0 }\n");
    for level in 0..40 {
        doc.push_str(&format!("fragment F{level} on Mutation {{ ...F{} }}\n", level + 1));
    }
    doc.push_str("fragment F40 on Mutation { volumeDelete }");
    assert_eq!(undecodable(from_document(&doc, None, None)), "fragments nested deeper than 32");
}

#[test]
fn directives_do_not_hide_fields() {
    let doc = r#"mutation { volumeDelete(volumeId: "v") @skip(if: true) ...F @include(if: false)
                 ... @skip(if: true) { projectDelete } } fragment F on Mutation { serviceDelete }"#;
    assert_eq!(
        root_fields(&from_document(doc, None, None)),
        ["Mutation volumeDelete", "Mutation serviceDelete", "Mutation projectDelete"]
    );
}

#[test]
fn several_operations_without_a_name_are_all_judged() {
    let doc = "query Look { volumes { id } } mutation Wipe { volumeDelete(volumeId: \"v\") }";
    assert_eq!(root_fields(&from_document(doc, None, None)), ["Query volumes", "Mutation volumeDelete"]);
    // `"operationName": ""` is no name at all.
    assert_eq!(root_fields(&from_document(doc, None, Some(""))), ["Query volumes", "Mutation volumeDelete"]);
}

#[test]
fn operation_name_selects_one_operation() {
    let doc = "query Look { volumes { id } } mutation Wipe { volumeDelete(volumeId: \"v\") }";
    assert_eq!(root_fields(&from_document(doc, None, Some("Look"))), ["Query volumes"]);
    assert_eq!(root_fields(&from_document(doc, None, Some("Wipe"))), ["Mutation volumeDelete"]);
}

#[test]
fn unknown_operation_name_is_undecodable() {
    let doc = "query Look { volumes { id } } mutation Wipe { volumeDelete }";
    assert_eq!(undecodable(from_document(doc, None, Some("wipe"))), "no operation named `wipe` in the document");
    assert_eq!(
        undecodable(from_document("mutation { volumeDelete }", None, Some("Look"))),
        "no operation named `Look` in the document"
    );
}

#[test]
fn ambiguous_documents_are_undecodable() {
    let cases = [
        ("mutation A { a } mutation A { volumeDelete }", "operation `A` is defined twice"),
        ("mutation { ...F } fragment F on M { a } fragment F on M { b }", "fragment `F` is defined twice"),
        ("mutation { ...Missing }", "unknown fragment `Missing`"),
        ("fragment F on Mutation { volumeDelete }", "the GraphQL document has no operation"),
        (
            "type Mutation { volumeDelete: Boolean } mutation { a }",
            "the document contains a schema definition (ObjectTypeDefinition)",
        ),
        (
            "mutation { volumeDelete(volumeId: \"a\", volumeId: \"b\") }",
            "argument `volumeId` of `volumeDelete` is given twice",
        ),
        ("mutation { a(input: {id: 1, id: 2}) }", "input field `id` is given twice"),
    ];
    for (doc, reason) in cases {
        assert_eq!(undecodable(from_document(doc, None, None)), reason, "{doc}");
    }
}

#[test]
fn syntax_errors_are_undecodable_never_a_prefix() {
    let reason = undecodable(from_document(r#"mutation { volumeDelete(volumeId: "v1")"#, None, None));
    assert!(reason.starts_with("GraphQL syntax error at byte"), "{reason}");
    for doc in
        ["mutation { a } }", "mutation { a(x: \"\\q\") }", "Mutation { volumeDelete }", "query { a } garbage", ""]
    {
        assert!(matches!(from_document(doc, None, None), Verdict::Undecodable(_)), "{doc:?}");
    }
    let only_comment = undecodable(from_document("# mutation { volumeDelete }", None, None));
    assert!(only_comment.starts_with("GraphQL syntax error"), "{only_comment}");
    // apollo-parser refuses a variable in a default value itself.
    let default = undecodable(from_document("mutation ($a: ID = $b) { a(x: $a) }", None, None));
    assert!(default.starts_with("GraphQL syntax error"), "{default}");
}

#[test]
fn nesting_and_size_are_bounded() {
    let deep = format!("mutation {{ a(x: {}1{}) }}", "[".repeat(300), "]".repeat(300));
    assert!(undecodable(from_document(&deep, None, None)).starts_with("GraphQL syntax error"));
    let deep_selection = format!("query {}{}", "{ a ".repeat(300), "}".repeat(300));
    assert!(undecodable(from_document(&deep_selection, None, None)).starts_with("GraphQL syntax error"));
    let big = format!("mutation {{ a(x: \"{}\") }}", "x".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(undecodable(from_document(&big, None, None)), "GraphQL document larger than 1 MiB");
}

// ---- look-alikes that must stay harmless ----

#[test]
fn look_alikes_are_not_mutations() {
    let cases = [
        ("query volumeDelete { volumes { id } }", vec!["Query volumes"]),
        ("query { volumeDelete: volumes { id } }", vec!["Query volumes"]),
        ("query { ...volumeDelete } fragment volumeDelete on Query { me { id } }", vec!["Query me"]),
        ("# mutation { volumeDelete }\nquery { me { id } }", vec!["Query me"]),
        (r#"query { search(text: "mutation { volumeDelete(volumeId: 1) }") }"#, vec!["Query search"]),
        ("query { search(text: \"\"\"mutation {\n volumeDelete }\"\"\") }", vec!["Query search"]),
        ("subscription { volumeDelete }", vec!["Subscription volumeDelete"]),
        ("query { volumeDelete }", vec!["Query volumeDelete"]),
        ("{ __schema { types { name } } __typename }", vec!["Query __schema", "Query __typename"]),
    ];
    for (doc, expected) in cases {
        assert_eq!(root_fields(&from_document(doc, None, None)), expected, "{doc}");
    }
}

#[test]
fn names_are_case_sensitive_and_separators_ignored() {
    let doc = "mutation,{ # first\n VolumeDelete , \n volumeDelete\t(volumeId:\"v\",,) }";
    assert_eq!(root_fields(&from_document(doc, None, None)), ["Mutation VolumeDelete", "Mutation volumeDelete"]);
}

// ---- arguments and variables ----

#[test]
fn literal_arguments_become_json() {
    let doc = r#"mutation { f(i: -7, big: 18446744073709551615, huge: 1e999, fl: 2.5, s: "a\"\u00e9", b: true,
                   n: null, e: PRODUCTION, l: [1, "two", [false]], o: {k: {deep: ENUM}},
                   block: """
                       line one
                         line two
                   """) }"#;
    let Verdict::Operations(ops) = from_document(doc, None, None) else { panic!() };
    let expected = json!({
        "i": -7, "big": 18446744073709551615u64, "huge": "1e999", "fl": 2.5, "s": "a\"é", "b": true,
        "n": null, "e": "PRODUCTION", "l": [1, "two", [false]], "o": {"k": {"deep": "ENUM"}},
        "block": "line one\n  line two"
    });
    assert_eq!(ops[0].fields[0].args, expected);
}

#[test]
fn variables_are_substituted_with_defaults() {
    let doc = r#"mutation Wipe($id: String!, $force: Boolean = true, $env: String = "staging", $gone: ID, $n: Int = 3) {
                   volumeDelete(volumeId: $id, force: $force, env: $env, other: $gone, nested: {ids: [$id, $n]})
                 }"#;
    let variables = json!({"id": "vol-1", "env": null});
    let Verdict::Operations(ops) = from_document(doc, Some(&variables), None) else { panic!() };
    // Supplied wins (even null); else the default; else null.
    let expected =
        json!({"volumeId": "vol-1", "force": true, "env": null, "other": null, "nested": {"ids": ["vol-1", 3]}});
    assert_eq!(ops[0].fields, vec![field("volumeDelete", None, expected)]);
}

#[test]
fn variables_reach_fields_inside_fragments() {
    let doc = "mutation ($id: ID) { ...F } fragment F on Mutation { volumeDelete(volumeId: $id) }";
    let Verdict::Operations(ops) = from_document(doc, Some(&json!({"id": "v9"})), None) else { panic!() };
    assert_eq!(ops[0].fields[0].args, json!({"volumeId": "v9"}));
}

#[test]
fn variables_must_be_an_object() {
    assert_eq!(undecodable(from_document("{ a }", Some(&json!([1])), None)), "`variables` is not a JSON object");
    assert!(matches!(from_document("{ a }", Some(&Value::Null), None), Verdict::Operations(_)));
}

#[test]
fn a_large_variable_used_many_times_is_bounded() {
    let big: Vec<u32> = (0..200_000).collect();
    let fields: String = (0..10).map(|i| format!("f{i}: volumeDelete(x: $big) ")).collect();
    let doc = format!("mutation ($big: [Int]) {{ {fields} }}");
    let reason = undecodable(from_document(&doc, Some(&json!({ "big": big })), None));
    assert_eq!(reason, "the arguments expand to more than 1048576 JSON values (repeated variables?)");
    // Used once, the same variable is fine.
    let once = "mutation ($big: [Int]) { volumeDelete(x: $big) }";
    assert!(matches!(from_document(once, Some(&json!({ "big": big })), None), Verdict::Operations(_)));
}

// ---- request bodies ----

#[test]
fn json_body_with_variables_and_operation_name() {
    let body = r#"{"query": "query A { me { id } } mutation B($v: ID!) { volumeDelete(volumeId: $v) }",
                   "variables": {"v": "vol-7"}, "operationName": "B"}"#;
    let Verdict::Operations(ops) = json_body(body) else { panic!() };
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].kind, OperationType::Mutation);
    assert_eq!(ops[0].fields, vec![field("volumeDelete", None, json!({"volumeId": "vol-7"}))]);
}

#[test]
fn batch_judges_every_element() {
    let body = r#"[{"query": "{ me { id } }"}, {"query": "mutation { x: volumeDelete(volumeId: \"v\") }"}]"#;
    assert_eq!(root_fields(&json_body(body)), ["Query me", "Mutation volumeDelete"]);
    let bad = r#"[{"query": "{ me { id } }"}, {"query": "mutation { volumeDelete("}]"#;
    assert!(undecodable(json_body(bad)).starts_with("batch element 1: GraphQL syntax error"));
    assert_eq!(undecodable(json_body(r#"[{"query": "{a}"}, "mutation"]"#)), "batch element 1 is not a JSON object");
}

#[test]
fn json_unicode_escapes_are_decoded_before_parsing() {
    let body = r#"{"query": "\u006dutation { \u0076olumeDelete(volumeId: \"v\") }"}"#;
    assert_eq!(root_fields(&json_body(body)), ["Mutation volumeDelete"]);
    let escaped_key = r#"{"\u0071uery": "mutation { volumeDelete }"}"#;
    assert_eq!(root_fields(&json_body(escaped_key)), ["Mutation volumeDelete"]);
}

#[test]
fn a_querys_variables_are_checked_but_not_built() {
    // what only a mutation would read does not decide anything for a query
    let rows: Vec<String> = (0..20_000).map(|i| format!(r#"{{"name": "svc-{i}", "name": "dup"}}"#)).collect();
    let body = format!(
        r#"{{"query": "query Q($rows: [Row!]!) {{ me {{ id }} }}", "variables": {{"rows": [{}]}}}}"#,
        rows.join(",")
    );
    assert!(body.len() > 512 << 10);
    assert_eq!(root_fields(&json_body(&body)), ["Query me"]);
    // the same variables with a mutation are read in full, and refused
    let mutation = body.replace("query Q", "mutation Q").replace("me { id }", "volumeDelete(volumeId: \\\"v\\\")");
    assert_eq!(json_body(&mutation), Verdict::Undecodable("duplicate JSON key `name`".into()));
    // a top-level duplicate is refused either way
    let dup = r#"{"query": "{ me { id } }", "variables": {}, "variables": {"a": 1}}"#;
    assert_eq!(json_body(dup), Verdict::Undecodable("duplicate JSON key `variables`".into()));
}

#[test]
fn duplicate_json_keys_are_undecodable() {
    let body = r#"{"query": "{ me { id } }", "query": "mutation { volumeDelete(volumeId: \"v\") }"}"#;
    assert_eq!(json_body(body), Verdict::Undecodable("duplicate JSON key `query`".into()));
    let nested = r#"{"query": "mutation($i: ID) { volumeDelete(volumeId: $i) }", "variables": {"i": "a", "i": "b"}}"#;
    assert_eq!(json_body(nested), Verdict::Undecodable("duplicate JSON key `i`".into()));
    let escaped = r#"{"operationName": "A", "operation\u004eame": "B", "query": "query A { a } mutation B { b }"}"#;
    assert_eq!(json_body(escaped), Verdict::Undecodable("duplicate JSON key `operationName`".into()));
}

#[test]
fn persisted_query_is_undecodable() {
    let body = r#"{"operationName": "Wipe", "variables": {"id": "v"},
                   "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "5a3c"}}}"#;
    assert_eq!(json_body(body), Verdict::Undecodable("persisted query: the document is not in the request".into()));
    // Registering a persisted query sends the text too: that text is judged.
    let with_text = r#"{"query": "mutation { volumeDelete }", "extensions": {"persistedQuery": {"version": 1}}}"#;
    assert_eq!(root_fields(&json_body(with_text)), ["Mutation volumeDelete"]);
}

#[test]
fn application_graphql_body_is_the_document() {
    let body = b"mutation {\n  volumeDelete(volumeId: \"v\")\n}";
    assert_eq!(root_fields(&from_body(body, Some("application/graphql; charset=utf-8"))), ["Mutation volumeDelete"]);
    let broken = from_body(b"{ me { id }", Some("application/graphql"));
    assert!(undecodable(broken).starts_with("GraphQL syntax error"));
    // A JSON request labelled as GraphQL is still read as JSON.
    let json_labelled = from_body(br#"{"query": "mutation { volumeDelete }"}"#, Some("application/graphql"));
    assert_eq!(root_fields(&json_labelled), ["Mutation volumeDelete"]);
}

#[test]
fn form_encoded_body() {
    let body = b"query=mutation+%7B+volumeDelete%28volumeId%3A+%22v%22%29+%7D&operationName=";
    assert_eq!(root_fields(&from_body(body, FORM)), ["Mutation volumeDelete"]);
    assert_eq!(from_body(b"name=volumeDelete&page=2", FORM), Verdict::NotGraphql);
}

#[test]
fn json_sent_as_a_form_is_judged_both_ways() {
    // `curl -d '{"query": …}'` labels JSON as a form: it is read as JSON…
    let body = br#"{"query": "mutation { volumeDelete(volumeId: \"v\") }"}"#;
    assert_eq!(root_fields(&from_body(body, FORM)), ["Mutation volumeDelete"]);
    // …and as a form, for a server that trusts the label.
    let smuggled = br#"{"query": "{ me { id } }", "x": "&query=mutation{volumeDelete(volumeId:1)}#"}"#;
    assert_eq!(root_fields(&from_body(smuggled, FORM)), ["Query me", "Mutation volumeDelete"]);
}

#[test]
fn bare_document_without_graphql_content_type() {
    let body = b"mutation { volumeDelete(volumeId: \"v\") }";
    assert_eq!(root_fields(&from_body(body, FORM)), ["Mutation volumeDelete"]);
    assert_eq!(root_fields(&from_body(body, None)), ["Mutation volumeDelete"]);
    // A broken document that declares a mutation is not waved through as text.
    assert!(matches!(from_body(b"mutation { volumeDelete(", Some("text/plain")), Verdict::Undecodable(_)));
    // A JSON label on a shorthand query: the document is what could run.
    assert_eq!(root_fields(&from_body(b"{ me { id } }", JSON)), ["Query me"]);
}

#[test]
fn bodies_that_are_not_graphql() {
    let cases: [(&[u8], Option<&str>); 6] = [
        (b"", None),
        (b"hello world", Some("text/plain")),
        (br#"{"name": "volumeDelete", "force": true}"#, JSON),
        (b"[1, 2, 3]", Some("text/plain")),
        (b"\xff\xfe binary", Some("application/octet-stream")),
        (
            b"--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata\r\n--b--",
            Some("multipart/form-data; boundary=b"),
        ),
    ];
    for (body, content_type) in cases {
        let expected = if body.starts_with(b"[") {
            Verdict::Undecodable("batch element 0 is not a JSON object".into())
        } else {
            Verdict::NotGraphql
        };
        assert_eq!(from_body(body, content_type), expected, "{:?}", String::from_utf8_lossy(body));
    }
}

#[test]
fn only_text_that_can_start_a_document_is_parsed_as_one() {
    for text in
        ["{ a }", "  ,\n# c\r\nquery", "mutation{", "subscription", "fragment F", "\"\"\"d\"\"\" query", "\u{FEFF}{"]
    {
        assert!(may_be_executable_document(text), "{text:?}");
    }
    for text in ["", "# mutation { volumeDelete }", "queryx", "Mutation { a }", "type Query", "a=b", "[1]", "hello"] {
        assert!(!may_be_executable_document(text), "{text:?}");
    }
}

#[test]
fn large_text_that_is_not_graphql() {
    let text = "mutation? no: just prose about volumeDelete. ".repeat(50_000);
    assert!(matches!(from_body(text.as_bytes(), Some("text/plain")), Verdict::Undecodable(_)));
    let prose = "Notes about volumeDelete and mutation { }. ".repeat(50_000);
    assert_eq!(from_body(prose.as_bytes(), Some("text/plain")), Verdict::NotGraphql);
}

#[test]
fn unreadable_bodies_are_undecodable() {
    let truncated = br#"{"query": "mutation { volumeDelete(volumeId: \"v\") }""#;
    assert!(undecodable(from_body(truncated, JSON)).starts_with("invalid JSON"));
    assert!(undecodable(from_body(truncated, None)).starts_with("invalid JSON"));
    assert!(undecodable(from_body(b"query=mutation{volumeDelete}", JSON)).starts_with("invalid JSON"));
    let upload = b"--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--b--";
    assert_eq!(
        from_body(upload, Some("multipart/form-data; boundary=b")),
        Verdict::Undecodable("multipart/form-data GraphQL requests are not inspected".into())
    );
    assert_eq!(
        from_body(b"\xff{ a }", Some("application/graphql")),
        Verdict::Undecodable("GraphQL body is not UTF-8".into())
    );
}

#[test]
fn byte_order_mark_is_skipped() {
    let body = "\u{FEFF}{\"query\": \"mutation { volumeDelete }\"}";
    assert_eq!(root_fields(&json_body(body)), ["Mutation volumeDelete"]);
}

#[test]
fn deep_json_nesting_is_undecodable() {
    let deep = format!(r#"{{"query": "{{ a }}", "variables": {{"v": {}1{}}}}}"#, "[".repeat(200), "]".repeat(200));
    assert_eq!(json_body(&deep), Verdict::Undecodable("JSON nested deeper than 128 levels".into()));
    let fine = format!(r#"{{"query": "{{ a }}", "variables": {{"v": {}1{}}}}}"#, "[".repeat(100), "]".repeat(100));
    assert_eq!(root_fields(&json_body(&fine)), ["Query a"]);
}

#[test]
fn one_mebibyte_of_variables() {
    let padding: Vec<String> = (0..30_000).map(|i| format!("value number {i:>30}")).collect();
    let body = serde_json::to_string(&json!({
        "query": "mutation ($id: ID!, $pad: [String]) { volumeDelete(volumeId: $id) }",
        "variables": {"id": "vol-1", "pad": padding},
    }))
    .unwrap();
    assert!(body.len() > 1 << 20);
    let Verdict::Operations(ops) = json_body(&body) else { panic!() };
    assert_eq!(ops[0].fields, vec![field("volumeDelete", None, json!({"volumeId": "vol-1"}))]);
}

#[test]
fn oversized_bodies_and_documents_are_undecodable() {
    let document = format!(r#"{{"query": "{{ a(x: \"{}\") }}"}}"#, "x".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(json_body(&document), Verdict::Undecodable("GraphQL document larger than 1 MiB".into()));
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(from_body(&body, JSON), Verdict::Undecodable("request body larger than 8 MiB".into()));
}

// ---- URL query strings ----

#[test]
fn get_query_string_with_percent_encoding() {
    let query = "query=%6Dutation%20W(%24id%3AID)%7Bx%3AvolumeDelete(volumeId%3A%24id)%7D\
                 &variables=%7B%22id%22%3A%22vol-3%22%7D&operationName=W";
    let Verdict::Operations(ops) = from_query_string(query) else { panic!() };
    assert_eq!(ops[0].kind, OperationType::Mutation);
    assert_eq!(ops[0].fields, vec![field("volumeDelete", Some("x"), json!({"volumeId": "vol-3"}))]);
    assert_eq!(root_fields(&from_query_string("?query={+me+{+id+}+}")), ["Query me"]);
}

#[test]
fn query_string_edge_cases() {
    assert_eq!(from_query_string("page=2&q=volumeDelete"), Verdict::NotGraphql);
    assert_eq!(
        from_query_string("query=%7Bme%7D&query=mutation%7BvolumeDelete%7D"),
        Verdict::Undecodable("query string: duplicate `query` parameter".into())
    );
    assert_eq!(
        from_query_string("query=mutation{volumeDelete}&operationName=Other"),
        Verdict::Undecodable("no operation named `Other` in the document".into())
    );
    assert!(undecodable(from_query_string("query=mutation%7BvolumeDelete")).starts_with("GraphQL syntax error"));
}
