//! The rule-pack file format (`rules/*.yaml`) as serde types.
//!
//! This module is compiled twice: into guard, and into `build.rs`, which parses and
//! validates every built-in pack at build time and emits it as Rust `static` data, so
//! loading a built-in pack costs nothing at run time. Strings and lists are therefore
//! `Cow<'static, …>`: borrowed from static data for built-ins, owned when parsed from
//! a file. It depends on nothing but `serde`, `std` and `regex_lite`.
//!
//! A pack describes one tool family: the *grammar* of each program it covers (which
//! options exist, which take values, the subcommand tree with aliases, which
//! subcommands can destroy) and *rules* whose conditions are evaluated over the
//! normalized command, never over raw spellings. See README "Writing a rule".

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// Text: static for built-in packs, owned when read from a file.
pub type Text = Cow<'static, str>;
/// A list: static for built-in packs, owned when read from a file.
pub type List<T> = Cow<'static, [T]>;

/// A YAML mapping kept in written order, as a list of (name, value) pairs.
#[derive(Debug, Clone, Default)]
pub struct Named<T: Clone + 'static>(pub List<(Text, T)>);

impl<T: Clone + 'static> Named<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, (Text, T)> {
        self.0.iter()
    }
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, v)| v)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T: Clone + 'static> IntoIterator for &'a Named<T> {
    type Item = &'a (Text, T);
    type IntoIter = std::slice::Iter<'a, (Text, T)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de, T: Clone + Deserialize<'de> + 'static> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Clone + Deserialize<'de> + 'static> serde::de::Visitor<'de> for Visit<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(Text, T)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    if out.iter().any(|(n, _)| *n == k) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{k}`")));
                    }
                    out.push((Cow::Owned(k), v));
                }
                Ok(Named(Cow::Owned(out)))
            }
        }
        de.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The pack schema version this guard understands.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub schema: u32,
    /// Operations this pack's rules may name that no command tree produces: they come
    /// from payload inspectors (a GraphQL mutation sent with curl) or tool calls.
    #[serde(default)]
    pub operations: List<Text>,
    pub pack: Text,
    pub summary: Text,
    /// What an unknown subcommand (or an unknown option before the subcommand is known)
    /// decides for this pack's programs.
    #[serde(default)]
    pub unknown: UnknownPolicy,
    /// Package names (npm, PyPI…) → the program they provide, for package runners.
    #[serde(default)]
    pub packages: Named<Text>,
    /// Container images → the program they run (`amazon/aws-cli` → `aws`), for
    /// `docker run` and the like; the registry, tag and digest are ignored.
    #[serde(default)]
    pub images: Named<Text>,
    /// Environment variables that select what a command targets (e.g. `RAILWAY_TOKEN`).
    /// They are part of the request fingerprint; nothing else from the environment is.
    #[serde(default)]
    pub target_env: List<Text>,
    /// The HTTP API this pack's operations belong to: requests to these hosts are
    /// named `<service>.<operation>` (a GraphQL mutation's root field).
    #[serde(default)]
    pub api: Option<ApiSpec>,
    /// Each program's command tree, rooted at the program itself. The root's
    /// `aliases` are other executable names sharing the grammar (`mkfs.ext4`).
    #[serde(default)]
    pub programs: Named<NodeSpec>,
    #[serde(default)]
    pub rules: List<RuleSpec>,
    /// Layer files only: the built-in pack whose programs (and grammar) this file's
    /// rules are about (`extends: git` to add a rule for `git push`).
    #[serde(default)]
    pub extends: Option<Text>,
    /// System layer only: built-in rules that do not stop some commands, each with why.
    /// Never a `deny` rule; ignored (and reported) in the user and project layers.
    #[serde(default)]
    pub exceptions: List<ExceptionSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// Prefix of the operation ids (`railway`).
    pub service: Text,
    /// Host patterns (regex, matched against the lower-case host).
    pub hosts: List<Text>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownPolicy {
    #[default]
    Confirm,
    Allow,
}

/// Option spelling conventions of one program (all default to GNU getopt_long).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Syntax {
    /// `-fr` means `-f -r`; `-XDELETE` means `-X DELETE`.
    #[serde(default = "yes")]
    pub bundling: bool,
    /// `--opt=value` is accepted.
    #[serde(default = "yes")]
    pub long_equals: bool,
    /// Unique prefixes of long options are accepted (`--forc` for `--force`).
    #[serde(default)]
    pub long_prefixes: bool,
    /// Options may follow operands (`git push origin main --force`).
    #[serde(default = "yes")]
    pub permute: bool,
    /// `-name` is a long option (Go's flag package, find's primaries).
    #[serde(default)]
    pub single_dash_long: bool,
    /// No option parsing at all: every word is an operand (`dd if=… of=…`).
    #[serde(default)]
    pub raw: bool,
}

fn yes() -> bool {
    true
}

impl Default for Syntax {
    fn default() -> Self {
        Syntax {
            bundling: true,
            long_equals: true,
            long_prefixes: false,
            permute: true,
            single_dash_long: false,
            raw: false,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Can delete or irreversibly change something: unknown options here confirm.
    #[default]
    Destroy,
    /// Read-only or trivially reversible: unknown options here are ignored.
    Safe,
}

/// One node of a program's command tree (the program itself, or a subcommand).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// How the program spells options (root node only).
    #[serde(default)]
    pub syntax: Option<Syntax>,
    /// Other names this subcommand answers to (`rm`, `remove` for `delete`).
    #[serde(default)]
    pub aliases: List<Text>,
    /// Whether this command can destroy. Unstated means `destroy`: fail closed.
    #[serde(default)]
    pub class: Class,
    /// The operation this command performs, shared with other surfaces
    /// (`railway.volumeDelete` for `railway volume delete` and the GraphQL mutation).
    #[serde(default)]
    pub operation: Option<Text>,
    #[serde(default, deserialize_with = "options_de")]
    pub options: List<OptionSpec>,
    #[serde(default)]
    pub subcommands: Named<NodeSpec>,
    /// Overrides the pack's `unknown:` for unknown subcommands below this node.
    #[serde(default)]
    pub unknown: Option<UnknownPolicy>,
    /// Everything after the first operand is the argv of another command
    /// (`railway run -- CMD`); it is not parsed as options of this one.
    #[serde(default)]
    pub trailing_command: bool,
    /// With `trailing_command`: this many operands (and any options among them) come
    /// first (`ssh [opts] host [opts] CMD…`: 1).
    #[serde(default)]
    pub trailing_after: usize,
    /// The payload inspector that reads what this command sends (`http`, `psql`,
    /// `graphql:<service>` for a document operand, `gh-api:<service>` for `gh api`-style
    /// fields…), inherited by subcommands. See `inspect::payload_operations`.
    #[serde(default)]
    pub inspector: Option<Text>,
    /// This command runs another command: where to find it. See `inspect::unwrap`.
    #[serde(default)]
    pub runs: Option<Runs>,
    /// The words after this node name commands the grammar does not list (`aws SERVICE
    /// OPERATION`, gcloud groups at any depth). Declared subcommands still come first.
    #[serde(default)]
    pub open: Option<OpenPath>,
    /// Option values starting with one of these prefixes name a file whose contents
    /// are the real value (`aws … --change-batch file://batch.json`): guard judges the
    /// contents in the value's place. Inherited by subcommands. See `inspect::fileref`.
    #[serde(default)]
    pub file_refs: List<Text>,
}

