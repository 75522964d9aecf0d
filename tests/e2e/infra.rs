//! kubectl, helm, terraform, pulumi, docker and compose through their shims, with stubs
//! that record whether they ran.

use crate::util::*;
use std::path::PathBuf;

/// A kubeconfig whose current context is `ctx`, in a home directory of the sandbox.
fn kube_home(s: &Sandbox, ctx: &str) -> PathBuf {
    let home = s.dir.path().join("home");
    std::fs::create_dir_all(home.join(".kube")).unwrap();
    let config = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {ctx}\ncontexts:\n- name: {ctx}\n  context: {{cluster: main, user: me, namespace: shop}}\n- name: staging\n  context: {{cluster: stg}}\nclusters:\n- name: main\n  cluster: {{server: 'https://k8s.example.com:6443'}}\n- name: stg\n  cluster: {{server: 'https://stg.example.com'}}\n"
    );
    std::fs::write(home.join(".kube/config"), config).unwrap();
    home
}

#[test]
fn kubectl_delete_namespace_stops_naming_the_production_context() {
    let s = Sandbox::new();
    s.shim("kubectl").stub("kubectl", 0);
    let home = kube_home(&s, "prod-eu");
    let out = s
        .command("kubectl")
        .args(["delete", "ns", "prod"])
        .env("HOME", &home)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let a = artifact(&out);
    assert_eq!(a["rule"], "kubernetes.delete-namespace");
    assert_eq!(a["severity"], "critical");
    let t = &a["target"];
    assert_eq!(t["context"], "prod-eu");
    assert_eq!(t["cluster"], "main");
    assert_eq!(t["host"], "k8s.example.com");
    assert_eq!(t["production"], true);
    assert!(t["summary"].as_str().unwrap().starts_with("PRODUCTION: kubectl delete ns prod"), "{t}");

    // --context names another context: that is the one reached, and it is not production
    let out = s
        .command("kubectl")
        .args(["--context", "staging", "delete", "namespace", "tmp"])
        .env("HOME", &home)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(code(&out), 75);
    let t = &artifact(&out)["target"];
    assert_eq!(t["context"], "staging");
    assert_eq!(t["production"], false);

    // KUBECONFIG wins over the home directory's file
    let other = s.dir.path().join("other-config");
    std::fs::write(&other, "current-context: production\ncontexts: [{name: production, context: {cluster: x}}]\n")
        .unwrap();
    let out = s
        .command("kubectl")
        .args(["delete", "pvc", "data-0"])
        .env("HOME", &home)
        .env("KUBECONFIG", format!("{}:{}", s.dir.path().join("missing").display(), other.display()))
        .output()
        .unwrap();
    assert_eq!(code(&out), 75);
    let a = artifact(&out);
    assert_eq!(a["rule"], "kubernetes.delete-storage");
    assert_eq!(a["target"]["context"], "production");
    assert_eq!(a["target"]["production"], true);
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());
}

