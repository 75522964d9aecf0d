//! Semantic checks on parsed packs: what serde cannot see.
//!
//! Shared by `build.rs` (a bad built-in pack fails the build, naming file and rule) and
//! by guard at run time (`guard rules lint`, and later the user/project layers). Every
//! problem is collected, so one run shows them all.

use super::schema::{
    Condition, NodeSpec, PackFile, RuleSpec, SCHEMA_VERSION, TextPredicate, ValueKind, is_command_word,
};
use std::collections::{BTreeSet, HashMap};

/// Rule patterns are written by people (and, in agent-writable layers, possibly by the
/// agent): bound their size so matching stays cheap.
pub const MAX_PATTERN_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// The rule id, or `programs.<name>` for grammar problems.
    pub place: String,
    /// Stable problem code (`bad-pattern`, `unknown-option`…) for `guard rules lint`.
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.place, self.message)
        }
    }
}

/// The 1-based line where the rule with this id starts (`- id: …`), 0 if not found.
pub fn line_of_rule(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix("id:").is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == id)
        })
        .map_or(0, |i| i + 1)
}

/// Checks one pack on its own. `known_operations` lists every operation any pack
/// declares or produces (operation conditions must name one of them).
pub fn validate_pack(file: &str, pack: &PackFile, known_operations: &BTreeSet<String>) -> Vec<Problem> {
    validate_pack_with(file, pack, None, known_operations)
}

/// Like [`validate_pack`], for a layer file whose rules are about another pack's
/// programs (`extends:`): `grammar` is that pack, and its grammar is not checked again.
pub fn validate_pack_with(
    file: &str,
    pack: &PackFile,
    grammar: Option<&PackFile>,
    known_operations: &BTreeSet<String>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |place: &str, code: &'static str, message: String| {
        out.push(Problem { file: file.to_string(), place: place.to_string(), code, message })
    };
    if pack.schema != SCHEMA_VERSION {
        push("", "schema", format!("unsupported schema version {} (this guard reads {SCHEMA_VERSION})", pack.schema));
    }
    if pack.pack.is_empty() || !pack.pack.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        push("", "schema", format!("pack name `{}` must be non-empty ASCII letters, digits, `-` or `_`", pack.pack));
    }
    if pack.summary.trim().is_empty() {
        push("", "schema", "summary is empty".into());
    }
    for (name, root) in pack.programs.iter() {
        let place = format!("programs.{name}");
        check_node(root, &place, true, &mut Vec::new(), &mut push);
    }
    let mut seen = BTreeSet::new();
    for rule in pack.rules.iter() {
        if !seen.insert(&*rule.id) {
            push(&rule.id, "duplicate-rule", "duplicate rule id".into());
        }
        check_rule(pack, grammar.unwrap_or(pack), rule, known_operations, &mut push);
    }
    out
}

fn check_node(
    node: &NodeSpec,
    place: &str,
    is_root: bool,
    inherited_globals: &mut Vec<String>,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    if node.syntax.is_some() && !is_root {
        push(place, "grammar", "`syntax` is only allowed on a program's root".into());
    }
    if let Some(open) = &node.open {
        if open.depth == Some(0) {
            push(place, "grammar", "`open.depth` must be at least 1".into());
        }
        if let Some(Err(e)) = open.safe.as_deref().map(check_pattern) {
            push(place, "bad-pattern", format!("`open.safe`: {e}"));
        }
    }
    if let Some(select) = node.runs.as_ref().and_then(|r| r.select.as_ref()) {
        for re in std::iter::once(&select.shell).chain(select.script.as_ref()) {
            if let Err(e) = check_pattern(re) {
                push(place, "bad-pattern", format!("`runs.select`: {e}"));
            }
        }
        if select.option.is_none() == select.operand.is_none() {
            push(place, "grammar", "`runs.select` names either an `option` or an `operand`".into());
        }
    }
    if node.file_refs.iter().any(|p| p.is_empty() || p.starts_with('-')) {
        push(place, "grammar", "`file_refs` prefixes must be non-empty and not start with `-`".into());
    }
    // an option may shadow an inherited global of the same spelling (cobra's local
    // flags do: `docker compose rm -f` is --force, not compose's --file); within one
    // node every spelling is unique
    let mut names: HashMap<String, ()> = HashMap::new();
    for opt in node.options.iter() {
        for s in opt.short.iter() {
            if names.insert(format!("-{s}"), ()).is_some() {
                push(place, "grammar", format!("option -{s} is defined twice"));
            }
        }
        for l in opt.long.iter() {
            if names.insert(format!("--{l}"), ()).is_some() {
                push(place, "grammar", format!("option --{l} is defined twice"));
            }
        }
        if opt.changes_dir && opt.value != ValueKind::Required {
            push(place, "grammar", format!("option {} changes directory but takes no required value", opt.name));
        }
    }
    let mut sub_names = BTreeSet::new();
    for (name, child) in node.subcommands.iter() {
        for n in std::iter::once(name).chain(child.aliases.iter()) {
            if n.is_empty() || n.starts_with('-') {
                push(place, "grammar", format!("subcommand name `{n}` is empty or starts with `-`"));
            }
            if !sub_names.insert(n.clone()) {
                push(place, "grammar", format!("subcommand name or alias `{n}` is used twice"));
            }
        }
    }
    let added: Vec<String> = node
        .options
        .iter()
        .filter(|o| o.global)
        .flat_map(|o| o.short.iter().map(|s| format!("-{s}")).chain(o.long.iter().map(|l| format!("--{l}"))))
        .collect();
    let before = inherited_globals.len();
    inherited_globals.extend(added);
    for (name, child) in node.subcommands.iter() {
        check_node(child, &format!("{place} {name}"), false, inherited_globals, push);
    }
    inherited_globals.truncate(before);
}

