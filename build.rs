//! Validates the built-in rule packs and compiles them into the binary.
//!
//! A pack that does not parse or validate fails the build with `file: rule: problem`,
//! so a broken built-in policy can never ship. Each valid pack is emitted as Rust
//! `static` data (see `Lit` below), so the hot path loads a pack without parsing or
//! allocating anything; an index maps each executable name to the packs it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

#[allow(dead_code)]
mod rules {
    #[path = "../src/rules/schema.rs"]
    pub mod schema;
    #[path = "../src/rules/validate.rs"]
    pub mod validate;
}

use rules::schema::*;
use rules::validate::{line_of_rule, operations_of, validate_pack};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    println!("cargo:rerun-if-changed=src/rules/validate.rs");
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ directory")
        .map(|e| e.expect("readable rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();

    let mut packs: Vec<(String, PackFile)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{shown}: {e}"));
        match serde_yaml::from_str::<PackFile>(&text) {
            Ok(mut pack) => {
                for rule in pack.rules.to_mut().iter_mut() {
                    rule.source = format!("{shown}:{}", line_of_rule(&text, &rule.id)).into();
                }
                packs.push((shown, pack));
            }
            Err(e) => problems.push(format!("{shown}: {e}")),
        }
    }

    let known: BTreeSet<String> = packs.iter().flat_map(|(_, p)| operations_of(p)).collect();
    for (file, pack) in &packs {
        problems.extend(validate_pack(file, pack, &known).iter().map(|p| p.to_string()));
    }
    problems.extend(cross_pack_problems(&packs));
    if !problems.is_empty() {
        panic!("invalid built-in rule packs:\n  {}", problems.join("\n  "));
    }

    let mut out = String::from("pub static PACKS: &[EmbeddedPack] = &[\n");
    for (file, pack) in &packs {
        write!(out, "EmbeddedPack {{ file: {file:?}, spec: ").unwrap();
        pack.lit(&mut out);
        out.push_str(" },\n");
    }
    out.push_str(
        "];\n\n/// Executable name → packs to load, sorted by name.\npub static PROGRAMS: &[(&str, &[u16])] = &[\n",
    );
    for (name, list) in &program_index(&packs) {
        writeln!(out, "    ({name:?}, &{list:?}),").unwrap();
    }
    out.push_str("];\n\n/// Packs that describe an HTTP API (their `api:` hosts), for HTTP clients.\npub static API_PACKS: &[u16] = &");
    let apis: Vec<u16> =
        packs.iter().enumerate().filter(|(_, (_, p))| p.api.is_some()).map(|(i, _)| i as u16).collect();
    writeln!(out, "{apis:?};").unwrap();
    out.push_str(
        "\n/// Every operation a built-in pack declares or produces, sorted.\npub static OPERATIONS: &[&str] = &[\n",
    );
    for op in &known {
        writeln!(out, "    {op:?},").unwrap();
    }
    out.push_str("];\n\n/// Every built-in rule id, sorted.\npub static RULE_IDS: &[&str] = &[\n");
    let ids: BTreeSet<&str> = packs.iter().flat_map(|(_, p)| p.rules.iter().map(|r| &*r.id)).collect();
    for id in ids {
        writeln!(out, "    {id:?},").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("packs.rs");
    std::fs::write(dest, out).expect("write packs.rs");
}

/// The 1-based line of `id: <rule id>` in the pack's text.
fn cross_pack_problems(packs: &[(String, PackFile)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids: BTreeMap<String, &str> = BTreeMap::new();
    let mut programs: BTreeMap<String, &str> = BTreeMap::new();
    for (file, pack) in packs {
        if pack.extends.is_some() || !pack.exceptions.is_empty() {
            out.push(format!("{file}: `extends` and `exceptions` belong in the system, user or project layers"));
        }
        for rule in pack.rules.iter() {
            if let Some(other) = ids.insert(rule.id.to_string(), file) {
                out.push(format!("{file}: {}: rule id also used in {other}", rule.id));
            }
        }
        for (name, root) in pack.programs.iter() {
            for n in std::iter::once(name).chain(root.aliases.iter()) {
                if let Some(other) = programs.insert(n.to_string(), file) {
                    out.push(format!("{file}: programs.{name}: `{n}` is also covered by {other}"));
                }
            }
        }
    }
    out
}

/// For each executable name: its own pack, then every pack whose rules name an
/// operation its command tree produces.
fn program_index(packs: &[(String, PackFile)]) -> BTreeMap<String, Vec<u16>> {
    fn produced(node: &NodeSpec, out: &mut BTreeSet<String>) {
        out.extend(node.operation.iter().map(|o| o.to_string()));
        for c in node.subcommands.values() {
            produced(c, out);
        }
    }
    fn named(c: &Condition, out: &mut BTreeSet<String>) {
        out.extend(c.operation.iter().map(|o| o.to_string()));
        for s in c.all.iter().chain(c.any.iter()) {
            named(s, out);
        }
    }
    let rule_ops: Vec<BTreeSet<String>> = packs
        .iter()
        .map(|(_, p)| {
            let mut s = BTreeSet::new();
            for r in p.rules.iter() {
                named(&r.when, &mut s);
            }
            s
        })
        .collect();
    fn sends_http(node: &NodeSpec) -> bool {
        node.inspector.as_deref() == Some("http") || node.subcommands.values().any(sends_http)
    }
    // the same list as `inspect::sql::INSPECTORS`
    const SQL_INSPECTORS: &[&str] =
        &["psql", "mysql", "sqlite3", "duckdb", "litecli", "mongosh", "redis-cli", "clickhouse", "sqlcmd", "cqlsh"];
    fn sends_sql(node: &NodeSpec) -> bool {
        node.inspector.as_deref().is_some_and(|i| SQL_INSPECTORS.contains(&i))
            || node.subcommands.values().any(sends_sql)
    }
    fn names_sql(c: &Condition) -> bool {
        !c.sql.is_empty() || c.all.iter().chain(c.any.iter()).any(names_sql)
    }
    let sql_rules: Vec<bool> = packs.iter().map(|(_, p)| p.rules.iter().any(|r| names_sql(&r.when))).collect();
    let mut index = BTreeMap::new();
    for (i, (_, pack)) in packs.iter().enumerate() {
        for (name, root) in pack.programs.iter() {
            let mut ops = BTreeSet::new();
            produced(root, &mut ops);
            let mut list = vec![i as u16];
            for (j, (_, other)) in packs.iter().enumerate() {
                // an HTTP client can reach every API a pack describes; whatever sends
                // SQL is judged by every pack's statement rules
                let reaches = !rule_ops[j].is_disjoint(&ops)
                    || (sends_http(root) && other.api.is_some())
                    || (sends_sql(root) && sql_rules[j]);
                if j != i && reaches {
                    list.push(j as u16);
                }
            }
            for n in std::iter::once(name).chain(root.aliases.iter()) {
                index.insert(n.to_string(), list.clone());
            }
        }
    }
    index
}

/// Writes a value as a Rust expression that builds it in static data.
trait Lit {
    fn lit(&self, out: &mut String);
}

impl Lit for Text {
    fn lit(&self, out: &mut String) {
        write!(out, "Cow::Borrowed({:?})", &**self).unwrap();
    }
}

impl Lit for bool {
    fn lit(&self, out: &mut String) {
        write!(out, "{self}").unwrap();
    }
}

impl Lit for char {
    fn lit(&self, out: &mut String) {
        write!(out, "{self:?}").unwrap();
    }
}

impl Lit for usize {
    fn lit(&self, out: &mut String) {
        write!(out, "{self}").unwrap();
    }
}

impl Lit for u32 {
    fn lit(&self, out: &mut String) {
        write!(out, "{self}").unwrap();
    }
}

impl<T: Lit> Lit for Option<T> {
    fn lit(&self, out: &mut String) {
        match self {
            None => out.push_str("None"),
            Some(v) => {
                out.push_str("Some(");
                v.lit(out);
                out.push(')');
            }
        }
    }
}

impl<T: Lit + Clone> Lit for List<T> {
    fn lit(&self, out: &mut String) {
        out.push_str("Cow::Borrowed(&[");
        for item in self.iter() {
            item.lit(out);
            out.push(',');
        }
        out.push_str("])");
    }
}

impl<T: Lit + Clone> Lit for (Text, T) {
    fn lit(&self, out: &mut String) {
        out.push('(');
        self.0.lit(out);
        out.push(',');
        self.1.lit(out);
        out.push(')');
    }
}

impl<T: Lit + Clone + 'static> Lit for Named<T> {
    fn lit(&self, out: &mut String) {
        out.push_str("Named(");
        self.0.lit(out);
        out.push(')');
    }
}

/// `Struct { field: value, … }` from a list of fields.
macro_rules! lit_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Lit for $ty {
            fn lit(&self, out: &mut String) {
                out.push_str(concat!(stringify!($ty), " {"));
                $(
                    out.push_str(concat!(stringify!($field), ": "));
                    self.$field.lit(out);
                    out.push(',');
                )*
                out.push('}');
            }
        }
    };
}