/// An open command path: a command tree too large to list. Each word that looks like
/// a command name (`^[a-z][a-z0-9-]*$`) where a subcommand is expected joins the path,
/// so `command:`/`command_matches:` see `ec2 terminate-instances` or `sql instances
/// delete`. Options the grammar does not declare are recorded by long name, never as
/// unknown: the pack's rules decide (see `inspect::argv` for how their values are read).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenPath {
    /// At most this many words (aws: 2, SERVICE and OPERATION); an undeclared option
    /// before the path is complete is a flag, as the CLI reads its path first. Unstated:
    /// any number, and the path ends at the first undeclared option.
    #[serde(default)]
    pub depth: Option<usize>,
    /// A pattern over the open words (space-separated): paths it matches only read,
    /// and are `class: safe`. Every other open path is `class: destroy`.
    #[serde(default)]
    pub safe: Option<Text>,
}

/// Whether a word can name a command of an open path: `ec2`, `delete-db-instance`,
/// `run-command`. Values (`s3://b`, `i-0ABC`, `--x`, `$VAR`) cannot.
pub fn is_command_word(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// How a wrapper (`sudo`, `timeout`, `bash -c`, `ssh host`…) names the command it runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runs {
    /// The inner argv starts at this operand (`timeout 5 CMD…`: 1; `nice CMD…`: 0).
    #[serde(default)]
    pub argv_at: Option<usize>,
    /// With `argv_at`: when there is a `--`, the inner argv is everything after it
    /// instead (`kubectl exec -f pod.yaml -- CMD…`, where no pod operand comes first).
    #[serde(default)]
    pub dashdash: bool,
    /// Leading `NAME=value` operands are environment assignments (`env`, `sudo`).
    #[serde(default)]
    pub skip_assignments: bool,
    /// With this option in effect, a shell string is run instead of an argv
    /// (`bash -c STRING`: the first operand; `su -c STRING`: the option's value).
    #[serde(default)]
    pub shell_option: Option<Text>,
    /// The shell string is the option's value rather than the first operand.
    #[serde(default)]
    pub shell_in_value: bool,
    /// The operands from this one on, joined with spaces, are a shell string
    /// (`ssh host CMD…`, `watch CMD…`).
    #[serde(default)]
    pub shell_words_at: Option<usize>,
    /// With no shell string and no script file, the script comes from stdin (`… | sh`).
    #[serde(default)]
    pub stdin_script: bool,
    /// The first operand is a script file the program runs (`bash deploy.sh`).
    #[serde(default)]
    pub script_file: bool,
    /// Arguments come from stdin as well (`xargs`): what runs is not fully known.
    #[serde(default)]
    pub args_from_stdin: bool,
    /// With this option in effect the shell words are an argv after all (`watch -x`).
    #[serde(default)]
    pub argv_option: Option<Text>,
    /// With this option in effect nothing runs (`bash -n`: syntax check only).
    #[serde(default)]
    pub noexec_option: Option<Text>,
    /// The first inner word is a package to run (`npx @railway/cli`): its name maps to
    /// the program it provides through the pack's `packages:` table.
    #[serde(default)]
    pub package: bool,
    /// The command runs on another machine (`ssh`, `kubectl exec`): named in the target.
    #[serde(default)]
    pub remote: bool,
    /// The first inner word is a container image (`docker run IMAGE [CMD…]`): an image
    /// in a pack's `images:` table runs its program with CMD as arguments; any other
    /// image runs CMD.
    #[serde(default)]
    pub image: bool,
    /// This option's value replaces the image's program (`--entrypoint`).
    #[serde(default)]
    pub entrypoint_option: Option<Text>,
    /// The program is an interpreter: where the code it runs comes from, and how it
    /// is read. See `inspect::code`.
    #[serde(default)]
    pub code: Option<Code>,
    /// The command is stored to run later or typed elsewhere, and read by a reader
    /// for its format: `at` (a script from `-f FILE` or stdin), `crontab` (each job
    /// line of a FILE, `-` or stdin), `keys` (`tmux send-keys` text), `screen`
    /// (screen's command line and `-X` commands). See `inspect::deferred`.
    #[serde(default)]
    pub via: Option<Text>,
    /// Only some commands of the program run a command, chosen by one word (`ansible
    /// -m shell`, `salt '*' cmd.run`): see [`Select`]. Others run nothing judged here.
    #[serde(default)]
    pub select: Option<Select>,
    /// With `remote`: the hosts are this option's values (`pdsh -w`), not the first
    /// operand.
    #[serde(default)]
    pub hosts_option: Option<Text>,
}