fn check_rule(
    pack: &PackFile,
    grammar: &PackFile,
    rule: &RuleSpec,
    known_operations: &BTreeSet<String>,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    let id: &str = &rule.id;
    if !id.starts_with(&format!("{}.", pack.pack)) {
        push(id, "schema", format!("rule id must start with the pack name `{}.`", pack.pack));
    }
    if rule.reason.trim().is_empty() || rule.reason.contains('\n') {
        push(id, "schema", "reason must be one non-empty line".into());
    }
    if rule.confirm.is_empty() {
        push(id, "missing-examples", "rule has no `confirm:` examples".into());
    }
    if rule.allow.is_empty() {
        push(id, "missing-examples", "rule has no `allow:` examples".into());
    }
    for p in rule.program.iter() {
        if !grammar.programs.contains_key(p) {
            push(id, "unknown-program", format!("`program: {p}` is not a program of this pack"));
        }
    }
    for example in rule.confirm.iter().chain(rule.allow.iter()) {
        if shell_split(example).is_none_or(|w| w.is_empty()) {
            push(id, "bad-example", format!("example `{example}` is not a valid command line"));
        }
    }
    let roots: Vec<&NodeSpec> = if rule.program.is_empty() {
        grammar.programs.values().collect()
    } else {
        rule.program.iter().filter_map(|p| grammar.programs.get(p)).collect()
    };
    let mut ctx = CondCheck { id, roots: &roots, known_operations, push };
    ctx.condition(&rule.when, &mut Vec::new());
    if let Some(unless) = &rule.unless {
        ctx.condition(unless, &mut Vec::new());
    }
}

struct CondCheck<'a, F: FnMut(&str, &'static str, String)> {
    id: &'a str,
    roots: &'a [&'a NodeSpec],
    known_operations: &'a BTreeSet<String>,
    push: &'a mut F,
}

