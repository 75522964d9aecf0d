//! Normalizes one program's argv with the option grammar its pack declares.
//!
//! Pure: no I/O. The grammar says which options exist at each command-tree node and
//! whether they take values, so bundled short flags (`-sSXDELETE`), attached values,
//! `--opt=value`, unique long prefixes, `--no-x`, options after operands and `--` all
//! come out the same way, and operands are never confused with option values.
//!
//! A node with `open:` stands for a command tree too large to list (see
//! [`OpenPath`]): command-like words join the path and undeclared options are recorded
//! by name, as [`Parser::open_option`] explains.

use crate::operation::{Command, Operand, OptionUse, Unknown};
use crate::rules::schema::{Class, NodeSpec, OpenPath, OptionSpec, Syntax, UnknownPolicy, ValueKind, is_command_word};
use std::path::{Path, PathBuf};

/// Parses `words` (the arguments after the program name) against `root`.
/// `unknown` is the pack's policy for unknown subcommands.
pub fn normalize(program: &str, root: &NodeSpec, unknown: UnknownPolicy, words: &[String], cwd: &Path) -> Command {
    let syntax = root.syntax.clone().unwrap_or_default();
    let mut p = Parser {
        syntax: &syntax,
        unknown: root.unknown.unwrap_or(unknown),
        chain: vec![root],
        visible: Vec::new(),
        cmd: Command {
            program: program.to_string(),
            pack: 0,
            path: Vec::new(),
            class: root.class,
            operation: root.operation.as_deref().map(String::from),
            inspector: root.inspector.as_deref().map(String::from),
            runs: root.runs.clone(),
            options: Vec::new(),
            operands: Vec::new(),
            words: words.to_vec(),
            unknowns: Vec::new(),
            dir: cwd.to_path_buf(),
            globals_end: words.len(),
            payloads: Vec::new(),
            file_refs: root.file_refs.iter().map(|p| p.to_string()).collect(),
        },
        subcommand_expected: !root.subcommands.is_empty() || root.open.is_some(),
        open: root.open.as_ref().map(OpenState::new),
        ended: false,
    };
    p.refresh_visible();
    p.run(words);
    p.finish_open();
    p.cmd
}

/// The open path being read at the current node.
struct OpenState<'g> {
    spec: &'g OpenPath,
    /// The open words read so far.
    words: Vec<String>,
    /// No more words join the path (an undeclared option, an operand or `--` ended it).
    ended: bool,
}

impl<'g> OpenState<'g> {
    fn new(spec: &'g OpenPath) -> Self {
        OpenState { spec, words: Vec::new(), ended: false }
    }

    /// The path can take another word.
    fn growing(&self) -> bool {
        !self.ended && self.spec.depth.is_none_or(|d| self.words.len() < d)
    }
}

struct Parser<'g> {
    syntax: &'g Syntax,
    /// Policy for unknowns at the current node (nodes may override the pack's).
    unknown: UnknownPolicy,
    /// Nodes from the root to the current subcommand.
    chain: Vec<&'g NodeSpec>,
    /// Options accepted at the current node: its own and its ancestors' globals.
    visible: Vec<&'g OptionSpec>,
    cmd: Command,
    /// The next non-option word is looked up as a subcommand.
    subcommand_expected: bool,
    /// Set while the current node is open (`open:`).
    open: Option<OpenState<'g>>,
    /// An option that ends option parsing was read (`python -c CODE`).
    ended: bool,
}

enum LongMatch<'g> {
    Found(&'g OptionSpec, bool),
    Unknown,
}

