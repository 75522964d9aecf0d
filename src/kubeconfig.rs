//! Which Kubernetes context, cluster and namespace a stopped kubectl or helm command
//! reaches, resolved the way client-go does. OpenShift's `oc` is kubectl's grammar
//! under another name (its program is `kubectl` here) and reads the same files.
//!
//! Order (client-go's loading rules): the `--kubeconfig` file alone; else every file in
//! `KUBECONFIG` (colon-separated), the first file that sets a value winning; else
//! `$HOME/.kube/config`. The context is `--context` (helm: `--kube-context`,
//! `HELM_KUBECONTEXT`), else `current-context`; `--cluster`, `--server`
//! (`--kube-apiserver`) and `--namespace` override what the context names.
//!
//! The home directory is the one kubectl itself uses: `$HOME` (the variable is part of
//! the request fingerprint), falling back to the passwd entry. Files are read bounded;
//! anything unreadable leaves the context "unknown" with a note, never an error.

use crate::operation::Command;
use crate::target::Env;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger kubeconfigs (many clusters with embedded certificates) are not read.
const MAX_KUBECONFIG_BYTES: u64 = 4 << 20;

/// What guard resolved; `None` where the files do not say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct KubeTarget {
    /// The context name, or "unknown".
    pub context: String,
    pub cluster: Option<String>,
    /// The API server URL.
    pub server: Option<String>,
    pub namespace: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct KubeConfigFile {
    #[serde(rename = "current-context", default)]
    current_context: Option<String>,
    #[serde(default)]
    contexts: Vec<Named<ContextBody>>,
    #[serde(default)]
    clusters: Vec<Named<ClusterBody>>,
}