impl<F: FnMut(&str, &'static str, String)> CondCheck<'_, F> {
    /// `commands` narrows option checks to the command paths an enclosing condition
    /// named, so `option: force` is checked against `push`'s options when it sits
    /// beside `command: push`.
    fn condition(&mut self, c: &Condition, commands: &mut Vec<String>) {
        let before = commands.len();
        for path in c.command.iter() {
            if !self.roots.iter().any(|root| resolve_path(root, path).is_some()) {
                (self.push)(
                    self.id,
                    "unknown-command",
                    format!("`command: {path}` names no command of this pack's programs"),
                );
            }
            commands.push(path.to_string());
        }
        for p in c.operation_matches.iter().chain(c.command_matches.iter()) {
            self.predicate(p, false);
        }
        for op in c.operation.iter() {
            if !self.known_operations.contains(&**op) {
                (self.push)(
                    self.id,
                    "unknown-operation",
                    format!("`operation: {op}` is not produced or declared by any pack"),
                );
            }
        }
        for name in c.option.iter() {
            self.option_exists(name, commands, false);
        }
        for (name, pred) in c.option_value.iter() {
            self.option_exists(name, commands, true);
            self.predicate(pred, false);
        }
        for pred in c.operand.iter() {
            self.predicate(pred, true);
        }
        for pred in c.word.iter().chain(c.argv.iter()).chain(c.sequence.iter()) {
            self.predicate(pred, false);
        }
        if let Some(b) = &c.operand_count
            && let (Some(min), Some(max)) = (b.min, b.max)
            && min > max
        {
            (self.push)(self.id, "schema", format!("operand_count min {min} > max {max}"));
        }
        for sub in c.all.iter().chain(c.any.iter()) {
            self.condition(sub, commands);
        }
        for n in c.not.iter() {
            self.condition(n, commands);
        }
        commands.truncate(before);
    }

    fn option_exists(&mut self, name: &str, commands: &[String], needs_value: bool) {
        let mut found = None;
        for root in self.roots {
            let nodes: Vec<Vec<&NodeSpec>> = if commands.is_empty() {
                all_chains(root)
            } else {
                commands.iter().filter_map(|p| resolve_path(root, p)).collect()
            };
            for chain in nodes {
                // an open node records any option by name
                if chain.last().is_some_and(|n| n.open.is_some()) {
                    found = found.or(Some(ValueKind::Optional));
                }
                // the node's own options and its ancestors' (a root option such as
                // `git -c` shapes every subcommand)
                for node in chain.iter() {
                    for o in node.options.iter() {
                        if o.name == name {
                            found = Some(o.value);
                        }
                    }
                }
            }
        }
        match found {
            None => (self.push)(
                self.id,
                "unknown-option",
                format!("option `{name}` is not defined for the commands this rule matches"),
            ),
            Some(ValueKind::None) if needs_value => (self.push)(
                self.id,
                "unknown-option",
                format!("option `{name}` takes no value; `option_value` cannot match it"),
            ),
            Some(_) => {}
        }
    }

    fn predicate(&mut self, p: &TextPredicate, operand: bool) {
        for re in p.matches.iter().chain(p.not_matches.iter()) {
            if let Err(e) = check_pattern(re) {
                (self.push)(self.id, "bad-pattern", e);
            }
        }
        if !operand && (p.after_dashdash.is_some() || p.exists.is_some() || p.at.is_some()) {
            (self.push)(self.id, "schema", "`after_dashdash`, `exists` and `at` only apply to `operand`".into());
        }
    }
}

/// Compiles a rule pattern the way the matcher will, with guard's size bound.
pub fn check_pattern(re: &str) -> Result<(), String> {
    if re.len() > MAX_PATTERN_LEN {
        return Err(format!("pattern longer than {MAX_PATTERN_LEN} bytes"));
    }
    regex_lite::RegexBuilder::new(re)
        .size_limit(1 << 20)
        .nest_limit(64)
        .build()
        .map(|_| ())
        .map_err(|e| format!("invalid pattern `{re}`: {}", e.to_string().replace('\n', " ")))
}

/// The chain of nodes from the root to `path` ("stash drop"), if it exists. A path
/// may go on below an open node with as many command words as its `open.depth`
/// allows; the chain then ends at the open node.
pub fn resolve_path<'a>(root: &'a NodeSpec, path: &str) -> Option<Vec<&'a NodeSpec>> {
    let mut chain = vec![root];
    let words: Vec<&str> = path.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let node = *chain.last().expect("non-empty");
        match node.subcommands.get(word) {
            Some(child) => chain.push(child),
            None => {
                let open = node.open.as_ref()?;
                let rest = &words[i..];
                let fits = open.depth.is_none_or(|d| rest.len() <= d);
                return (fits && rest.iter().all(|w| is_command_word(w))).then_some(chain);
            }
        }
    }
    Some(chain)
}

fn all_chains(root: &NodeSpec) -> Vec<Vec<&NodeSpec>> {
    let mut out = Vec::new();
    let mut stack = vec![vec![root]];
    while let Some(chain) = stack.pop() {
        for child in chain.last().expect("non-empty").subcommands.values() {
            let mut next = chain.clone();
            next.push(child);
            stack.push(next);
        }
        out.push(chain);
    }
    out
}

/// Every operation a pack produces (command-tree nodes) or declares.
pub fn operations_of(pack: &PackFile) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = pack.operations.iter().map(|o| o.to_string()).collect();
    fn walk(node: &NodeSpec, out: &mut BTreeSet<String>) {
        if let Some(op) = &node.operation {
            out.insert(op.to_string());
        }
        for child in node.subcommands.values() {
            walk(child, out);
        }
    }
    for root in pack.programs.values() {
        walk(root, &mut out);
    }
    out
}