impl<'g> Parser<'g> {
    fn node(&self) -> &'g NodeSpec {
        self.chain.last().expect("chain starts with the root")
    }

    /// The current node's options first: a subcommand's own `-f, --force` shadows an
    /// inherited global `-f, --file`, as in cobra (`docker compose rm -f`).
    fn refresh_visible(&mut self) {
        let last = self.chain.len() - 1;
        self.visible = self
            .chain
            .iter()
            .enumerate()
            .rev()
            .flat_map(|(depth, node)| node.options.iter().filter(move |o| depth == last || o.global))
            .collect();
    }

    fn run(&mut self, words: &[String]) {
        let mut i = 0;
        let mut options_ended = self.syntax.raw;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if options_ended {
                self.operand(word, true);
                continue;
            }
            if word == "--" {
                options_ended = true;
                // `--` after a subcommand group still ends subcommand lookup
                self.subcommand_expected = false;
                self.end_open();
                continue;
            }
            let is_option = word.len() > 1 && word.starts_with('-');
            if is_option {
                let next = words.get(i);
                let consumed = if let Some(body) = word.strip_prefix("--") {
                    self.long_option(body, word, next)
                } else if self.syntax.single_dash_long && word.chars().count() > 2 {
                    self.long_option(&word[1..], word, next)
                } else {
                    self.short_options(word, next)
                };
                if consumed {
                    i += 1;
                }
                if self.ended {
                    for rest in &words[i..] {
                        self.operand(rest, false);
                    }
                    return;
                }
                continue;
            }
            if self.subcommand_expected {
                self.subcommand(word, i - 1);
                continue;
            }
            self.operand(word, false);
            let node = self.node();
            let trailing = node.trailing_command && self.cmd.operands.len() > node.trailing_after;
            if trailing || !self.syntax.permute {
                // everything after the first operand belongs to it
                for rest in &words[i..] {
                    self.operand(rest, false);
                }
                return;
            }
        }
    }

    fn operand(&mut self, word: &str, after_dashdash: bool) {
        self.cmd.operands.push(Operand { text: word.to_string(), after_dashdash });
    }

    fn subcommand(&mut self, word: &str, at: usize) {
        let node = self.node();
        // declared subcommands first; below an open word only open words follow
        let open_started = self.open.as_ref().is_some_and(|o| !o.words.is_empty());
        let found = node
            .subcommands
            .iter()
            .find(|(name, child)| !open_started && (*name == word || child.aliases.iter().any(|a| a == word)));
        if found.is_none()
            && let Some(open) = self.open.as_mut()
        {
            if open.growing() && is_command_word(word) {
                open.words.push(word.to_string());
                self.subcommand_expected = open.growing();
                if self.chain.len() == 1 && self.cmd.path.is_empty() {
                    self.cmd.globals_end = at;
                }
                self.cmd.path.push(word.to_string());
                return;
            }
            if !open.words.is_empty() {
                // a value after the path (`gcloud sql instances delete DB`)
                self.end_open();
                self.subcommand_expected = false;
                self.operand(word, false);
                return;
            }
        }
        match found {
            Some((name, child)) => {
                if self.chain.len() == 1 {
                    self.cmd.globals_end = at;
                }
                self.chain.push(child);
                self.cmd.path.push(name.to_string());
                self.cmd.class = child.class;
                if child.operation.is_some() {
                    self.cmd.operation = child.operation.as_deref().map(String::from);
                }
                if child.inspector.is_some() {
                    self.cmd.inspector = child.inspector.as_deref().map(String::from);
                }
                self.cmd.runs = child.runs.clone();
                if !child.file_refs.is_empty() {
                    self.cmd.file_refs = child.file_refs.iter().map(|p| p.to_string()).collect();
                }
                self.subcommand_expected = !child.subcommands.is_empty() || child.open.is_some();
                self.open = child.open.as_ref().map(OpenState::new);
                self.unknown = child.unknown.unwrap_or(self.unknown);
                self.refresh_visible();
            }
            None => {
                self.cmd.unknowns.push(Unknown::Subcommand { word: word.to_string(), at, policy: self.unknown });
                self.subcommand_expected = false;
                self.operand(word, false);
            }
        }
    }

    fn end_open(&mut self) {
        if let Some(open) = self.open.as_mut() {
            open.ended = true;
        }
    }

    /// An open path only reads (`safe:` matches its words) or may destroy.
    fn finish_open(&mut self) {
        let Some(open) = &self.open else { return };
        if open.words.is_empty() {
            return;
        }
        let joined = open.words.join(" ");
        let safe =
            open.spec.safe.as_deref().is_some_and(|p| regex_lite::Regex::new(p).is_ok_and(|re| re.is_match(&joined)));
        self.cmd.class = if safe { Class::Safe } else { Class::Destroy };
    }

    /// An option the grammar does not declare, at an open node: recorded under its
    /// name (`--skip-final-snapshot` → `skip-final-snapshot`, `-n` → `n`), never as
    /// unknown. The CLI knows which of its options are flags; guard does not, and
    /// reads them so:
    /// - `--x=v` (and `-xV`) has the value `v`; `--no-x` is `x` turned off, with no
    ///   value (aws spells booleans `--x`/`--no-x`; `--no-reboot`'s opposite is
    ///   `--reboot`).
    /// - Before a bounded path is complete, or before an unbounded one has begun, a
    ///   flag with no value: aws reads SERVICE and OPERATION first (`aws ec2 --dry-run
    ///   terminate-instances` works), and taking a value there would hide the
    ///   operation; a value read as a path word instead only adds a word to the path.
    /// - Otherwise the option ends the path, and the next word is its value unless it
    ///   starts with `-`: nearly every cloud CLI parameter takes a value, and a value
    ///   missed would pass for an operand or a path word. A real flag then swallows
    ///   the operand after it, which only moves that operand into an option value;
    ///   rules over open paths judge the path and options, so nothing is lost.
    /// - Values accumulate (`multiple`): `option_value` sees every occurrence.
    /// - Where the program accepts unique prefixes of long names, the name stands for
    ///   every option it begins (`prefix`): guard cannot tell which one the CLI picks.
    ///
    /// Returns whether `next` was consumed.
    fn open_option(&mut self, name: &str, long: bool, attached: Option<String>, next: Option<&String>) -> bool {
        let (name, negated) = match name.strip_prefix("no-") {
            Some(base) if attached.is_none() && !base.is_empty() => (base, true),
            _ => (name, false),
        };
        let path_pending =
            self.open.as_ref().is_some_and(|o| o.growing() && (o.spec.depth.is_some() || o.words.is_empty()));
        let mut value = attached;
        let mut consumed = false;
        if !path_pending {
            self.end_open();
            self.subcommand_expected = false;
            if !negated
                && value.is_none()
                && let Some(n) = next.filter(|n| !n.starts_with('-'))
            {
                value = Some(n.clone());
                consumed = true;
            }
        }
        let prefix = long && self.syntax.long_prefixes;
        self.cmd.options.push(OptionUse {
            name: name.to_string(),
            value,
            negated,
            multiple: true,
            inert: false,
            prefix,
        });
        consumed
    }

    fn unknown_option(&mut self, token: &str) {
        let before_subcommand = self.subcommand_expected;
        self.cmd.unknowns.push(Unknown::Option { token: token.to_string(), before_subcommand, policy: self.unknown });
    }

    fn record(&mut self, spec: &OptionSpec, value: Option<String>, negated: bool) {
        if spec.changes_dir
            && !negated
            && let Some(dir) = &value
        {
            self.cmd.dir = join_dir(&self.cmd.dir, dir);
        }
        self.ended |= spec.ends && !negated;
        let inert =
            spec.inert || (spec.header && value.as_deref().is_some_and(crate::inspect::unwrap::header_is_inert));
        self.cmd.options.push(OptionUse {
            name: spec.name.to_string(),
            value,
            negated,
            multiple: spec.multiple,
            inert,
            prefix: false,
        });
    }

    /// `body` is the text after the dashes. Returns whether `next` was consumed.
    fn long_option(&mut self, body: &str, token: &str, next: Option<&String>) -> bool {
        let (name, attached) = match body.split_once('=') {
            Some((n, v)) if self.syntax.long_equals => (n, Some(v.to_string())),
            _ => (body, None),
        };
        match self.lookup_long(name) {
            LongMatch::Unknown if self.open.is_some() && !name.is_empty() => {
                self.open_option(name, true, attached, next)
            }
            LongMatch::Unknown => {
                self.unknown_option(token);
                false
            }
            LongMatch::Found(spec, negated) => {
                if negated {
                    self.record(spec, None, true);
                    return false;
                }
                match spec.value {
                    // `--flag=x`: the tool would refuse it; count the flag as given
                    ValueKind::None => {
                        self.record(spec, None, false);
                        false
                    }
                    ValueKind::Optional => {
                        self.record(spec, attached, false);
                        false
                    }
                    ValueKind::Required => match attached {
                        Some(v) => {
                            self.record(spec, Some(v), false);
                            false
                        }
                        None => {
                            self.record(spec, next.cloned(), false);
                            next.is_some()
                        }
                    },
                }
            }
        }
    }

    fn lookup_long(&self, name: &str) -> LongMatch<'g> {
        // exact names first, then `no-` negations, then unique prefixes
        for spec in self.visible.iter() {
            if spec.long.iter().any(|l| l == name) {
                return LongMatch::Found(spec, false);
            }
        }
        if let Some(base) = name.strip_prefix("no-") {
            for spec in self.visible.iter() {
                if spec.negatable && spec.long.iter().any(|l| l == base) {
                    return LongMatch::Found(spec, true);
                }
            }
        }
        if !self.syntax.long_prefixes || name.is_empty() {
            return LongMatch::Unknown;
        }
        let mut hit: Option<(&'g OptionSpec, bool)> = None;
        for spec in self.visible.iter() {
            let plain = spec.long.iter().any(|l| l.starts_with(name));
            let negated = spec.negatable && spec.long.iter().any(|l| format!("no-{l}").starts_with(name));
            for (matches, neg) in [(plain, false), (negated, true)] {
                if !matches {
                    continue;
                }
                match hit {
                    // several spellings of one option are not an ambiguity
                    Some((prev, prev_neg)) if std::ptr::eq(prev, *spec) && prev_neg == neg => {}
                    Some(_) => return LongMatch::Unknown, // ambiguous: the tool refuses it
                    None => hit = Some((spec, neg)),
                }
            }
        }
        match hit {
            Some((spec, neg)) => LongMatch::Found(spec, neg),
            None => LongMatch::Unknown,
        }
    }

    /// A `-abc` token. Returns whether `next` was consumed as a value.
    fn short_options(&mut self, token: &str, next: Option<&String>) -> bool {
        for (idx, c) in token[1..].char_indices() {
            let rest = &token[1 + idx + c.len_utf8()..];
            let Some(spec) = self.visible.iter().copied().find(|o| o.short.contains(&c)) else {
                if self.open.is_some() {
                    // at an open node: `-n NAME`, or `-nNAME` with the value attached
                    let attached = (!rest.is_empty()).then(|| rest.to_string());
                    return self.open_option(&c.to_string(), false, attached, next);
                }
                // the rest of a bundle cannot be read without knowing this option
                self.unknown_option(token);
                return false;
            };
            match spec.value {
                ValueKind::None if !self.syntax.bundling && !rest.is_empty() => {
                    self.unknown_option(token);
                    return false;
                }
                ValueKind::None => {
                    self.record(spec, None, false);
                    if spec.ends {
                        return false;
                    }
                }
                ValueKind::Optional => {
                    self.record(spec, (!rest.is_empty()).then(|| rest.to_string()), false);
                    return false;
                }
                ValueKind::Required if rest.is_empty() => {
                    self.record(spec, next.cloned(), false);
                    return next.is_some();
                }
                ValueKind::Required => {
                    self.record(spec, Some(rest.to_string()), false);
                    return false;
                }
            }
        }
        false
    }
}

