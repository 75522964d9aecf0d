//! What a stopped command really targets, resolved the way the tool itself would.
//!
//! The incident's agent *believed* its call hit staging. The artifact therefore says
//! what guard resolved (repository, remote and branch; the Railway project and
//! environment a directory is linked to; the absolute paths an `rm` reaches), says
//! "unknown" where it cannot know, and marks production loudly. Resolution runs only
//! for stopped commands, so its file reads never touch the hot path.

use crate::operation::{ApiCall, Command, HttpRequest, Operation};
use crate::rules::RuleSet;
use crate::settings::Settings;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Target {
    /// One line for a person.
    pub summary: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Kubernetes: the kubeconfig context, its cluster and the namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Resource ids the request names (`volumeId` …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// A production pattern from the settings matched.
    pub production: bool,
    /// Plain warnings about what guard could not establish.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The environment the command will run with: the process's own, read on demand
/// (no copy on the hot path), or a fixed map for tests and `guard check`.
#[derive(Debug, Clone, Default)]
pub struct Env {
    fixed: Option<BTreeMap<String, OsString>>,
    /// Assignments made for one command (`NAME=value cmd`, `env NAME=value cmd`).
    overrides: Vec<(String, OsString)>,
}

impl Env {
    pub fn process() -> Env {
        Env { fixed: None, overrides: Vec::new() }
    }

    pub fn fixed(vars: BTreeMap<String, OsString>) -> Env {
        Env { fixed: Some(vars), overrides: Vec::new() }
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.overrides.retain(|(k, _)| k != name);
        self.overrides.push((name.to_string(), OsString::from(value)));
    }

    pub fn get(&self, name: &str) -> Option<OsString> {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var_os(name),
        }
    }

    /// The value as text, when set and not empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.to_string_lossy().into_owned()).filter(|v| !v.is_empty())
    }
}

/// The target of the operation that caused a stop, and the command it belongs to
/// (payload operations come before the command that sent them).
pub fn for_operation<'o>(
    index: Option<usize>,
    ops: &'o [Operation],
    rules: &RuleSet,
    env: &Env,
    settings: &Settings,
) -> (Target, Option<&'o Command>) {
    let index = index.unwrap_or(0).min(ops.len().saturating_sub(1));
    let cmd = ops.get(index..).unwrap_or_default().iter().find_map(Operation::as_command);
    let mut t = match ops.get(index) {
        Some(Operation::Http(h)) => http(h),
        Some(Operation::Api(a)) => api(a),
        Some(Operation::Sql(s)) => {
            let mut t = cmd.map(|c| database(c, env)).unwrap_or_default();
            t.summary = format!("{}: {} ({})", t.summary, s.excerpt, s.kind);
            t
        }
        Some(Operation::Unjudged(u)) if cmd.is_none() => Target { summary: u.destination.clone(), ..Target::default() },
        _ => match cmd {
            Some(c) => command(c, &rules.packs[c.pack].spec.pack, env),
            None => Target { summary: "unknown".into(), ..Target::default() },
        },
    };
    mark_remote(&mut t, ops.get(index + 1..).unwrap_or_default());
    mark_production(&mut t, settings);
    (t, cmd)
}

fn http(h: &HttpRequest) -> Target {
    Target {
        summary: format!("{} {}", h.method, h.url),
        host: h.host.clone(),
        method: Some(h.method.clone()),
        url: Some(h.url.clone()),
        ..Target::default()
    }
}

/// An API call: its host and the resource ids in its arguments. Which project or
/// environment a raw id belongs to cannot be known without asking the API.
fn api(a: &ApiCall) -> Target {
    let mut resources = Vec::new();
    collect_ids(&a.args, &mut resources);
    let mut t = Target {
        summary: format!(
            "{} on {}{}",
            a.operation,
            a.host.as_deref().unwrap_or("the service's API"),
            if resources.is_empty() { String::new() } else { format!(" ({})", resources.join(", ")) }
        ),
        host: a.host.clone(),
        resources,
        ..Target::default()
    };
    t.notes.push(format!(
        "{} names resources by id only; guard cannot tell which project or environment they belong to, and the \
         credential sent may reach every project (an account token does)",
        a.surface
    ));
    t
}