#[test]
fn kubectl_reads_run_and_a_missing_kubeconfig_is_unknown() {
    let s = Sandbox::new();
    s.shim("kubectl").stub("kubectl", 0);
    let empty_home = s.dir.path().join("empty-home");
    std::fs::create_dir_all(&empty_home).unwrap();
    for args in [
        &["get", "pods", "-A"][..],
        &["-n", "delete", "get", "pods"],
        &["--context", "prod", "describe", "ns", "prod"],
        &["logs", "-f", "deploy/api"],
        &["delete", "ns", "x", "--dry-run=client"],
        &["exec", "web", "--", "ls", "/data"],
    ] {
        let out = s.command("kubectl").args(args).env("HOME", &empty_home).env_remove("KUBECONFIG").output().unwrap();
        assert_eq!(code(&out), 0, "kubectl {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 6);
    assert_eq!(s.ran()[0], vec!["kubectl", "get", "pods", "-A"]);

    let out = s
        .command("kubectl")
        .args(["drain", "node-1"])
        .env("HOME", &empty_home)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(code(&out), 75);
    let a = artifact(&out);
    assert_eq!(a["rule"], "kubernetes.drain");
    assert_eq!(a["target"]["context"], "unknown");
    assert!(
        a["target"]["notes"].to_string().contains("no kubeconfig")
            || a["target"]["notes"].to_string().contains("no current-context")
    );
    assert_eq!(s.ran().len(), 6);
}

#[test]
fn a_command_run_in_a_pod_is_judged() {
    let s = Sandbox::new();
    s.shim("kubectl").stub("kubectl", 0);
    let out = s.run("kubectl", ["exec", "-it", "db-0", "-c", "postgres", "--", "rm", "-rf", "/var/lib/postgresql"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "filesystem.rm.recursive");
    assert!(s.ran().is_empty());
}

#[test]
fn helm_uninstall_stops_and_helm_list_runs() {
    let s = Sandbox::new();
    s.shim("helm").stub("helm", 0);
    let home = kube_home(&s, "dev");
    for args in [&["uninstall", "web"][..], &["--kube-context", "prod-eu", "del", "web", "-n", "shop"]] {
        let out = s.command("helm").args(args).env("HOME", &home).env_remove("KUBECONFIG").output().unwrap();
        assert_eq!(code(&out), 75, "helm {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], "kubernetes.helm-uninstall");
    }
    let out = s
        .command("helm")
        .args(["--kube-context", "prod-eu", "uninstall", "web"])
        .env("HOME", &home)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(artifact(&out)["target"]["context"], "prod-eu");
    assert_eq!(artifact(&out)["target"]["production"], true);
    for args in [&["list", "-A"][..], &["uninstall", "web", "--dry-run"]] {
        let out = s.command("helm").args(args).env("HOME", &home).output().unwrap();
        assert_eq!(code(&out), 0, "helm {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 2);
}

#[test]
fn terraform_destroy_stops_and_plan_runs() {
    let s = Sandbox::new();
    s.shim("terraform").stub("terraform", 0).shim("tofu").stub("tofu", 0);
    for (program, args, rule) in [
        ("terraform", &["destroy"][..], "iac.terraform-destroy"),
        ("terraform", &["-chdir=envs/prod", "destroy", "-auto-approve"], "iac.terraform-destroy"),
        ("terraform", &["apply", "-destroy"], "iac.terraform-destroy"),
        ("terraform", &["apply", "--auto-approve"], "iac.terraform-apply-unreviewed"),
        ("terraform", &["state", "rm", "aws_db_instance.main"], "iac.terraform-state-rm"),
        ("tofu", &["workspace", "delete", "-force", "prod"], "iac.terraform-workspace-delete"),
    ] {
        let out = s.run(program, args);
        assert_eq!(code(&out), 75, "{program} {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], rule, "{program} {args:?}");
    }
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());

    // an argument from the environment is part of the command
    let out = s.command("terraform").arg("apply").env("TF_CLI_ARGS_apply", "-auto-approve").output().unwrap();
    assert_eq!(code(&out), 75);
    assert_eq!(artifact(&out)["rule"], "iac.terraform-apply-unreviewed");

    for args in [
        &["plan"][..],
        &["plan", "-destroy", "-out=d.tfplan"],
        &["apply", "-auto-approve", "tfplan"],
        &["state", "list"],
    ] {
        let out = s.run("terraform", args);
        assert_eq!(code(&out), 0, "terraform {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 4);
}

#[test]
fn terraform_apply_whose_prompt_is_answered_by_piped_input_stops() {
    use std::io::Write;
    let s = Sandbox::new();
    s.shim("terraform").stub("terraform", 0);
    let with_input = |args: &[&str], input: &[u8]| {
        let mut child = s
            .command("terraform")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    // `echo yes | terraform apply`: the agent would confirm for itself
    let out = with_input(&["apply"], b"yes\n");
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(artifact(&out)["rule"], "guard.payload-unjudged");
    assert!(artifact(&out)["reason"].as_str().unwrap().contains("confirmation prompt"), "{}", stderr(&out));
    assert!(s.ran().is_empty());
    // no answer on stdin, a plan file, or -input=false: nothing answers a prompt
    for (args, input) in [
        (&["apply"][..], &b""[..]),
        (&["apply", "-target=aws_instance.web"], b"\n"),
        (&["apply", "tfplan"], b"yes\n"),
        (&["apply", "-input=false"], b"yes\n"),
    ] {
        let out = with_input(args, input);
        assert_eq!(code(&out), 0, "terraform {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 4);
}

#[test]
fn pulumi_destroy_stops_and_preview_runs() {
    let s = Sandbox::new();
    s.shim("pulumi").stub("pulumi", 0);
    for (args, rule) in [
        (&["destroy", "--yes"][..], "iac.pulumi-destroy"),
        (&["down", "-y", "-s", "prod"], "iac.pulumi-destroy"),
        (&["up", "--yes"], "iac.pulumi-up-unreviewed"),
        (&["stack", "rm", "prod", "-y"], "iac.pulumi-stack-rm"),
    ] {
        let out = s.run("pulumi", args);
        assert_eq!(code(&out), 75, "pulumi {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], rule);
    }
    assert!(s.ran().is_empty());
    for args in [&["preview"][..], &["up"], &["stack", "ls"]] {
        assert_eq!(code(&s.run("pulumi", args)), 0, "pulumi {args:?}");
    }
    assert_eq!(s.ran().len(), 3);
}

#[test]
fn compose_down_with_volumes_stops_and_image_prune_runs() {
    let s = Sandbox::new();
    s.shim("docker").stub("docker", 0).shim("docker-compose").stub("docker-compose", 0);
    for (program, args, rule) in [
        ("docker", &["compose", "down", "-v"][..], "containers.compose-down-volumes"),
        ("docker", &["compose", "-f", "prod.yml", "down", "--volumes"], "containers.compose-down-volumes"),
        ("docker-compose", &["down", "-v"], "containers.compose-down-volumes"),
        ("docker", &["volume", "rm", "pgdata"], "containers.volume-remove"),
        ("docker", &["--context", "prod", "system", "prune", "-af", "--volumes"], "containers.system-prune-volumes"),
        ("docker", &["rm", "-fv", "db"], "containers.rm-volumes"),
    ] {
        let out = s.run(program, args);
        assert_eq!(code(&out), 75, "{program} {args:?}: {}", stderr(&out));
        assert_eq!(artifact(&out)["rule"], rule, "{program} {args:?}");
    }
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());
    for (program, args) in [
        ("docker", &["image", "prune", "-a", "-f"][..]),
        ("docker", &["system", "prune", "-f"]),
        ("docker", &["compose", "down"]),
        ("docker", &["ps", "-a"]),
        ("docker-compose", &["down", "--remove-orphans"]),
    ] {
        let out = s.run(program, args);
        assert_eq!(code(&out), 0, "{program} {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 5);
    assert_eq!(s.ran()[0], vec!["docker", "image", "prune", "-a", "-f"]);
}