#[derive(Debug, Deserialize)]
struct Named<T> {
    name: String,
    #[serde(alias = "context", alias = "cluster")]
    body: Option<T>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct ContextBody {
    cluster: Option<String>,
    namespace: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct ClusterBody {
    server: Option<String>,
}

/// The flags a program spells the overrides with.
struct Flags {
    context: &'static str,
    server: &'static str,
}

/// Resolves the target of a kubectl or helm command.
pub fn resolve(cmd: &Command, env: &Env) -> KubeTarget {
    let flags = match cmd.program.as_str() {
        "helm" => Flags { context: "kube-context", server: "kube-apiserver" },
        _ => Flags { context: "context", server: "server" },
    };
    let last = |name: &str| cmd.option_values(name).last().map(|v| v.to_string()).filter(|v| !v.is_empty());
    let mut t = KubeTarget::default();
    let files = config_files(last("kubeconfig"), env);
    let mut configs = Vec::new();
    for path in &files {
        match read_config(path) {
            Ok(Some(c)) => configs.push(c),
            Ok(None) => {}
            Err(why) => t.notes.push(format!("{}: {why}", path.display())),
        }
    }
    let helm_context = if cmd.program == "helm" { env.text("HELM_KUBECONTEXT") } else { None };
    let context =
        last(flags.context).or(helm_context).or_else(|| configs.iter().find_map(|c| c.current_context.clone()));
    let Some(context) = context.filter(|c| !c.is_empty()) else {
        t.context = "unknown".into();
        t.notes.push(if files.is_empty() {
            "no kubeconfig file was found".into()
        } else {
            format!("no current-context in {}", list(&files))
        });
        t.namespace = last("namespace");
        t.server = last(flags.server);
        return t;
    };
    let body = configs.iter().flat_map(|c| &c.contexts).find(|n| n.name == context).map(|n| n.body.clone());
    if body.is_none() {
        t.notes.push(format!("context `{context}` is not defined in {}", list(&files)));
    }
    let body = body.flatten().unwrap_or_default();
    t.cluster = last("cluster").or(body.cluster);
    t.server = last(flags.server).or_else(|| {
        let cluster = t.cluster.as_deref()?;
        configs.iter().flat_map(|c| &c.clusters).find(|n| n.name == cluster)?.body.as_ref()?.server.clone()
    });
    let helm_namespace = if cmd.program == "helm" { env.text("HELM_NAMESPACE") } else { None };
    t.namespace = last("namespace").or(helm_namespace).or(body.namespace).or_else(|| Some("default".into()));
    t.context = context;
    t
}

/// The kubeconfig files client-go would load, in precedence order.
fn config_files(explicit: Option<String>, env: &Env) -> Vec<PathBuf> {
    if let Some(path) = explicit {
        return vec![PathBuf::from(path)];
    }
    if let Some(list) = env.text("KUBECONFIG") {
        return list.split(':').filter(|p| !p.is_empty()).map(PathBuf::from).collect();
    }
    let home = env.text("HOME").map(PathBuf::from).or_else(|| crate::paths::home().ok());
    home.map(|h| vec![h.join(".kube").join("config")]).unwrap_or_default()
}

/// A missing file is skipped (client-go skips it too); one that cannot be read or
/// parsed is reported.
fn read_config(path: &Path) -> Result<Option<KubeConfigFile>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    let mut text = String::new();
    file.take(MAX_KUBECONFIG_BYTES + 1).read_to_string(&mut text).map_err(|e| format!("cannot be read ({e})"))?;
    if text.len() as u64 > MAX_KUBECONFIG_BYTES {
        return Err(format!("larger than {MAX_KUBECONFIG_BYTES} bytes; not read"));
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_yaml::from_str(&text).map(Some).map_err(|e| format!("is not a kubeconfig guard can read ({e})"))
}

fn list(files: &[PathBuf]) -> String {
    files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// Names a production pattern may describe: the context and cluster as written, and the
/// cluster's own name inside cloud-generated ones (`arn:aws:eks:…:cluster/prod`,
/// `gke_project_zone_prod`).
pub fn names<'a>(context: Option<&'a str>, cluster: Option<&'a str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for name in [context, cluster].into_iter().flatten() {
        out.push(name);
        if let Some((_, tail)) = name.rsplit_once('/') {
            out.push(tail);
        }
        if let Some(rest) = name.strip_prefix("gke_")
            && let Some(tail) = rest.splitn(3, '_').nth(2)
        {
            out.push(tail);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use std::collections::BTreeMap;
    use std::ffi::OsString;

    const CONFIG: &str = "\
apiVersion: v1
kind: Config
current-context: staging
contexts:
- name: staging
  context: { cluster: stg, user: me, namespace: web }
- name: prod-eu
  context: { cluster: prd, user: me }
clusters:
- name: stg
  cluster: { server: 'https://stg.k8s.example.com:6443', certificate-authority-data: AAAA }
- name: prd
  cluster: { server: 'https://api.prod.example.com' }
users:
- name: me
  user: { token: secret }
";

    fn cmd(line: &str) -> Command {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        let rules = RuleSet::for_program(&words[0]);
        crate::inspect::command(&rules, &words[0], &words[1..], Path::new("/")).unwrap()
    }

    fn env(vars: &[(&str, &Path)]) -> Env {
        let map: BTreeMap<String, OsString> = vars.iter().map(|(k, v)| (k.to_string(), v.as_os_str().into())).collect();
        Env::fixed(map)
    }

    fn home_with(config: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".kube")).unwrap();
        std::fs::write(home.path().join(".kube/config"), config).unwrap();
        home
    }

    #[test]
    fn current_context_from_home() {
        let home = home_with(CONFIG);
        let t = resolve(&cmd("kubectl delete ns x"), &env(&[("HOME", home.path())]));
        assert_eq!(t.context, "staging");
        assert_eq!(t.cluster.as_deref(), Some("stg"));
        assert_eq!(t.server.as_deref(), Some("https://stg.k8s.example.com:6443"));
        assert_eq!(t.namespace.as_deref(), Some("web"));
        assert!(t.notes.is_empty());
    }

    #[test]
    fn flags_override_the_file() {
        let home = home_with(CONFIG);
        let e = env(&[("HOME", home.path())]);
        let t = resolve(&cmd("kubectl --context prod-eu -n payments delete ns x"), &e);
        assert_eq!((t.context.as_str(), t.namespace.as_deref()), ("prod-eu", Some("payments")));
        assert_eq!(t.server.as_deref(), Some("https://api.prod.example.com"));
        let t = resolve(&cmd("helm --kube-context prod-eu uninstall web"), &e);
        assert_eq!((t.context.as_str(), t.namespace.as_deref()), ("prod-eu", Some("default")));
        let t = resolve(&cmd("kubectl delete ns x --context=prod-eu -s https://other:6443"), &e);
        assert_eq!(t.server.as_deref(), Some("https://other:6443"));
    }

    #[test]
    fn oc_reads_the_same_kubeconfig_and_flags() {
        let home = home_with(CONFIG);
        let e = env(&[("HOME", home.path())]);
        let t = resolve(&cmd("oc delete project x"), &e);
        assert_eq!((t.context.as_str(), t.namespace.as_deref()), ("staging", Some("web")));
        let t = resolve(&cmd("oc --context prod-eu -n payments adm drain worker-1"), &e);
        assert_eq!((t.context.as_str(), t.namespace.as_deref()), ("prod-eu", Some("payments")));
        assert_eq!(t.server.as_deref(), Some("https://api.prod.example.com"));
    }

    #[test]
    fn kubeconfig_list_first_file_with_current_context_wins() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::write(&a, "contexts: [{name: prod-eu, context: {cluster: prd}}]\n").unwrap();
        std::fs::write(&b, CONFIG.replace("current-context: staging", "current-context: prod-eu")).unwrap();
        let list = format!("{}:{}:{}", dir.path().join("missing").display(), a.display(), b.display());
        let t = resolve(&cmd("kubectl delete pod x"), &env(&[("KUBECONFIG", Path::new(&list))]));
        assert_eq!(t.context, "prod-eu");
        // the first file defining the context decides its cluster
        assert_eq!(t.cluster.as_deref(), Some("prd"));
        let t = resolve(&cmd(&format!("kubectl --kubeconfig {} delete pod x", a.display())), &env(&[]));
        assert_eq!(t.context, "unknown");
    }

    #[test]
    fn unreadable_or_missing_is_unknown() {
        let home = home_with("contexts: [: not yaml");
        let t = resolve(&cmd("kubectl delete pod x"), &env(&[("HOME", home.path())]));
        assert_eq!(t.context, "unknown");
        assert!(t.notes.iter().any(|n| n.contains("is not a kubeconfig")), "{:?}", t.notes);
        let empty = tempfile::tempdir().unwrap();
        let t = resolve(&cmd("kubectl delete pod x"), &env(&[("HOME", empty.path())]));
        assert_eq!(t.context, "unknown");
        let big = home_with(&"#".repeat(MAX_KUBECONFIG_BYTES as usize + 10));
        let t = resolve(&cmd("kubectl delete pod x"), &env(&[("HOME", big.path())]));
        assert!(t.notes.iter().any(|n| n.contains("larger than")), "{:?}", t.notes);
    }

    #[test]
    fn cloud_context_names_expose_the_cluster_name() {
        assert!(names(Some("arn:aws:eks:us-east-1:1:cluster/prod"), None).contains(&"prod"));
        assert!(names(Some("staging"), Some("gke_shop_us-central1_prod-main")).contains(&"prod-main"));
    }
}