fn collect_ids(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if (k == "id" || k.ends_with("Id")) && (v.is_string() || v.is_number()) {
                    out.push(format!("{k}: {}", v.as_str().map_or_else(|| v.to_string(), str::to_string)));
                } else {
                    collect_ids(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_ids(i, out)),
        _ => {}
    }
}

fn command(cmd: &Command, pack: &str, env: &Env) -> Target {
    match (pack, cmd.program.as_str()) {
        (_, "git") => git(cmd),
        (_, "railway") => railway(cmd, env),
        ("filesystem", _) => paths(cmd),
        ("sql", _) => database(cmd, env),
        ("kubernetes", _) => kube(cmd, env),
        ("machine", _) => machine(cmd),
        ("disks" | "storage", _) => named_operands(cmd),
        ("messaging" | "datastores", _) => broker(cmd, env),
        _ => Target {
            summary: format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string(),
            ..Target::default()
        },
    }
}

/// Disk, volume and object-storage tools: the devices, pools, datasets, volumes,
/// buckets and remote paths the command names, as written (guard does not ask the
/// tool which disk or account `tank` or `remote:` resolves to).
fn named_operands(cmd: &Command) -> Target {
    let what = format!("{} {}", cmd.program, cmd.path_string()).trim_end().to_string();
    let named: Vec<String> = cmd.operands.iter().map(|o| o.text.clone()).collect();
    let summary = match named.len() {
        0 => what,
        1..=4 => format!("{what} {}", named.join(" ")),
        n => format!("{what} {} and {} more", named[..4].join(" "), n - 4),
    };
    Target { summary, resources: named, ..Target::default() }
}

/// Message brokers and time-series servers: the broker, node or server the command
/// reaches, from its flags (`--bootstrap-server`, rpk's `-X brokers=`, `--server`,
/// `--node`, `--host`, `--base-uri`), else the environment variable the tool reads, and
/// the topics, groups, queues or buckets it names.
fn broker(cmd: &Command, env: &Env) -> Target {
    let from_flags = ["bootstrap-server", "bootstrap-servers", "bootstrap-controller", "zookeeper"]
        .into_iter()
        .chain(["brokers", "server", "node", "host", "base-uri"])
        // couchbase-cli -c (nats has a placement `--cluster` of its own)
        .chain(if cmd.program == "couchbase-cli" { &["cluster"][..] } else { &[] }.iter().copied())
        .find_map(|o| cmd.option_values(o).last().map(|v| (*v).to_string()))
        .or_else(|| {
            cmd.option_values("config-opt").iter().rev().find_map(|kv| kv.strip_prefix("brokers=").map(str::to_string))
        });
    let env_vars: &[&str] = match cmd.program.as_str() {
        "rpk" => &["RPK_BROKERS", "REDPANDA_BROKERS"],
        "nats" => &["NATS_URL"],
        "influx" => &["INFLUX_HOST"],
        "rabbitmqctl" | "rabbitmq-queues" => &["RABBITMQ_NODENAME"],
        _ => &[],
    };
    let mut notes = Vec::new();
    let server = from_flags.or_else(|| env_vars.iter().find_map(|k| env.text(k)));
    let server = server.map(|s| s.split(',').next().unwrap_or(&s).trim().to_string()).filter(|s| !s.is_empty());
    let host = server.as_deref().and_then(|s| match s.split_once('@') {
        // an Erlang node name: `rabbit@mq1`
        Some((_, h)) if !s.contains("://") => Some(h.to_ascii_lowercase()),
        _ => url_host(s).or_else(|| Some(s.to_ascii_lowercase())),
    });
    if server.is_none() {
        notes.push(format!(
            "no broker or server is named; {} uses the one its configuration or context names",
            cmd.program
        ));
    }
    let mut what = vec![cmd.program.clone()];
    what.extend(cmd.path.iter().cloned());
    let mut resources: Vec<String> = ["topic", "group", "entity-name", "application-id", "bucket", "name"]
        .into_iter()
        .flat_map(|o| cmd.option_values(o).into_iter().map(move |v| format!("{o} {v}")))
        .collect();
    resources.extend(cmd.operands.iter().take(4).map(|o| o.text.clone()));
    let summary = format!(
        "{}{} on {}",
        what.join(" "),
        if resources.is_empty() { String::new() } else { format!(" {}", resources.join(", ")) },
        server.as_deref().unwrap_or("the configured server")
    );
    Target { summary, host, resources, notes, ..Target::default() }
}

