//! Policy layers (DESIGN.md "Rules"): built-in → system → user → project.
//!
//! | layer   | directory                                   | who can write it | may loosen |
//! |---------|---------------------------------------------|------------------|------------|
//! | system  | `/etc/guard/`                               | root only        | yes        |
//! | user    | guard's config dir under the passwd home    | the agent, too   | no         |
//! | project | `.guard/` at the repository root of the cwd | the agent, too   | no         |
//!
//! In each directory `config.yaml` holds settings (`crate::settings`); every other
//! `*.yaml` in it and in its `rules/` subdirectory is a pack file. Files are read on
//! every invocation — a compiled cache would sit where the agent can write, and a
//! forged cache could loosen anything — so they are size- and count-capped, and only
//! files that exist are read.
//!
//! System files must be owned by root and writable by no one else (as visudo checks
//! sudoers); anything else there is refused, and guarded commands do not run.

use crate::paths;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A layer file larger than this is refused rather than parsed.
pub const MAX_LAYER_FILE_BYTES: u64 = 256 * 1024;
/// More pack files than this in one layer is refused.
pub const MAX_LAYER_FILES: usize = 64;
/// How far up from the cwd the repository root is looked for.
const MAX_REPO_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerKind {
    Builtin,
    System,
    User,
    Project,
}

impl LayerKind {
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Builtin => "built-in",
            LayerKind::System => "system",
            LayerKind::User => "user",
            LayerKind::Project => "project",
        }
    }

    /// Whether this layer may loosen policy: only what the agent cannot write.
    pub fn may_loosen(self) -> bool {
        matches!(self, LayerKind::Builtin | LayerKind::System)
    }
}

/// One layer's directory (it need not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerDir {
    pub kind: LayerKind,
    pub dir: PathBuf,
}

/// A problem with a layer file: where, a stable code, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerError {
    pub file: PathBuf,
    /// 1-based; `None` when the problem is the file as a whole.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}:{}", self.column.unwrap_or(1))?;
        }
        write!(f, ": {}: {}", self.code, self.message)
    }
}

impl std::error::Error for LayerError {}

impl LayerError {
    pub fn whole_file(file: &Path, code: &'static str, message: impl Into<String>) -> LayerError {
        LayerError { file: file.to_path_buf(), line: None, column: None, code, message: message.into() }
    }

    /// A problem with the file or directory itself (permissions, size, encoding), which
    /// no line of it could be blamed for.
    pub fn is_about_whole_file(&self) -> bool {
        matches!(
            self.code,
            "unreadable" | "too-large" | "not-utf8" | "unsafe-permissions" | "no-home" | "too-many-files"
        )
    }
}

/// The layer directories for a command run in `cwd`, most trusted first. The user
/// layer is found through the passwd entry, never `$HOME`; without one, no layer can
/// be trusted to be complete, so that is an error.
pub fn dirs(cwd: &Path) -> Result<Vec<LayerDir>, LayerError> {
    // asked for by the rules and again by the settings of the same invocation
    static LAST: std::sync::Mutex<Option<(PathBuf, Vec<LayerDir>)>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((dir, found)) = last.as_ref()
        && dir == cwd
    {
        return Ok(found.clone());
    }
    let found = find_dirs(cwd)?;
    *last = Some((cwd.to_path_buf(), found.clone()));
    Ok(found)
}

fn find_dirs(cwd: &Path) -> Result<Vec<LayerDir>, LayerError> {
    let mut out = vec![LayerDir { kind: LayerKind::System, dir: PathBuf::from(paths::SYSTEM_DIR) }];
    let user = paths::user_config_dir()
        .map_err(|e| LayerError::whole_file(Path::new("~"), "no-home", format!("cannot find the user layer: {e}")))?;
    out.push(LayerDir { kind: LayerKind::User, dir: user });
    if let Some(root) = repository_root(cwd) {
        out.push(LayerDir { kind: LayerKind::Project, dir: root.join(".guard") });
    }
    Ok(out)
}

/// The nearest directory at or above `cwd` holding `.git` (a directory, or the file
/// a worktree or submodule has).
pub fn repository_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors().take(MAX_REPO_DEPTH).find(|d| d.join(".git").symlink_metadata().is_ok()).map(Path::to_path_buf)
}

/// A layer file's text, read within the caps.
#[derive(Debug, Clone)]
pub struct LayerFile {
    pub kind: LayerKind,
    pub path: PathBuf,
    pub text: String,
}

/// The pack files of these layers (`config.yaml` aside), most trusted layer first and
/// by name within a layer, and the problems met reading them (a layer or file that
/// cannot be read as a whole is left out and reported).
pub fn pack_files(dirs: &[LayerDir]) -> (Vec<LayerFile>, Vec<LayerError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for layer in dirs {
        let mut names = Vec::new();
        for dir in [layer.dir.clone(), layer.dir.join("rules")] {
            match read_dir_checked(layer.kind, &dir) {
                Ok(Some(entries)) => {
                    names.extend(entries.into_iter().filter(|p| !(dir == layer.dir && p.ends_with("config.yaml"))))
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        if names.len() > MAX_LAYER_FILES {
            errors.push(LayerError::whole_file(
                &layer.dir,
                "too-many-files",
                format!("{} rule files; a layer may hold at most {MAX_LAYER_FILES}", names.len()),
            ));
            continue;
        }
        for path in names {
            match read_file(layer.kind, &path) {
                Ok(text) => files.push(LayerFile { kind: layer.kind, path, text }),
                Err(e) => errors.push(e),
            }
        }
    }
    (files, errors)
}

/// The settings file of a layer, if it has one.
pub fn config_file(layer: &LayerDir) -> Result<Option<LayerFile>, LayerError> {
    let path = layer.dir.join("config.yaml");
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => {
            if layer.kind == LayerKind::System {
                check_system_dir(&layer.dir)?;
            }
            Ok(Some(LayerFile { kind: layer.kind, text: read_file(layer.kind, &path)?, path }))
        }
    }
}

/// `*.yaml` files directly in `dir`, sorted; `None` when `dir` does not exist.
fn read_dir_checked(kind: LayerKind, dir: &Path) -> Result<Option<Vec<PathBuf>>, LayerError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(LayerError::whole_file(dir, "unreadable", "is not a directory"));
        }
        Err(e) => return Err(LayerError::whole_file(dir, "unreadable", e.to_string())),
    };
    if kind == LayerKind::System {
        check_system_dir(dir)?;
    }
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && !is_hidden(p))
        .collect();
    names.sort();
    Ok(Some(names))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
}