/// The word that chooses whether a program runs a command (`ansible -m MODULE`, salt's
/// FUNCTION operand), and which choices run one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// The chooser is this option's last value (`module-name`)…
    #[serde(default)]
    pub option: Option<Text>,
    /// …else the operand at this position (salt's FUNCTION after TARGET: 1).
    #[serde(default)]
    pub operand: Option<usize>,
    /// The chooser when the option is not given (ansible's default module `command`).
    #[serde(default)]
    pub default: Option<Text>,
    /// A pattern over the chooser: these run the command the rest of `runs:` finds.
    pub shell: Text,
    /// A pattern over the chooser: these run a local script file, the first word of
    /// the shell string (`ansible -m script -a 'cleanup.sh --all'`), read and judged
    /// like `bash cleanup.sh`.
    #[serde(default)]
    pub script: Option<Text>,
    /// With this option in effect there is no chooser: the words from its position on
    /// are the shell string (`salt-ssh '*' -r 'uptime'`).
    #[serde(default)]
    pub raw_option: Option<Text>,
    /// A `NAME=value` word with this name among the shell words is the command in
    /// keyword form (`salt '*' cmd.run cmd='rm -rf /srv'`): its value is judged.
    #[serde(default)]
    pub keyword: Option<Text>,
}

/// Where an interpreter (`python`, `node`, `awk`…) finds the code it runs. Inline
/// code is scanned for destroying calls; a script file or module is judged as the
/// program it names (`python manage.py flush` as `manage.py flush`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// How the code is read: `python`, `javascript`, `ruby`, `perl`, `php` or `awk`.
    pub language: Text,
    /// Options whose values are code (`python -c`, `node -e`, `perl -e`/`-E`); all of
    /// them run.
    #[serde(default)]
    pub options: List<Text>,
    /// Options whose values are files of code, read and scanned (`awk -f prog.awk`).
    #[serde(default)]
    pub file_options: List<Text>,
    /// With no code option, the first operand is the code (`awk PROGRAM`, `deno eval`).
    #[serde(default)]
    pub operand: bool,
    /// The option whose value is a module run as the program (`python -m alembic`): it
    /// is judged as the program the pack's `packages:` maps it to, else its own name.
    #[serde(default)]
    pub module_option: Option<Text>,
    /// The option whose value is the script file (`php -f x.php`).
    #[serde(default)]
    pub script_option: Option<Text>,
    /// With no code option, the first operand is a script file, judged as the program
    /// its basename names, with the later operands as its arguments (`-`: stdin).
    #[serde(default)]
    pub script: bool,
    /// With no code, module or script, the code comes from stdin (`python3 - <<EOF`).
    #[serde(default)]
    pub stdin: bool,
    /// With this option in effect the code cannot run commands (`gawk --sandbox`).
    #[serde(default)]
    pub sandbox_option: Option<Text>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    #[default]
    None,
    Required,
    Optional,
}