/// The machine a power command takes down: `systemctl -H host`, else this one.
fn machine(cmd: &Command) -> Target {
    let (host, note) = match cmd.option_values("host").last() {
        Some(h) => (h.rsplit('@').next().unwrap_or(h).to_string(), None),
        None => match nix::unistd::gethostname() {
            Ok(name) => (name.to_string_lossy().into_owned(), Some("this machine".to_string())),
            Err(_) => ("unknown".to_string(), Some("guard could not read this machine's hostname".to_string())),
        },
    };
    Target {
        summary: format!("host {host}{}", note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()),
        host: Some(host),
        ..Target::default()
    }
}

/// A command a wrapper runs on another machine (`ssh host …`): that host, named.
fn mark_remote(t: &mut Target, later: &[Operation]) {
    let Some(wrapper) =
        later.iter().filter_map(Operation::as_command).find(|c| c.runs.as_ref().is_some_and(|r| r.remote))
    else {
        return;
    };
    let without_user = |h: &str| h.rsplit('@').next().unwrap_or(h).to_string();
    let host = match wrapper.runs.as_ref().and_then(|r| r.hosts_option.as_deref()) {
        // `pdsh -w web1,web2`: every host named
        Some(opt) => match wrapper.option_values(opt) {
            hosts if hosts.is_empty() => return,
            hosts => hosts.iter().map(|h| without_user(h)).collect::<Vec<_>>().join(","),
        },
        None => match wrapper.operands.first() {
            Some(dest) => without_user(&dest.text),
            None => return,
        },
    };
    t.notes.push(format!("runs on {host} through {}", wrapper.program));
    t.summary = match t.summary.strip_suffix(" (this machine)") {
        // a power command: the remote machine is the one that goes down
        Some(_) => format!("host {host} (through {})", wrapper.program),
        None => format!("{} on {host} (through {})", t.summary, wrapper.program),
    };
    t.host = Some(host);
}

/// A database client: host, port, database and user as the client resolves them
/// (flags, connection URIs, `PG*`/`MYSQL_*`); never a password.
fn database(cmd: &Command, env: &Env) -> Target {
    let Some(s) = crate::inspect::sql::target_of(cmd.inspector.as_deref().unwrap_or(""), cmd, env) else {
        return Target { summary: format!("{} (server unknown)", cmd.program), ..Target::default() };
    };
    let summary = format!(
        "{} on {}{}{}{}",
        s.client,
        s.host.as_deref().unwrap_or("the default server"),
        s.port.as_deref().map(|p| format!(":{p}")).unwrap_or_default(),
        s.database.as_deref().map(|d| format!(", database {d}")).unwrap_or_default(),
        s.user.as_deref().map(|u| format!(", as {u}")).unwrap_or_default()
    );
    Target {
        summary,
        host: s.host.clone(),
        port: s.port.clone(),
        database: s.database.clone(),
        user: s.user.clone(),
        notes: s.notes.clone(),
        ..Target::default()
    }
}

fn mark_production(t: &mut Target, settings: &Settings) {
    // "production (e2)": the name, not the id, is what patterns describe
    let env_name = t.environment.as_deref().map(|e| e.split(" (").next().unwrap_or(e));
    let host = t.host.clone().or_else(|| t.remote_url.as_deref().and_then(url_host));
    if settings.is_production(host.as_deref(), env_name) {
        t.production = true;
    }
    let kube_names = crate::kubeconfig::names(t.context.as_deref(), t.cluster.as_deref());
    if kube_names.iter().any(|n| settings.is_production(None, Some(n))) {
        t.production = true;
    }
    if t.production {
        t.summary = format!("PRODUCTION: {}", t.summary);
    }
}