fn join_dir(base: &Path, dir: &str) -> PathBuf {
    let d = Path::new(dir);
    if d.is_absolute() { d.to_path_buf() } else { base.join(d) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schema::PackFile;

    const PACK: &str = r#"
schema: 1
pack: t
summary: test grammar
programs:
  git:
    syntax: { long_prefixes: true }
    options: ["-C <path> (dir)", "-c <name=value>...", "--git-dir <path>", "-p, --paginate"]
    subcommands:
      push:
        options:
          - "-f, --[no-]force"
          - "-u, --[no-]set-upstream"
          - "-d, --[no-]delete"
          - "--[no-]mirror"
          - "--[no-]force-with-lease[=<refname>]"
          - "--[no-]force-if-includes"
          - "-o, --push-option <x>..."
          - "-n, --[no-]dry-run"
          - "--[no-]receive-pack <rp>"
      stash:
        class: safe
        subcommands:
          drop: { aliases: [rm] }
          list: { class: safe }
  curl:
    syntax: { long_equals: false }
    options: ["-X, --request <method>", "-s, --silent", "-S, --show-error", "-d, --data <data>...", "-H, --header <h>..."]
  run:
    options: ["-s, --service <s> (global)"]
    subcommands:
      exec: { trailing_command: true, options: ["-e <env>"] }
  aws:
    open: { depth: 2, safe: '^[a-z0-9-]+ (describe|list|get)-' }
    file_refs: ["file://"]
    options: ["--region <r> (global)", "--debug (global)", "--no-paginate (global)"]
    subcommands:
      s3:
        subcommands:
          rm: { options: ["--recursive"] }
      configure: { class: safe }
  gcloud:
    open: {}
    options: ["--project <p> (global)", "-q, --quiet (global)"]
    subcommands:
      compute:
        open: {}
        subcommands:
          ssh: { options: ["--command <c>"] }
"#;

    fn norm(line: &str) -> Command {
        let pack: PackFile = serde_yaml::from_str(PACK).unwrap();
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        let root = pack.programs.get(&words[0]).unwrap();
        normalize(&words[0], root, UnknownPolicy::Confirm, &words[1..], Path::new("/work"))
    }

    fn opts(c: &Command) -> Vec<(String, Option<String>, bool)> {
        c.options.iter().map(|o| (o.name.clone(), o.value.clone(), o.negated)).collect()
    }

    #[test]
    fn bundled_short_flags_split() {
        let c = norm("git push -uf origin main");
        assert_eq!(c.path, vec!["push"]);
        assert!(c.option_in_effect("force") && c.option_in_effect("set-upstream"));
        assert_eq!(c.operands.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), vec!["origin", "main"]);
    }

    #[test]
    fn attached_value_in_a_bundle() {
        let c = norm("curl -sSXDELETE https://x");
        assert_eq!(c.option_values("request"), vec!["DELETE"]);
        assert_eq!(c.operands[0].text, "https://x");
        let c = norm("curl -X DELETE https://x -X GET");
        assert_eq!(c.option_values("request"), vec!["GET"]);
    }

    #[test]
    fn long_equals_only_where_the_tool_accepts_it() {
        let c = norm("curl --request=DELETE https://x");
        assert!(c.unknowns.iter().any(|u| matches!(u, Unknown::Option { token, .. } if token == "--request=DELETE")));
        let c = norm("git push --receive-pack=x origin");
        assert_eq!(c.option_values("receive-pack"), vec!["x"]);
        assert_eq!(c.operands.len(), 1);
    }

    #[test]
    fn unique_prefixes_and_ambiguity() {
        let c = norm("git push --mirr");
        assert!(c.option_in_effect("mirror"));
        let c = norm("git push --del origin x");
        assert!(c.option_in_effect("delete"));
        // --forc matches force, force-with-lease, force-if-includes: git refuses it
        let c = norm("git push --forc origin");
        assert!(!c.option_in_effect("force"));
        assert_eq!(c.unknowns.len(), 1);
        let c = norm("git push --force-w origin");
        assert!(c.option_in_effect("force-with-lease"));
    }

    #[test]
    fn negation_last_wins() {
        let c = norm("git push --force --no-force");
        assert!(!c.option_in_effect("force"));
        let c = norm("git push --no-force origin --force");
        assert!(c.option_in_effect("force"));
        assert_eq!(opts(&c)[0], ("force".into(), None, true));
        // ambiguous between --no-force-with-lease and --no-force-if-includes, as git says
        let c = norm("git push --no-forc");
        assert_eq!(c.unknowns.len(), 1);
        let c = norm("git push --no-mir");
        assert!(c.unknowns.is_empty() && !c.option_in_effect("mirror"));
    }

    #[test]
    fn options_after_operands_and_dashdash() {
        let c = norm("git push origin main --force");
        assert!(c.option_in_effect("force"));
        let c = norm("git push origin -- --force");
        assert!(!c.option_in_effect("force"));
        assert!(c.operands[1].after_dashdash);
    }

    #[test]
    fn optional_values_attach_only() {
        let c = norm("git push --force-with-lease origin");
        assert_eq!(c.option_values("force-with-lease"), Vec::<&str>::new());
        assert!(c.option_in_effect("force-with-lease"));
        assert_eq!(c.operands[0].text, "origin");
        let c = norm("git push --force-with-lease=main:abc origin");
        assert_eq!(c.option_values("force-with-lease"), vec!["main:abc"]);
    }

    #[test]
    fn global_options_and_dir_changes() {
        let c = norm("git -C repo -c alias.p=push --git-dir x/.git push -f");
        assert_eq!(c.path, vec!["push"]);
        assert_eq!(c.dir, PathBuf::from("/work/repo"));
        assert_eq!(c.option_values("c"), vec!["alias.p=push"]);
        let c = norm("git -C /a -C b status");
        assert_eq!(c.dir, PathBuf::from("/a/b"));
    }

    #[test]
    fn subcommand_aliases_and_unknowns() {
        let c = norm("git stash rm stash@{0}");
        assert_eq!(c.path, vec!["stash", "drop"]);
        let c = norm("git frobnicate --hard");
        let confirm = UnknownPolicy::Confirm;
        assert_eq!(c.unknowns[0], Unknown::Subcommand { word: "frobnicate".into(), at: 0, policy: confirm });
        let c = norm("git --weird push -f");
        assert_eq!(
            c.unknowns[0],
            Unknown::Option { token: "--weird".into(), before_subcommand: true, policy: confirm }
        );
        let c = norm("git push --weird");
        assert_eq!(
            c.unknowns[0],
            Unknown::Option { token: "--weird".into(), before_subcommand: false, policy: confirm }
        );
    }

    #[test]
    fn globals_reach_subcommands_and_trailing_commands_stay_whole() {
        let c = norm("run exec -s api npm test --force -s x");
        assert_eq!(c.option_values("service"), vec!["api"]);
        assert_eq!(
            c.operands.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(),
            vec!["npm", "test", "--force", "-s", "x"]
        );
    }

    fn path(c: &Command) -> String {
        c.path_string()
    }

    fn operands(c: &Command) -> Vec<&str> {
        c.operands.iter().map(|o| o.text.as_str()).collect()
    }

    #[test]
    fn open_paths_take_command_words_up_to_their_depth() {
        let c = norm("aws --region eu-west-1 ec2 terminate-instances --instance-ids i-1 --debug");
        assert_eq!(path(&c), "ec2 terminate-instances");
        assert_eq!(c.option_values("instance-ids"), vec!["i-1"]);
        assert_eq!(c.option_values("region"), vec!["eu-west-1"]);
        assert!(c.unknowns.is_empty() && c.option_in_effect("debug"));
        assert_eq!(c.class, Class::Destroy);
        // global options anywhere, and a third word is an operand
        let c = norm("aws ec2 --region x wait instance-running");
        assert_eq!((path(&c), operands(&c)), ("ec2 wait".into(), vec!["instance-running"]));
        // an undeclared option before the operation is a flag: it cannot hide it
        let c = norm("aws ec2 --dry-run terminate-instances --instance-ids i-1");
        assert_eq!(path(&c), "ec2 terminate-instances");
        assert!(c.option_in_effect("dry-run") && c.option_values("dry-run").is_empty());
        // a word that cannot name a command is not one
        let c = norm("aws ec2 I-123");
        assert_eq!((path(&c), operands(&c)), ("ec2".into(), vec!["I-123"]));
        let c = norm("aws S3 ls");
        assert!(matches!(&c.unknowns[..], [Unknown::Subcommand { word, .. }] if word == "S3"));
    }

    #[test]
    fn declared_subcommands_come_first_and_keep_their_grammar() {
        let c = norm("aws s3 rm s3://b --recursive");
        assert_eq!(path(&c), "s3 rm");
        assert!(c.option_in_effect("recursive"));
        let c = norm("aws s3 rm s3://b --frobnicate");
        assert!(matches!(&c.unknowns[..], [Unknown::Option { token, .. }] if token == "--frobnicate"));
        // below an open word, a declared name is just another open word
        let c = norm("aws ec2 s3");
        assert_eq!(path(&c), "ec2 s3");
        let c = norm("gcloud compute ssh vm-1 --command 'ls'");
        assert_eq!(path(&c), "compute ssh");
        let c = norm("gcloud compute instances ssh");
        assert_eq!(path(&c), "compute instances ssh");
    }

    #[test]
    fn open_option_spellings() {
        let c = norm("aws rds delete-db-instance --db-instance-identifier db1 --skip-final-snapshot");
        assert!(c.option_in_effect("skip-final-snapshot"));
        assert_eq!(c.option_values("db-instance-identifier"), vec!["db1"]);
        let c = norm("aws rds delete-db-instance --skip-final-snapshot --no-skip-final-snapshot");
        assert!(!c.option_in_effect("skip-final-snapshot"));
        let c = norm("aws rds delete-db-instance --no-skip-final-snapshot --skip-final-snapshot");
        assert!(c.option_in_effect("skip-final-snapshot"));
        let c = norm("aws route53 change-resource-record-sets --change-batch=file://b.json --x=--y");
        assert_eq!(c.option_values("change-batch"), vec!["file://b.json"]);
        assert_eq!(c.option_values("x"), vec!["--y"]);
        // a flag followed by a positional takes it as its value (see `open_option`)
        let c = norm("aws ec2 wait --dry-run instance-running --instance-ids i-1 i-2");
        assert_eq!(c.option_values("dry-run"), vec!["instance-running"]);
        assert_eq!(c.option_values("instance-ids"), vec!["i-1"]);
        assert_eq!(operands(&c), vec!["i-2"]);
        let c = norm("aws ec2 wait --no-cli-pager instance-running");
        assert_eq!(operands(&c), vec!["instance-running"]);
        // every occurrence counts
        let c = norm("aws ssm send-command --parameters a --parameters b");
        assert_eq!(c.option_values("parameters"), vec!["a", "b"]);
        // declared negatable global keeps its grammar
        let c = norm("aws s3api list-buckets --no-paginate");
        assert!(c.option_in_effect("no-paginate"));
        assert_eq!(c.class, Class::Safe);
        // short options at an open node
        let c = norm("gcloud sql instances delete -n db1 -xv");
        assert_eq!(c.option_values("n"), vec!["db1"]);
        assert_eq!(c.option_values("x"), vec!["v"]);
    }

    #[test]
    fn undeclared_long_options_stand_for_the_names_they_begin_where_prefixes_are_accepted() {
        let pack: PackFile = serde_yaml::from_str(
            "schema: 1\npack: t\nsummary: s\nprograms:\n  aws:\n    syntax: { long_prefixes: true }\n    open: { depth: 2 }\n    options: [\"--region <r> (global)\"]\n",
        )
        .unwrap();
        let root = pack.programs.get("aws").unwrap();
        let words: Vec<String> =
            "rds delete-db-instance --reg x --skip-final --no-delete-auto -n 1".split(' ').map(String::from).collect();
        let c = normalize("aws", root, UnknownPolicy::Confirm, &words, Path::new("/"));
        assert_eq!(c.option_values("region"), vec!["x"]);
        assert!(c.option_in_effect("skip-final-snapshot") && !c.option_in_effect("skip"));
        assert!(!c.option_in_effect("delete-automated-backups"));
        // short names are never prefixes
        assert!(c.option_in_effect("n") && !c.option_in_effect("no-wait"));
        // without prefixes, names are exact
        let c = norm("aws rds delete-db-instance --skip-final");
        assert!(!c.option_in_effect("skip-final-snapshot"));
    }

    #[test]
    fn unbounded_paths_end_at_the_first_undeclared_option_or_value() {
        let c = norm("gcloud --project p -q sql instances delete db-1 --async");
        assert_eq!(path(&c), "sql instances delete db-1");
        assert_eq!(c.option_values("project"), vec!["p"]);
        assert!(c.option_in_effect("async") && c.unknowns.is_empty());
        let c = norm("gcloud compute instances delete --zone us-east1-b vm-1 vm-2");
        assert_eq!(path(&c), "compute instances delete");
        assert_eq!(c.option_values("zone"), vec!["us-east1-b"]);
        assert_eq!(operands(&c), vec!["vm-1", "vm-2"]);
        let c = norm("gcloud storage rm gs://b/x more");
        assert_eq!((path(&c), operands(&c)), ("storage rm".into(), vec!["gs://b/x", "more"]));
        let c = norm("gcloud projects -- delete p");
        assert_eq!((path(&c), operands(&c)), ("projects".into(), vec!["delete", "p"]));
        // an undeclared option before the path begins does not end it
        let c = norm("gcloud --frobnicate projects delete p");
        assert_eq!(path(&c), "projects delete p");
        // known global options do not end it either
        let c = norm("gcloud compute --project p instances delete vm");
        assert_eq!(path(&c), "compute instances delete vm");
    }

    #[test]
    fn open_paths_are_safe_only_when_the_pack_says_so() {
        assert_eq!(norm("aws ec2 describe-instances").class, Class::Safe);
        assert_eq!(norm("aws ec2 delete-volume").class, Class::Destroy);
        assert_eq!(norm("aws ec2").class, Class::Destroy);
        assert_eq!(norm("aws configure").class, Class::Safe);
        assert_eq!(norm("gcloud projects list").class, Class::Destroy);
    }

    #[test]
    fn own_options_shadow_inherited_globals() {
        let pack: PackFile = serde_yaml::from_str(
            "schema: 1\npack: t\nsummary: t\nprograms:\n  c:\n    options: ['-f, --file <f> (global)']\n    subcommands:\n      rm: { options: ['-f, --force'] }\n",
        )
        .unwrap();
        let root = pack.programs.get("c").unwrap();
        let words: Vec<String> = ["-f", "a.yml", "rm", "-f", "web"].iter().map(|w| w.to_string()).collect();
        let c = normalize("c", root, UnknownPolicy::Confirm, &words, Path::new("/"));
        assert_eq!(c.option_values("file"), vec!["a.yml"]);
        assert!(c.option_in_effect("force"));
        assert_eq!(c.operands[0].text, "web");
    }

    #[test]
    fn an_option_that_ends_options_makes_the_rest_operands() {
        let pack: PackFile = serde_yaml::from_str(
            "schema: 1\npack: p\nsummary: s\nprograms:\n  python:\n    syntax: { permute: false }\n    options: [\"-c <code> (ends)\", \"-m <module> (ends)\", \"-u\"]\n",
        )
        .unwrap();
        let root = pack.programs.get("python").unwrap();
        let words: Vec<String> = ["-u", "-c", "print(1)", "-u", "-m", "x"].iter().map(|s| s.to_string()).collect();
        let c = normalize("python", root, UnknownPolicy::Confirm, &words, Path::new("/"));
        assert_eq!(c.option_values("c"), vec!["print(1)"]);
        assert!(!c.option_in_effect("m"));
        assert_eq!(c.operands.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), vec!["-u", "-m", "x"]);
        let words: Vec<String> = ["-ucprint(2)", "-c", "x"].iter().map(|s| s.to_string()).collect();
        let c = normalize("python", root, UnknownPolicy::Confirm, &words, Path::new("/"));
        assert_eq!(c.option_values("c"), vec!["print(2)"]);
        assert_eq!(c.operands.len(), 2);
    }

    #[test]
    fn git_root_options_are_not_push_options() {
        let c = norm("git push -C x");
        assert_eq!(c.unknowns.len(), 1);
    }
}
