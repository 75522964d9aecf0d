//! Validates the built-in rule packs and embeds them.
//!
//! A pack that does not parse or validate fails the build with `file: rule: problem`,
//! so a broken built-in policy can never ship. Each pack is embedded as compact JSON,
//! with an index from executable name to the packs an invocation of it needs.

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

use rules::schema::{NodeSpec, PackFile};
use rules::validate::{operations_of, validate_pack};

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
                for rule in &mut pack.rules {
                    rule.source = format!("{shown}:{}", line_of_rule(&text, &rule.id));
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

    let index = program_index(&packs);
    let mut out = String::from("pub static PACKS: &[EmbeddedPack] = &[\n");
    for (file, pack) in &packs {
        let json = serde_json::to_string(pack).expect("pack serializes");
        writeln!(out, "    EmbeddedPack {{ file: {file:?}, name: {:?}, json: {json:?} }},", pack.pack).unwrap();
    }
    out.push_str(
        "];\n\n/// Executable name → packs to load, sorted by name.\npub static PROGRAMS: &[(&str, &[u16])] = &[\n",
    );
    for (name, list) in &index {
        writeln!(out, "    ({name:?}, &{list:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("packs.rs");
    std::fs::write(dest, out).expect("write packs.rs");
}

/// The 1-based line of `id: <rule id>` in the pack's text.
fn line_of_rule(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix("id:").is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == id)
        })
        .map_or(0, |i| i + 1)
}

fn cross_pack_problems(packs: &[(String, PackFile)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    let mut programs: BTreeMap<String, &str> = BTreeMap::new();
    for (file, pack) in packs {
        for rule in &pack.rules {
            if let Some(other) = ids.insert(&rule.id, file) {
                out.push(format!("{file}: {}: rule id also used in {other}", rule.id));
            }
        }
        for (name, root) in &pack.programs {
            for n in std::iter::once(name).chain(root.aliases.iter()) {
                if let Some(other) = programs.insert(n.clone(), file) {
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
        out.extend(node.operation.iter().cloned());
        for c in node.subcommands.values() {
            produced(c, out);
        }
    }
    fn named(c: &rules::schema::Condition, out: &mut BTreeSet<String>) {
        out.extend(c.operation.iter().cloned());
        for s in c.all.iter().chain(c.any.iter()) {
            named(s, out);
        }
    }
    let rule_ops: Vec<BTreeSet<String>> = packs
        .iter()
        .map(|(_, p)| {
            let mut s = BTreeSet::new();
            for r in &p.rules {
                named(&r.when, &mut s);
            }
            s
        })
        .collect();
    let mut index = BTreeMap::new();
    for (i, (_, pack)) in packs.iter().enumerate() {
        for (name, root) in &pack.programs {
            let mut ops = BTreeSet::new();
            produced(root, &mut ops);
            let mut list = vec![i as u16];
            for (j, named_ops) in rule_ops.iter().enumerate() {
                if j != i && !named_ops.is_disjoint(&ops) {
                    list.push(j as u16);
                }
            }
            for n in std::iter::once(name).chain(root.aliases.iter()) {
                index.insert(n.clone(), list.clone());
            }
        }
    }
    index
}