/// `Enum::Variant` for field-less enums.
macro_rules! lit_enum {
    ($ty:ident { $($variant:ident),* $(,)? }) => {
        impl Lit for $ty {
            fn lit(&self, out: &mut String) {
                out.push_str(match self { $($ty::$variant => concat!(stringify!($ty), "::", stringify!($variant)),)* });
            }
        }
    };
}

lit_enum!(UnknownPolicy { Confirm, Allow });
lit_enum!(Class { Destroy, Safe });
lit_enum!(ValueKind { None, Required, Optional });
lit_enum!(Severity { Low, Medium, High, Critical });
lit_enum!(RuleDecision { Confirm, Deny });
lit_struct!(PackFile {
    schema,
    operations,
    pack,
    summary,
    unknown,
    packages,
    images,
    target_env,
    api,
    programs,
    rules,
    extends,
    exceptions
});
lit_struct!(ExceptionSpec { rule, reason, when, source });
lit_struct!(ApiSpec { service, hosts });
lit_struct!(Syntax { bundling, long_equals, long_prefixes, permute, single_dash_long, raw });
lit_struct!(NodeSpec {
    syntax,
    aliases,
    class,
    operation,
    options,
    subcommands,
    unknown,
    trailing_command,
    trailing_after,
    inspector,
    runs,
    open,
    file_refs
});
lit_struct!(OpenPath { depth, safe });
lit_struct!(Runs {
    argv_at,
    dashdash,
    skip_assignments,
    shell_option,
    shell_in_value,
    shell_words_at,
    stdin_script,
    script_file,
    args_from_stdin,
    argv_option,
    noexec_option,
    package,
    remote,
    image,
    entrypoint_option,
    code,
    via,
    select,
    hosts_option
});
lit_struct!(Select { option, operand, default, shell, script, raw_option, keyword });
lit_struct!(Code {
    language,
    options,
    file_options,
    operand,
    module_option,
    script_option,
    script,
    stdin,
    sandbox_option
});
lit_struct!(OptionSpec { name, short, long, value, negatable, multiple, global, changes_dir, inert, header, ends });
lit_struct!(RuleSpec { id, reason, severity, decision, program, when, unless, confirm, allow, source });
lit_struct!(Condition {
    command,
    command_matches,
    operation,
    operation_matches,
    option,
    option_value,
    operand,
    operand_count,
    word,
    sequence,
    argv,
    method,
    host,
    path,
    sql,
    args,
    all,
    any,
    not
});
lit_struct!(ArgPredicate { key, equals, has_null });
lit_struct!(Bounds { min, max });
lit_struct!(TextPredicate { matches, not_matches, after_dashdash, exists, at });