/// kubectl and helm: the context, cluster, API server and namespace they reach.
fn kube(cmd: &Command, env: &Env) -> Target {
    let k = crate::kubeconfig::resolve(cmd, env);
    let host = k.server.as_deref().and_then(url_host);
    let mut what: Vec<&str> = vec![&cmd.program];
    what.extend(cmd.path.iter().map(String::as_str));
    what.extend(cmd.operands.iter().take(4).map(|o| o.text.as_str()));
    let summary = format!(
        "{}{}: context {}{}, namespace {}",
        what.join(" "),
        if cmd.operands.len() > 4 { " …" } else { "" },
        k.context,
        k.server.as_deref().map(|s| format!(" ({s})")).unwrap_or_default(),
        k.namespace.as_deref().unwrap_or("unknown")
    );
    Target {
        summary,
        context: Some(k.context),
        cluster: k.cluster,
        namespace: k.namespace,
        host,
        notes: k.notes,
        ..Target::default()
    }
}

/// File-system tools: every operand as an absolute path (`dd`: its `of=`).
fn paths(cmd: &Command) -> Target {
    let mut t = Target::default();
    for op in cmd.operands.iter() {
        let text = match op.text.split_once('=') {
            Some(("of", p)) if cmd.program == "dd" => p,
            Some(_) if cmd.program == "dd" => continue,
            _ => op.text.as_str(),
        };
        if text.starts_with('-') && !op.after_dashdash && cmd.program == "find" {
            break; // find's expression starts here
        }
        t.paths.push(absolute(&cmd.dir, text).display().to_string());
    }
    t.summary = match t.paths.len() {
        0 => format!("{} with no path operands", cmd.program),
        1 => t.paths[0].clone(),
        n => format!("{} and {} more", t.paths[0], n - 1),
    };
    t
}

/// Lexically absolute: `..` is applied without following links, `~` is not expanded
/// (a shim receives it literally only when it was quoted, and then it is a name).
pub fn absolute(dir: &Path, p: &str) -> PathBuf {
    let joined = if Path::new(p).is_absolute() { PathBuf::from(p) } else { dir.join(p) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn git(cmd: &Command) -> Target {
    let mut t = Target::default();
    let git_dir = cmd.option_values("git-dir").last().map(|d| absolute(&cmd.dir, d)).or_else(|| find_git_dir(&cmd.dir));
    let Some(git_dir) = git_dir else {
        t.summary = format!("git in {} (no repository found)", cmd.dir.display());
        t.notes.push("no git repository found from this directory".into());
        return t;
    };
    let top = if git_dir.file_name().is_some_and(|n| n == ".git") { git_dir.parent() } else { Some(git_dir.as_path()) };
    t.repository = top.map(|p| p.display().to_string());
    let config = read_git_config(&common_dir(&git_dir).join("config"));
    t.branch = current_branch(&git_dir);
    if cmd.path.first().is_some_and(|p| p == "push") {
        let named = cmd.operands.first().map(|o| o.text.clone());
        let remote = named.clone().or_else(|| {
            let b = t.branch.as_deref()?;
            config.get(&format!("branch.{b}.remote")).cloned()
        });
        let remote = remote.unwrap_or_else(|| "origin".into());
        t.remote_url = config.get(&format!("remote.{remote}.url")).cloned().or_else(|| {
            // a URL given in place of a remote name
            (remote.contains(':') || remote.contains('/')).then(|| remote.clone())
        });
        if t.remote_url.is_none() {
            t.notes.push(format!("remote `{remote}` has no URL in the repository's config"));
        }
        let refs: Vec<&str> = cmd.operands.iter().skip(1).map(|o| o.text.as_str()).collect();
        t.summary = format!(
            "remote {remote} ({}), {}",
            t.remote_url.as_deref().unwrap_or("unknown URL"),
            if refs.is_empty() {
                format!("branch {}", t.branch.as_deref().unwrap_or("unknown"))
            } else {
                format!("refs {}", refs.join(" "))
            }
        );
        t.remote = Some(remote);
    } else {
        t.summary = format!(
            "repository {}, branch {}",
            t.repository.as_deref().unwrap_or("unknown"),
            t.branch.as_deref().unwrap_or("unknown")
        );
    }
    t
}

/// `.git` directory (or the directory a `.git` file points to) above `dir`.
fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        let dot = d.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        if dot.is_file() {
            let text = std::fs::read_to_string(&dot).ok()?;
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            return Some(absolute(d, target));
        }
    }
    None
}

