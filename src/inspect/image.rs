//! Containers whose image is a known CLI (threats.md A1): `docker run amazon/aws-cli
//! s3 rb s3://x --force` runs `aws s3 rb …`, so the aws rules judge it.

use crate::rules::RuleSet;
use crate::rules::embedded;
use crate::rules::schema::PackFile;

/// The program and arguments a container runs: `words` are the image and the
/// command after it; `entrypoint` is the `--entrypoint` override, if any.
/// `None`: an image guard does not know, run with its own default command.
pub fn container_command<'w>(
    rules: &RuleSet,
    words: &[&'w str],
    entrypoint: Option<&'w str>,
) -> Option<(String, Vec<&'w str>)> {
    let (image, command) = words.split_first()?;
    if let Some(program) = entrypoint {
        return Some((program.to_string(), command.to_vec()));
    }
    if let Some(program) = image_program(rules, image) {
        return Some((program, command.to_vec()));
    }
    let (first, rest) = command.split_first()?;
    Some((first.to_string(), rest.to_vec()))
}

/// The program an image runs, from the `images:` tables of the loaded packs, then
/// of every built-in pack (the table need not sit in the container tool's pack).
fn image_program(rules: &RuleSet, image: &str) -> Option<String> {
    let names = image_names(image);
    let lookup = |spec: &PackFile| names.iter().find_map(|n| spec.images.get(n.as_str()).map(|p| p.to_string()));
    rules
        .packs
        .iter()
        .find_map(|pack| lookup(&pack.spec))
        .or_else(|| embedded::PACKS.iter().find_map(|p| lookup(&p.spec)))
}

/// `docker.io/library/postgres:16@sha256:…` → `["library/postgres", "postgres"]`,
/// plus the full repository with its registry when it has one.
fn image_names(image: &str) -> Vec<String> {
    let without_digest = image.split('@').next().unwrap_or(image);
    // a tag is a colon after the last slash (a registry port comes before it)
    let repository = match without_digest.rfind(':') {
        Some(i) if !without_digest[i..].contains('/') => &without_digest[..i],
        _ => without_digest,
    };
    let repository = repository.to_ascii_lowercase();
    let mut out = vec![repository.clone()];
    let mut parts = repository.splitn(2, '/');
    if let (Some(first), Some(rest)) = (parts.next(), parts.next()) {
        // the first component names a registry when it has a dot or a port, or is localhost
        if first.contains(['.', ':']) || first == "localhost" {
            out.push(rest.to_string());
        }
    }
    if let Some(short) = out.last().and_then(|r| r.strip_prefix("library/")) {
        out.push(short.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        assert_eq!(image_names("amazon/aws-cli:2.15.0"), vec!["amazon/aws-cli"]);
        assert_eq!(
            image_names("public.ecr.aws/aws-cli/aws-cli@sha256:abc"),
            vec!["public.ecr.aws/aws-cli/aws-cli", "aws-cli/aws-cli"]
        );
        assert_eq!(
            image_names("docker.io/library/postgres:16"),
            vec!["docker.io/library/postgres", "library/postgres", "postgres"]
        );
        assert_eq!(image_names("localhost:5000/tools/kubectl"), vec!["localhost:5000/tools/kubectl", "tools/kubectl"]);
        assert_eq!(image_names("Bitnami/Kubectl"), vec!["bitnami/kubectl"]);
    }

    #[test]
    fn known_images_run_their_program() {
        let rules = RuleSet::default();
        assert_eq!(
            container_command(&rules, &["amazon/aws-cli:latest", "s3", "rb", "s3://x"], None),
            Some(("aws".to_string(), vec!["s3", "rb", "s3://x"]))
        );
        // an image guard does not know runs the command given after it
        assert_eq!(
            container_command(&rules, &["debian:12", "rm", "-rf", "/data"], None),
            Some(("rm".to_string(), vec!["-rf", "/data"]))
        );
        assert_eq!(container_command(&rules, &["debian:12"], None), None);
        assert_eq!(
            container_command(&rules, &["debian:12", "-c", "x"], Some("bash")),
            Some(("bash".to_string(), vec!["-c", "x"]))
        );
    }
}
