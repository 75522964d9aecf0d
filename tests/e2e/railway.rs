//! A stub `railway` that records whether it ran, behind the railway shim.

use crate::util::*;

#[test]
fn destroying_commands_never_reach_the_cli_and_safe_ones_do() {
    let s = Sandbox::new();
    s.shim("railway").stub("railway", 0);
    for (args, rule, op) in [
        (&["volume", "delete", "--volume", "data", "--yes"][..], "railway-api.volume-delete", "railway.volumeDelete"),
        (
            &["volume", "-s", "api", "rm", "-v", "data", "-y", "--2fa-code", "123456"],
            "railway-api.volume-delete",
            "railway.volumeDelete",
        ),
        (&["rm", "-y"], "railway-api.project-delete", "railway.projectScheduleDelete"),
        (&["env", "remove", "production"], "railway-api.environment-delete", "railway.environmentDelete"),
        (&["down", "-y"], "railway-api.deployment-remove", "railway.deploymentRemove"),
        (&["variables", "rm", "DATABASE_URL"], "railway-api.variable-delete", "railway.variableDelete"),
    ] {
        let out = s.run("railway", args);
        assert_eq!(code(&out), 75, "railway {args:?}: {}", stderr(&out));
        let a = artifact(&out);
        assert_eq!(a["rule"], rule, "railway {args:?}");
        assert_eq!(a["operation"], op);
    }
    let out = s.run("railway", ["api", "mutation { volumeDelete(volumeId: \"v\") }"]);
    assert_eq!(code(&out), 75);
    assert_eq!(artifact(&out)["rule"], "railway-api.volume-delete");
    assert_eq!(artifact(&out)["target"]["resources"], serde_json::json!(["volumeId: v"]));
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());

    for args in [
        &["status"][..],
        &["logs", "--deployment"],
        &["volume", "list"],
        &["environment", "staging"],
        &["up", "--detach"],
    ] {
        let out = s.run("railway", args);
        assert_eq!(code(&out), 0, "railway {args:?}: {}", stderr(&out));
    }
    assert_eq!(s.ran().len(), 5);
}

#[test]
fn the_artifact_names_the_linked_project_and_marks_production() {
    let s = Sandbox::new();
    s.shim("railway").stub("railway", 0);
    let home = s.dir.path().join("home");
    std::fs::create_dir_all(home.join(".railway")).unwrap();
    let config = serde_json::json!({"projects": {
        s.work.to_str().unwrap(): {"name": "shop", "project": "p-1", "environment": "e-9", "environmentName": "production"}
    }});
    std::fs::write(home.join(".railway/config.json"), config.to_string()).unwrap();
    let out = s.command("railway").args(["volume", "delete", "-v", "data"]).env("HOME", &home).output().unwrap();
    assert_eq!(code(&out), 75);
    let t = &artifact(&out)["target"];
    assert_eq!(t["project"], "shop (p-1)");
    assert_eq!(t["environment"], "production (e-9)");
    assert_eq!(t["production"], true);
    assert!(t["summary"].as_str().unwrap().starts_with("PRODUCTION:"), "{t}");

    // an account token in the environment is named, and it changes the fingerprint
    let with_token = s
        .command("railway")
        .args(["volume", "delete", "-v", "data"])
        .env("HOME", &home)
        .env("RAILWAY_API_TOKEN", "secret-token-value")
        .output()
        .unwrap();
    let a = artifact(&with_token);
    assert!(a["target"]["notes"].to_string().contains("RAILWAY_API_TOKEN"));
    assert!(!stderr(&with_token).contains("secret-token-value"), "the token leaked into the artifact");
    assert_ne!(a["fingerprint"], artifact(&out)["fingerprint"]);
}