/// One option. In YAML either an object or help-text shorthand:
/// `"-f, --[no-]force"`, `"-C <path>"`, `"--prune[=<date>]"`, `"-o, --push-option <x>..."`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    /// Canonical name rules use; defaults to the first long name, else the short char.
    #[serde(default)]
    pub name: Text,
    #[serde(default)]
    pub short: List<char>,
    #[serde(default)]
    pub long: List<Text>,
    #[serde(default)]
    pub value: ValueKind,
    /// `--no-<long>` turns the flag off (last one wins).
    #[serde(default)]
    pub negatable: bool,
    /// Values accumulate (`-H a -H b`) instead of the last one winning.
    #[serde(default)]
    pub multiple: bool,
    /// Accepted at this node and every subcommand below it (clap/cobra globals).
    #[serde(default)]
    pub global: bool,
    /// The value is a directory the command then works in (`git -C dir`).
    #[serde(default)]
    pub changes_dir: bool,
    /// The value cannot change what the command destroys (a user agent, a timeout):
    /// a value guard cannot know before the command runs is fine here.
    #[serde(default)]
    pub inert: bool,
    /// The value is an HTTP header: an unknown value is fine when the header's name is
    /// known and it is not one that changes the method or how the body is read.
    #[serde(default)]
    pub header: bool,
    /// Options end after this one: every later word is an operand (`python -c CODE
    /// ARGS…`, `python -m MODULE ARGS…`).
    #[serde(default)]
    pub ends: bool,
}

