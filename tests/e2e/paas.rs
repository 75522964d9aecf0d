//! Forges, PaaS CLIs, migration tools and package runners behind their shims, with
//! stub binaries that record whether they ran.

use crate::util::*;

#[test]
fn forge_deletions_stop_and_reads_run() {
    let s = Sandbox::new();
    for p in ["gh", "glab"] {
        s.shim(p).stub(p, 0);
    }
    assert_stopped(
        &s,
        &[
            ("gh", &["repo", "delete", "owner/x", "--yes"], "forges.repo-delete"),
            ("gh", &["release", "delete", "v1.0.0", "-y", "--cleanup-tag"], "forges.release-delete"),
            ("gh", &["secret", "remove", "NPM_TOKEN"], "forges.secret-delete"),
            ("gh", &["api", "-XDELETE", "repos/owner/x"], "forges.api-delete"),
            (
                "gh",
                &[
                    "api",
                    "graphql",
                    "-f",
                    "query=mutation { deleteRepository(input: {repositoryId: \"R_1\"}) { clientMutationId } }",
                ],
                "forges.graphql-destroy",
            ),
            ("gh", &["workflow", "run", "deploy.yml", "--ref", "main"], "forges.remote-run"),
            ("glab", &["repo", "delete", "group/app", "-y"], "forges.repo-delete"),
            ("glab", &["variable", "delete", "TOKEN"], "forges.variable-delete"),
        ],
    );
    assert_ran(
        &s,
        &[
            ("gh", &["pr", "list"]),
            ("gh", &["repo", "view", "owner/x"]),
            ("gh", &["api", "repos/owner/x/pulls", "--paginate"]),
            ("gh", &["api", "graphql", "-f", "query=query { viewer { login } }"]),
            ("glab", &["mr", "list"]),
        ],
    );
}

#[test]
fn a_graphql_document_in_a_file_is_read() {
    let s = Sandbox::new();
    s.shim("gh").stub("gh", 0);
    std::fs::write(
        s.work.join("q.graphql"),
        "mutation { deleteIssue(input: {issueId: \"I_1\"}) { clientMutationId } }",
    )
    .unwrap();
    std::fs::write(s.work.join("ok.graphql"), "query { viewer { login } }").unwrap();
    let out = s.run("gh", ["api", "graphql", "-F", "query=@q.graphql"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let a = artifact(&out);
    assert_eq!(a["rule"], "forges.graphql-destroy");
    assert_eq!(a["operation"], "github.deleteIssue");
    let out = s.run("gh", ["api", "graphql", "-F", "query=@ok.graphql"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // a body whose document guard cannot read needs a person
    let out = s.run("gh", ["api", "graphql", "--input", "missing.json"]);
    assert_eq!(code(&out), 75);
    assert_eq!(artifact(&out)["rule"], "guard.payload-unjudged");
}

#[test]
fn paas_destroys_stop_and_remote_commands_are_judged() {
    let s = Sandbox::new();
    for p in ["fly", "heroku", "vercel", "supabase", "neonctl", "pscale", "doctl"] {
        s.shim(p).stub(p, 0);
    }
    assert_stopped(
        &s,
        &[
            ("fly", &["apps", "destroy", "my-app", "--yes"], "fly.app-destroy"),
            ("fly", &["volumes", "rm", "vol_1", "-y"], "fly.volume-destroy"),
            ("fly", &["ssh", "console", "-a", "my-app", "-C", "rm -rf /data"], "filesystem.rm.recursive"),
            ("heroku", &["apps:destroy", "-a", "my-app", "--confirm", "my-app"], "heroku.app-destroy"),
            ("heroku", &["pg:reset", "DATABASE_URL", "--confirm", "my-app"], "heroku.database-reset"),
            ("heroku", &["run", "rm -rf /app"], "filesystem.rm.recursive"),
            ("heroku", &["run", "-a", "my-app", "--", "psql", "-c", "drop table users"], "sql.statement.drop"),
            ("vercel", &["rm", "my-app", "--yes"], "paas.vercel-project-remove"),
            ("supabase", &["db", "reset", "--linked", "--yes"], "paas.supabase-remote-reset"),
            ("neonctl", &["projects", "delete", "p-1"], "paas.neon-delete"),
            ("pscale", &["branch", "delete", "shop", "dev", "--force"], "paas.planetscale-delete"),
            ("doctl", &["compute", "droplet", "d", "12345", "-f"], "doctl.delete"),
        ],
    );
    assert_ran(
        &s,
        &[
            ("fly", &["apps", "list"]),
            ("fly", &["ssh", "console", "-C", "ls /data"]),
            ("heroku", &["run", "rails", "console", "-a", "my-app"]),
            ("heroku", &["pg:info", "-a", "my-app"]),
            ("vercel", &["deploy", "--prod"]),
            ("supabase", &["db", "reset"]),
            ("neonctl", &["branches", "list"]),
            ("doctl", &["compute", "droplet", "list"]),
        ],
    );
}

#[test]
fn migration_tools_stop_directly_and_through_runners() {
    let s = Sandbox::new();
    for p in ["npx", "prisma", "rails", "bundle", "alembic", "poetry", "manage.py", "npm"] {
        s.shim(p).stub(p, 0);
    }
    assert_stopped(
        &s,
        &[
            ("npx", &["prisma", "migrate", "reset", "--force"], "migrations.prisma-reset"),
            ("prisma", &["db", "push", "--accept-data-loss"], "migrations.prisma-push-data-loss"),
            ("bundle", &["exec", "rails", "db:drop"], "migrations.rails-db-destroy"),
            ("poetry", &["run", "alembic", "downgrade", "base"], "migrations.alembic-downgrade"),
            ("manage.py", &["migrate", "shop", "zero"], "migrations.django-migrate-zero"),
            ("npm", &["unpublish", "my-pkg@1.0.0", "--force"], "migrations.npm-unpublish"),
        ],
    );
    assert_ran(
        &s,
        &[
            ("npx", &["prisma", "migrate", "dev"]),
            ("rails", &["db:migrate"]),
            ("bundle", &["exec", "rails", "db:migrate"]),
            ("poetry", &["run", "alembic", "upgrade", "head"]),
            ("npm", &["publish"]),
        ],
    );
}