/// A linked worktree keeps its config in the main repository (`commondir`).
fn common_dir(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => absolute(git_dir, text.trim()),
        Err(_) => git_dir.to_path_buf(),
    }
}

fn current_branch(git_dir: &Path) -> Option<String> {
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    match head.strip_prefix("ref: ") {
        Some(r) => Some(r.strip_prefix("refs/heads/").unwrap_or(r).to_string()),
        None => Some(format!("detached at {}", &head[..head.len().min(12)])),
    }
}

/// A minimal reader for `section "sub".key = value` lines (no includes).
fn read_git_config(path: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(path) else { return out };
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(head) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            section = match head.split_once(' ') {
                Some((s, sub)) => format!("{}.{}", s.to_ascii_lowercase(), sub.trim().trim_matches('"')),
                None => head.to_ascii_lowercase(),
            };
        } else if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            out.insert(format!("{section}.{}", k.trim().to_ascii_lowercase()), v);
        }
    }
    out
}

/// The host of `https://h/…`, `ssh://u@h/…` or scp-like `u@h:path`.
pub fn url_host(url: &str) -> Option<String> {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest,
        None if url.contains(':') && !url.starts_with('/') => url,
        None => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host =
        if host.starts_with('[') { host.split(']').next()?.trim_start_matches('[') } else { host.split(':').next()? };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Railway resolves its target as: flags > `RAILWAY_TOKEN`'s own project >
/// `RAILWAY_*_ID` variables > the directory link in `~/.railway/config.json`.
fn railway(cmd: &Command, env: &Env) -> Target {
    let mut t = Target::default();
    let var = |k: &str| env.text(k);
    // the CLI reads $HOME, so that is what decides where it looks
    let home = var("HOME").map(PathBuf::from).or_else(|| crate::paths::home().ok());
    let config_name = match var("RAILWAY_ENV").as_deref() {
        Some("staging") => "config-staging.json",
        Some("dev" | "develop") => "config-dev.json",
        _ => "config.json",
    };
    if let Some(link) = home.and_then(|h| railway_link(&h.join(".railway").join(config_name), &cmd.dir)) {
        t.project = link.project;
        t.environment = link.environment;
        t.service = link.service;
    }
    if var("RAILWAY_TOKEN").is_some() {
        t.notes.push(
            "RAILWAY_TOKEN is set: a project token, whose own project and environment override the directory link"
                .into(),
        );
        t.project = Some("decided by RAILWAY_TOKEN".into());
        t.environment = Some("decided by RAILWAY_TOKEN".into());
    } else if var("RAILWAY_API_TOKEN").is_some() {
        t.notes.push("RAILWAY_API_TOKEN is set: an account or workspace token, which can reach every project".into());
    }
    for (key, slot) in [("RAILWAY_PROJECT_ID", &mut t.project), ("RAILWAY_ENVIRONMENT_ID", &mut t.environment)] {
        if let Some(v) = var(key) {
            *slot = Some(v);
        }
    }
    if let Some(v) = var("RAILWAY_SERVICE_ID") {
        t.service = Some(v);
    }
    for (opt, slot) in [("project", &mut t.project), ("environment", &mut t.environment), ("service", &mut t.service)] {
        if let Some(v) = cmd.option_values(opt).last() {
            *slot = Some((*v).to_string());
        }
    }
    if t.project.is_none() {
        t.notes.push("no linked Railway project found for this directory; the token decides what is reached".into());
    }
    t.summary = format!(
        "Railway project {}, environment {}{}",
        t.project.as_deref().unwrap_or("unknown"),
        t.environment.as_deref().unwrap_or("unknown"),
        t.service.as_deref().map(|s| format!(", service {s}")).unwrap_or_default()
    );
    t
}

struct RailwayLink {
    project: Option<String>,
    environment: Option<String>,
    service: Option<String>,
}

/// The link of the longest ancestor of `dir` in the CLI's `projects` map.
fn railway_link(config: &Path, dir: &Path) -> Option<RailwayLink> {
    let text = std::fs::read_to_string(config).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let projects = json.get("projects")?.as_object()?;
    let (_, link) =
        projects.iter().filter(|(key, _)| dir.starts_with(Path::new(key))).max_by_key(|(key, _)| key.len())?;
    let field = |names: &[&str]| names.iter().find_map(|n| link.get(*n)?.as_str().map(str::to_string));
    let named = |name: Option<String>, id: Option<String>| match (name, id) {
        (Some(n), Some(i)) => Some(format!("{n} ({i})")),
        (n, i) => n.or(i),
    };
    Some(RailwayLink {
        project: named(field(&["name"]), field(&["project"])),
        environment: named(field(&["environmentName"]), field(&["environment"])),
        service: field(&["service"]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_is_lexical() {
        assert_eq!(absolute(Path::new("/a/b"), "../c/./d"), PathBuf::from("/a/c/d"));
        assert_eq!(absolute(Path::new("/a"), "/x/../y"), PathBuf::from("/y"));
        assert_eq!(absolute(Path::new("/"), "../.."), PathBuf::from("/"));
    }

    #[test]
    fn hosts_from_urls() {
        assert_eq!(url_host("https://user@GitHub.com:443/a/b.git").as_deref(), Some("github.com"));
        assert_eq!(url_host("git@github.com:acme/app.git").as_deref(), Some("github.com"));
        assert_eq!(url_host("/srv/repo.git"), None);
        assert_eq!(url_host("ssh://[::1]:22/x").as_deref(), Some("::1"));
    }

    /// The target of the stop a command line gets, judged as the shim would.
    fn stopped_target(line: &str) -> Target {
        use crate::inspect::{Ctx, payload::FixedSources};
        let words = crate::rules::validate::shell_split(line).unwrap();
        let inv = crate::invocation::Invocation::new(words.into_iter().map(OsString::from).collect());
        let mut rules = RuleSet::with_policy(&inv.program, Default::default());
        let env = Env::fixed(BTreeMap::new());
        let sources = FixedSources::default();
        let ctx = Ctx { cwd: Path::new("/w"), real_binary: None, sources: &sources, env: &env };
        let ops = crate::inspect::inspect(&mut rules, &inv, &ctx);
        let decision = crate::rules::decide::decide(&rules, &ops, &crate::rules::matcher::NoFiles).unwrap();
        let stop = decision.stop().unwrap_or_else(|| panic!("`{line}` was not stopped"));
        for_operation(stop.op_index, &ops, &rules, &env, &Settings::default()).0
    }

    #[test]
    fn commands_run_on_many_hosts_name_the_hosts() {
        let t = stopped_target("pdsh -w node[1-4] -w db1 'rm -rf /srv'");
        assert_eq!(t.host.as_deref(), Some("node[1-4],db1"));
        assert_eq!(t.summary, "/srv on node[1-4],db1 (through pdsh)");
        let t = stopped_target("pssh -H root@web1 -H web2 'rm -rf /srv'");
        assert_eq!(t.host.as_deref(), Some("web1,web2"));
        let t = stopped_target("clush -w n[1-3] rm -rf /data");
        assert_eq!(t.host.as_deref(), Some("n[1-3]"));
        let t = stopped_target("ansible web -m shell -a 'rm -rf /srv'");
        assert_eq!(t.summary, "/srv on web (through ansible)");
        let t = stopped_target("salt 'db*' cmd.run 'rm -rf /srv'");
        assert_eq!(t.host.as_deref(), Some("db*"));
        // hosts from a file or the environment are not named
        let t = stopped_target("pssh -h hosts.txt 'rm -rf /srv'");
        assert_eq!(t.host, None);
    }

    #[test]
    fn disks_and_storage_name_what_they_reach() {
        let t = stopped_target("zfs destroy -r tank/data");
        assert_eq!((t.summary.as_str(), t.resources.clone()), ("zfs destroy tank/data", vec!["tank/data".to_string()]));
        let t = stopped_target("sudo lvm lvremove -y vg0/data");
        assert_eq!(t.summary, "lvremove vg0/data");
        let t = stopped_target("rclone sync ./site s3:bucket/site");
        assert_eq!(t.summary, "rclone sync ./site s3:bucket/site");
        assert_eq!(t.resources, vec!["./site", "s3:bucket/site"]);
        let t = stopped_target("mc rm a/b/1 a/b/2 a/b/3 a/b/4 a/b/5 a/b/6");
        assert_eq!(t.summary, "mc rm a/b/1 a/b/2 a/b/3 a/b/4 and 2 more");
        assert_eq!(t.resources.len(), 6);
        let t = stopped_target("mc admin user remove play bob");
        assert_eq!((t.summary.as_str(), t.resources.len()), ("mc admin user remove play bob", 0));
    }

    #[test]
    fn brokers_are_named_from_flags() {
        let t =
            stopped_target("kafka-topics --bootstrap-server kafka-1.prod:9092,kafka-2:9092 --delete --topic orders");
        // the host is what production patterns see
        assert_eq!(t.summary, "PRODUCTION: kafka-topics topic orders on kafka-1.prod:9092");
        assert_eq!((t.host.as_deref(), t.production), (Some("kafka-1.prod"), true));
        let t = stopped_target("rpk topic delete orders -X brokers=rp-0:9092");
        assert_eq!((t.summary.as_str(), t.host.as_deref()), ("rpk topic delete orders on rp-0:9092", Some("rp-0")));
        let t = stopped_target("rabbitmqctl -n rabbit@mq1 delete_queue orders");
        assert_eq!(
            (t.summary.as_str(), t.host.as_deref()),
            ("rabbitmqctl delete_queue orders on rabbit@mq1", Some("mq1"))
        );
        let t = stopped_target("nats stream rm ORDERS -f -s nats://nats.prod:4222");
        assert_eq!(t.host.as_deref(), Some("nats.prod"));
        let t = stopped_target("influx bucket delete -n metrics --host https://influx.prod:8086");
        assert_eq!(t.host.as_deref(), Some("influx.prod"));
        let t = stopped_target("couchbase-cli bucket-delete -c couchbase://cb1.prod -u a -p pw --bucket orders");
        assert_eq!(t.summary, "PRODUCTION: couchbase-cli bucket-delete bucket orders on couchbase://cb1.prod");
        let t = stopped_target("nats kv del config");
        assert_eq!(
            (t.summary.as_str(), t.host, t.notes.len()),
            ("nats kv del config on the configured server", None, 1)
        );
    }

    #[test]
    fn railway_link_prefers_the_longest_ancestor() {
        let t = tempfile::tempdir().unwrap();
        let cfg = t.path().join("config.json");
        std::fs::write(
            &cfg,
            r#"{"projects":{"/w":{"name":"outer","project":"p1","environment":"e1"},
                "/w/app":{"name":"shop","project":"p2","environment":"e2","environmentName":"production"}}}"#,
        )
        .unwrap();
        let link = railway_link(&cfg, Path::new("/w/app/src")).unwrap();
        assert_eq!(link.project.as_deref(), Some("shop (p2)"));
        assert_eq!(link.environment.as_deref(), Some("production (e2)"));
        assert!(railway_link(&cfg, Path::new("/elsewhere")).is_none());
    }
}