impl OptionSpec {
    /// Fills `name` from the first long name or short char.
    pub fn finish(mut self) -> Result<Self, String> {
        if self.short.is_empty() && self.long.is_empty() {
            return Err("option has neither a short nor a long name".into());
        }
        if self.name.is_empty() {
            self.name = match (self.long.first(), self.short.first()) {
                (Some(l), _) => l.clone(),
                (None, Some(c)) => Cow::Owned(c.to_string()),
                (None, None) => unreachable!("checked above"),
            };
        }
        Ok(self)
    }

    /// Parses help-text shorthand. Grammar (whitespace and commas separate names):
    /// `-x` short · `--name` or `-name` (single-dash long) · `--[no-]name` negatable ·
    /// `<v>` after a name: required value · `[=<v>]` attached: optional value ·
    /// trailing `...`: multiple · trailing flags in parentheses: `(global)`, `(dir)`,
    /// `(inert)`, `(header)`, `(ends)`.
    pub fn parse_shorthand(text: &str) -> Result<Self, String> {
        let mut spec = OptionSpec::default();
        let mut rest = text.trim();
        if let Some(open) = rest.rfind(" (")
            && rest.ends_with(')')
        {
            for flag in rest[open + 2..rest.len() - 1].split(',') {
                match flag.trim() {
                    "global" => spec.global = true,
                    "dir" => spec.changes_dir = true,
                    "multiple" => spec.multiple = true,
                    "inert" => spec.inert = true,
                    "header" => spec.header = true,
                    "ends" => spec.ends = true,
                    other => return Err(format!("unknown option attribute `{other}` in `{text}`")),
                }
            }
            rest = rest[..open].trim_end();
        }
        if let Some(stripped) = rest.strip_suffix("...") {
            spec.multiple = true;
            rest = stripped.trim_end();
        }
        for word in rest.split([',', ' ']).filter(|w| !w.is_empty()) {
            if word.starts_with('<') {
                spec.value = ValueKind::Required;
                continue;
            }
            let (name_part, optional) = match word.find("[=") {
                Some(i) => (&word[..i], true),
                None => (word, false),
            };
            if optional {
                spec.value = ValueKind::Optional;
            }
            let (name_part, attached_required) = match name_part.find('=') {
                Some(i) => (&name_part[..i], true),
                None => (name_part, false),
            };
            if attached_required {
                spec.value = ValueKind::Required;
            }
            if let Some(long) = name_part.strip_prefix("--") {
                let long = match long.strip_prefix("[no-]") {
                    Some(l) => {
                        spec.negatable = true;
                        l
                    }
                    None => long,
                };
                check_name(long, text)?;
                spec.long.to_mut().push(Cow::Owned(long.to_string()));
            } else if let Some(short) = name_part.strip_prefix('-') {
                let mut chars = short.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => spec.short.to_mut().push(c),
                    (Some(_), Some(_)) => {
                        // single-dash long name (`-auto-approve`, `-delete`)
                        check_name(short, text)?;
                        spec.long.to_mut().push(Cow::Owned(short.to_string()));
                    }
                    _ => return Err(format!("empty option name in `{text}`")),
                }
            } else {
                return Err(format!("cannot read `{word}` in option `{text}`"));
            }
        }
        spec.finish()
    }
}

fn check_name(name: &str, text: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(['=', '[', ']', '<', '>']) {
        return Err(format!("bad option name `{name}` in `{text}`"));
    }
    Ok(())
}

fn options_de<'de, D: Deserializer<'de>>(de: D) -> Result<List<OptionSpec>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Full(OptionSpec),
    }
    let items: Vec<Either> = Vec::deserialize(de)?;
    let parsed: Vec<OptionSpec> = items
        .into_iter()
        .map(|item| match item {
            Either::Text(t) => OptionSpec::parse_shorthand(&t),
            Either::Full(o) => o.finish(),
        })
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)?;
    Ok(Cow::Owned(parsed))
}