fn read_file(kind: LayerKind, path: &Path) -> Result<String, LayerError> {
    let unreadable = |e: std::io::Error| LayerError::whole_file(path, "unreadable", e.to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if kind == LayerKind::System {
        check_system_owned(path, &meta)?;
    }
    if !meta.is_file() {
        return Err(LayerError::whole_file(path, "unreadable", "is not a regular file"));
    }
    if meta.len() > MAX_LAYER_FILE_BYTES {
        return Err(LayerError::whole_file(
            path,
            "too-large",
            format!("{} bytes; a layer file may hold at most {MAX_LAYER_FILE_BYTES}", meta.len()),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_LAYER_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    String::from_utf8(bytes).map_err(|e| {
        LayerError::whole_file(path, "not-utf8", format!("is not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
    })
}

fn check_system_dir(dir: &Path) -> Result<(), LayerError> {
    let meta = std::fs::metadata(dir).map_err(|e| LayerError::whole_file(dir, "unreadable", e.to_string()))?;
    check_system_owned(dir, &meta)
}

/// Root-owned and writable by no one else (the metadata of the file a link points to:
/// a root-owned link to a user's file is the user's file).
fn check_system_owned(path: &Path, meta: &std::fs::Metadata) -> Result<(), LayerError> {
    if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        return Err(LayerError::whole_file(
            path,
            "unsafe-permissions",
            format!(
                "system-layer files must be owned by root and writable by no one else (owner uid {}, mode {:o})",
                meta.uid(),
                meta.mode() & 0o7777
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_root_is_the_nearest_git() {
        let t = tempfile::tempdir().unwrap();
        let repo = t.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("a/b")).unwrap();
        assert_eq!(repository_root(&repo.join("a/b")), Some(repo.clone()));
        // a worktree's .git is a file
        std::fs::create_dir_all(repo.join("a/wt")).unwrap();
        std::fs::write(repo.join("a/wt/.git"), "gitdir: x").unwrap();
        assert_eq!(repository_root(&repo.join("a/wt")), Some(repo.join("a/wt")));
    }

    #[test]
    fn pack_files_are_the_yaml_files_beside_config_and_in_rules() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::create_dir_all(d.join("rules")).unwrap();
        for f in ["config.yaml", "b.yaml", "a.yaml", "notes.txt", ".hidden.yaml", "rules/c.yaml"] {
            std::fs::write(d.join(f), "x: 1\n").unwrap();
        }
        let (files, errors) = pack_files(&[LayerDir { kind: LayerKind::Project, dir: d.to_path_buf() }]);
        assert!(errors.is_empty());
        let names: Vec<_> = files.iter().map(|f| f.path.strip_prefix(d).unwrap().to_path_buf()).collect();
        assert_eq!(names, vec![PathBuf::from("a.yaml"), "b.yaml".into(), "rules/c.yaml".into()]);
        let (files, errors) = pack_files(&[LayerDir { kind: LayerKind::Project, dir: d.join("absent") }]);
        assert!(files.is_empty() && errors.is_empty());
    }

    #[test]
    fn oversized_and_non_utf8_files_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("big.yaml"), vec![b'#'; MAX_LAYER_FILE_BYTES as usize + 1]).unwrap();
        let e = pack_files(&[LayerDir { kind: LayerKind::User, dir: d.to_path_buf() }]).1.remove(0);
        assert_eq!(e.code, "too-large");
        std::fs::remove_file(d.join("big.yaml")).unwrap();
        std::fs::write(d.join("bin.yaml"), b"a: \xff\n").unwrap();
        let e = pack_files(&[LayerDir { kind: LayerKind::User, dir: d.to_path_buf() }]).1.remove(0);
        assert_eq!(e.code, "not-utf8");
        assert!(e.to_string().starts_with(&format!("{}: not-utf8:", d.join("bin.yaml").display())));
    }

    #[test]
    fn system_files_must_be_root_owned_and_not_writable_by_others() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("team.yaml"), "x: 1\n").unwrap();
        let system = [LayerDir { kind: LayerKind::System, dir: d.to_path_buf() }];
        if nix::unistd::getuid().is_root() {
            // root owns the temp dir and the file: accepted until the file is group-writable
            assert!(pack_files(&system).1.is_empty());
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d.join("team.yaml"), std::fs::Permissions::from_mode(0o664)).unwrap();
        }
        let (files, errors) = pack_files(&system);
        assert!(files.is_empty());
        assert_eq!(errors[0].code, "unsafe-permissions");
    }
}