/// POSIX-shell word splitting for examples (quotes and backslashes), without
/// depending on a crate so that build.rs can share this file.
pub fn shell_split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => cur.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            ch @ ('"' | '\\' | '$' | '`') => cur.push(ch),
                            '\n' => {}
                            ch => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                        },
                        ch => cur.push(ch),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next()? {
                    '\n' => {}
                    ch => cur.push(ch),
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_split_handles_quotes() {
        assert_eq!(
            shell_split(r#"git commit -m "a \"b\" c" 'd e' f\ g"#).unwrap(),
            vec!["git", "commit", "-m", r#"a "b" c"#, "d e", "f g"]
        );
        assert_eq!(shell_split("echo ''").unwrap(), vec!["echo", ""]);
        assert!(shell_split("echo 'open").is_none());
    }

    fn pack(yaml: &str) -> PackFile {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn finds_unknown_options_commands_and_bad_patterns() {
        let p = pack(
            r#"
schema: 1
pack: demo
summary: demo
programs:
  demo:
    class: safe
    subcommands:
      push:
        options: ["-f, --force"]
rules:
  - id: demo.one
    reason: r
    severity: high
    match: { command: pull, option: forse, operand: "(" }
    confirm: ["demo push -f"]
    allow: ["demo push"]
  - id: other.two
    reason: r
    severity: high
    match: { command: push, option: force }
  - id: demo.one
    reason: r
    severity: low
    match: { operation: nothing.here }
    confirm: ["x"]
    allow: ["'unterminated"]
"#,
        );
        let problems: Vec<String> =
            validate_pack("rules/demo.yaml", &p, &BTreeSet::new()).iter().map(|p| p.to_string()).collect();
        let expect = [
            "rules/demo.yaml: demo.one: `command: pull` names no command",
            "rules/demo.yaml: demo.one: option `forse` is not defined",
            "rules/demo.yaml: demo.one: invalid pattern `(`",
            "rules/demo.yaml: other.two: rule id must start with the pack name",
            "rules/demo.yaml: other.two: rule has no `confirm:` examples",
            "rules/demo.yaml: demo.one: duplicate rule id",
            "rules/demo.yaml: demo.one: `operation: nothing.here` is not produced",
            "rules/demo.yaml: demo.one: example `'unterminated` is not a valid command line",
        ];
        for e in expect {
            assert!(problems.iter().any(|p| p.starts_with(e)), "missing {e:?} in {problems:#?}");
        }
    }

    #[test]
    fn open_nodes_accept_their_paths_and_any_option() {
        let p = pack(
            r#"
schema: 1
pack: demo
summary: demo
programs:
  demo:
    open: { depth: 2 }
    subcommands:
      s3: { options: ["--recursive"] }
      bad: { open: { depth: 0, safe: "(" } }
rules:
  - id: demo.del
    reason: r
    severity: high
    match: { command: [ec2 terminate-instances, s3], option: skip-final-snapshot }
    confirm: ["demo ec2 terminate-instances --skip-final-snapshot"]
    allow: ["demo"]
  - id: demo.deep
    reason: r
    severity: high
    match: { command: [ec2 a b, ec2 B] }
    confirm: ["demo"]
    allow: ["demo"]
"#,
        );
        let problems: Vec<String> = validate_pack("f", &p, &BTreeSet::new()).iter().map(|p| p.to_string()).collect();
        let expect = [
            "f: programs.demo bad: `open.depth` must be at least 1",
            "f: programs.demo bad: `open.safe`: invalid pattern `(`",
            "f: demo.deep: `command: ec2 a b` names no command",
            "f: demo.deep: `command: ec2 B` names no command",
        ];
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        for e in expect {
            assert!(problems.iter().any(|p| p.starts_with(e)), "missing {e:?} in {problems:#?}");
        }
    }

    #[test]
    fn runs_select_needs_one_chooser_and_usable_patterns() {
        let p = pack(
            r#"
schema: 1
pack: demo
summary: demo
programs:
  demo:
    class: safe
    runs: { shell_words_at: 1, select: { operand: 0, shell: "(" } }
    subcommands:
      both: { runs: { shell_words_at: 1, select: { operand: 0, option: m, shell: "^x$" } } }
      none: { runs: { shell_words_at: 1, select: { shell: "^x$", script: "[" } } }
      good: { runs: { shell_words_at: 1, select: { option: m, default: command, shell: "^(command|shell)$" } } }
"#,
        );
        let problems: Vec<String> = validate_pack("f", &p, &BTreeSet::new()).iter().map(|p| p.to_string()).collect();
        let expect = [
            "f: programs.demo: `runs.select`: invalid pattern `(`",
            "f: programs.demo both: `runs.select` names either an `option` or an `operand`",
            "f: programs.demo none: `runs.select` names either an `option` or an `operand`",
            "f: programs.demo none: `runs.select`: invalid pattern `[`",
        ];
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        for e in expect {
            assert!(problems.iter().any(|p| p.starts_with(e)), "missing {e:?} in {problems:#?}");
        }
    }

    #[test]
    fn global_options_are_visible_below() {
        let p = pack(
            r#"
schema: 1
pack: demo
summary: demo
programs:
  demo:
    options: ["-y, --yes (global)"]
    subcommands:
      delete: {}
rules:
  - id: demo.del
    reason: r
    severity: high
    match: { command: delete, option: yes }
    confirm: ["demo delete -y"]
    allow: ["demo"]
"#,
        );
        assert_eq!(validate_pack("f", &p, &BTreeSet::new()), vec![]);
    }
}