/// An allowed exception to one rule (system layer): the rule does not stop an operation
/// that also satisfies `match` (every operation it matches, without `match`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSpec {
    pub rule: Text,
    /// Why this is safe here, for the audit log and `guard rules list`.
    pub reason: Text,
    #[serde(default, rename = "match")]
    pub when: Option<Condition>,
    /// Where it is written (`/etc/guard/team.yaml:12`); filled in when loaded.
    #[serde(default, skip_deserializing)]
    pub source: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleDecision {
    /// A person must approve this exact request.
    #[default]
    Confirm,
    /// Never runs; no grant can unlock it (self-protection).
    Deny,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Text,
    /// One line a person understands: what is lost if this runs.
    pub reason: Text,
    pub severity: Severity,
    #[serde(default)]
    pub decision: RuleDecision,
    /// Programs of this pack the rule applies to; empty means all of them. Rules on
    /// operations apply whatever surface produced the operation.
    #[serde(default, deserialize_with = "one_or_many")]
    pub program: List<Text>,
    #[serde(rename = "match")]
    pub when: Condition,
    #[serde(default)]
    pub unless: Option<Condition>,
    /// Commands this rule must stop (`guard rules test` checks them).
    #[serde(default)]
    pub confirm: List<Text>,
    /// Look-alikes that must stay allowed.
    #[serde(default)]
    pub allow: List<Text>,
    /// `file:line` of the rule, filled in at build time.
    #[serde(default)]
    pub source: Text,
}

/// A condition: every key present must hold (implicit AND).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The subcommand path (canonical names, space-separated) is one of these.
    #[serde(default, deserialize_with = "one_or_many")]
    pub command: List<Text>,
    /// The subcommand path (space-separated) satisfies the predicate: for command
    /// trees too large to list (`(^| )delete( |$)` at any depth of a cloud CLI).
    #[serde(default)]
    pub command_matches: Option<TextPredicate>,
    /// The command produces one of these operations.
    #[serde(default, deserialize_with = "one_or_many")]
    pub operation: List<Text>,
    /// The operation id satisfies the predicate (for services no pack describes:
    /// `graphql.dropEverything`).
    #[serde(default)]
    pub operation_matches: Option<TextPredicate>,
    /// At least one of these options is in effect (flags: last occurrence wins).
    #[serde(default, deserialize_with = "one_or_many")]
    pub option: List<Text>,
    /// Each named option has an effective value that satisfies the predicate.
    #[serde(default)]
    pub option_value: Named<TextPredicate>,
    /// Some operand satisfies the predicate.
    #[serde(default)]
    pub operand: Option<TextPredicate>,
    /// The number of operands is within bounds.
    #[serde(default)]
    pub operand_count: Option<Bounds>,
    /// Some argument word (anywhere after the program name) satisfies the predicate.
    #[serde(default)]
    pub word: Option<TextPredicate>,
    /// Consecutive argument words satisfy these predicates in order.
    #[serde(default)]
    pub sequence: List<TextPredicate>,
    /// Last resort: the shell-quoted command line satisfies the predicate.
    #[serde(default)]
    pub argv: Option<TextPredicate>,
    /// HTTP requests: the method (after overrides) is one of these (upper-case).
    #[serde(default, deserialize_with = "one_or_many")]
    pub method: List<Text>,
    /// HTTP requests and API calls: the host satisfies the predicate.
    #[serde(default)]
    pub host: Option<TextPredicate>,
    /// HTTP requests: the URL path satisfies the predicate.
    #[serde(default)]
    pub path: Option<TextPredicate>,
    /// Database statements: the statement's kind is one of these (`drop`, `truncate`…).
    #[serde(default, deserialize_with = "one_or_many")]
    pub sql: List<Text>,
    /// API calls: every predicate holds somewhere in the call's arguments.
    #[serde(default)]
    pub args: List<ArgPredicate>,
    #[serde(default)]
    pub all: List<Condition>,
    #[serde(default)]
    pub any: List<Condition>,
    /// Zero or one condition (a list only so that it can live in static data).
    #[serde(default, deserialize_with = "one_condition")]
    pub not: List<Condition>,
}

/// A test on an API call's arguments (JSON), at any depth: some object has a member
/// named `key` whose value is `equals` (as JSON text: `true`, `"x"`, `3`), or, with
/// `has_null`, whose value is an object containing a null member (a patch that deletes).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgPredicate {
    pub key: Text,
    #[serde(default)]
    pub equals: Option<Text>,
    #[serde(default)]
    pub has_null: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default)]
    pub min: Option<usize>,
    #[serde(default)]
    pub max: Option<usize>,
}

/// A test on one string. A bare YAML string is shorthand for `{matches: …}`.
#[derive(Debug, Clone, Default)]
pub struct TextPredicate {
    pub matches: Option<Text>,
    pub not_matches: Option<Text>,
    /// Operands only: the operand came after `--`.
    pub after_dashdash: Option<bool>,
    /// Operands only: the operand names a path that exists (relative to the command's
    /// working directory, after `-C`-style options).
    pub exists: Option<bool>,
    /// Operands only: only the operand at this position counts (0: the first, a copy's
    /// source).
    pub at: Option<usize>,
}

impl<'de> Deserialize<'de> for TextPredicate {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(default)]
            matches: Option<String>,
            #[serde(default)]
            not_matches: Option<String>,
            #[serde(default)]
            after_dashdash: Option<bool>,
            #[serde(default)]
            exists: Option<bool>,
            #[serde(default)]
            at: Option<usize>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Full(Full),
        }
        Ok(match Either::deserialize(de)? {
            Either::Text(t) => TextPredicate { matches: Some(Cow::Owned(t)), ..Default::default() },
            Either::Full(f) => TextPredicate {
                matches: f.matches.map(Cow::Owned),
                not_matches: f.not_matches.map(Cow::Owned),
                after_dashdash: f.after_dashdash,
                exists: f.exists,
                at: f.at,
            },
        })
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(de: D) -> Result<List<Text>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        One(String),
        Many(Vec<String>),
    }
    let v = match Either::deserialize(de)? {
        Either::One(s) => vec![s],
        Either::Many(v) => v,
    };
    Ok(Cow::Owned(v.into_iter().map(Cow::Owned).collect()))
}

fn one_condition<'de, D: Deserializer<'de>>(de: D) -> Result<List<Condition>, D::Error> {
    Ok(Cow::Owned(vec![Condition::deserialize(de)?]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_flag_with_short_and_negatable_long() {
        let o = OptionSpec::parse_shorthand("-f, --[no-]force").unwrap();
        assert_eq!(o.name, "force");
        assert_eq!(o.short.to_vec(), vec!['f']);
        assert_eq!(o.long.to_vec(), vec!["force"]);
        assert!(o.negatable);
        assert_eq!(o.value, ValueKind::None);
    }

    #[test]
    fn shorthand_values() {
        let o = OptionSpec::parse_shorthand("-C <path> (dir)").unwrap();
        assert_eq!((&*o.name, o.value, o.changes_dir), ("C", ValueKind::Required, true));
        let o = OptionSpec::parse_shorthand("--[no-]force-with-lease[=<refname>:<expect>]").unwrap();
        assert_eq!((&*o.name, o.value, o.negatable), ("force-with-lease", ValueKind::Optional, true));
        let o = OptionSpec::parse_shorthand("-o, --push-option <opt>...").unwrap();
        assert_eq!((o.value, o.multiple), (ValueKind::Required, true));
        let o = OptionSpec::parse_shorthand("--git-dir=<path>").unwrap();
        assert_eq!((&*o.name, o.value), ("git-dir", ValueKind::Required));
        let o = OptionSpec::parse_shorthand("-auto-approve").unwrap();
        assert_eq!(o.long.to_vec(), vec!["auto-approve"]);
        let o = OptionSpec::parse_shorthand("-y, --yes (global)").unwrap();
        assert!(o.global);
    }

    #[test]
    fn shorthand_rejects_garbage() {
        assert!(OptionSpec::parse_shorthand("force").is_err());
        assert!(OptionSpec::parse_shorthand("-f (weird)").is_err());
        assert!(OptionSpec::parse_shorthand("").is_err());
    }
}
