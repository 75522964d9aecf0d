//! Developer-platform CLIs (wrangler, firebase, turso, atlas, stripe, cf and the AWS
//! application frameworks) behind their shims, with stub binaries that record
//! whether they ran.

use crate::util::*;

#[test]
fn platform_deletes_stop_and_everyday_commands_run() {
    let s = Sandbox::new();
    for p in ["wrangler", "firebase", "turso", "atlas", "stripe", "cf", "sls", "sam", "copilot", "amplify", "eb", "npx"]
    {
        s.shim(p).stub(p, 0);
    }
    assert_stopped(
        &s,
        &[
            ("wrangler", &["delete", "--name", "api"], "cloudflare.worker-delete"),
            ("wrangler", &["--env", "production", "d1", "delete", "prod-db", "-y"], "cloudflare.d1-delete"),
            ("wrangler", &["r2", "object", "delete", "assets/a.png", "--remote"], "cloudflare.r2-delete"),
            ("wrangler", &["kv", "key", "delete", "k", "--binding", "CACHE"], "cloudflare.kv-delete"),
            (
                "wrangler",
                &["d1", "execute", "prod-db", "--remote", "--command", "DROP TABLE users"],
                "sql.statement.drop",
            ),
            ("npx", &["wrangler", "pages", "project", "delete", "site"], "cloudflare.pages-delete"),
            ("firebase", &["firestore:delete", "users", "-r", "-f", "-P", "prod"], "firebase.data-delete"),
            ("firebase", &["deploy", "--only", "functions", "--force"], "firebase.deploy-delete"),
            ("turso", &["db", "destroy", "my-db", "--yes"], "turso.destroy"),
            ("turso", &["db", "shell", "my-db", "delete from sessions"], "sql.statement.delete-all"),
            ("atlas", &["clusters", "delete", "prod", "--force"], "mongodb-atlas.data-delete"),
            ("atlas", &["schema", "clean", "-u", "mysql://localhost/app"], "mongodb-atlas.unknown-subcommand"),
            ("stripe", &["customers", "delete", "cus_123", "--live"], "stripe.live-delete"),
            ("cf", &["delete", "my-app", "-f", "-r"], "cloudfoundry.delete"),
            ("cf", &["ssh", "my-app", "-c", "rm -rf /home/vcap/app"], "filesystem.rm.recursive"),
            ("sls", &["remove", "--stage", "prod"], "aws-deploy.serverless-remove"),
            ("sam", &["delete", "--no-prompts"], "aws-deploy.sam-delete"),
            ("copilot", &["svc", "delete", "--name", "api", "--yes"], "aws-deploy.copilot-delete"),
            ("amplify", &["env", "remove", "dev"], "aws-deploy.amplify-delete"),
            ("eb", &["terminate", "prod", "--force"], "aws-deploy.eb-terminate"),
        ],
    );
    assert_ran(
        &s,
        &[
            ("wrangler", &["deploy", "--env", "production"]),
            ("wrangler", &["d1", "execute", "prod-db", "--remote", "--command", "SELECT count(*) FROM users"]),
            ("wrangler", &["kv", "key", "delete", "k", "--binding", "CACHE", "--local"]),
            ("npx", &["wrangler", "dev"]),
            ("firebase", &["deploy", "--only", "hosting"]),
            ("turso", &["db", "list"]),
            ("atlas", &["clusters", "list"]),
            ("stripe", &["customers", "delete", "cus_123"]),
            ("cf", &["push", "my-app"]),
            ("sls", &["deploy", "--stage", "prod"]),
            ("sam", &["build"]),
            ("copilot", &["-p", "fix the failing test"]),
            ("amplify", &["push", "--yes"]),
            ("eb", &["status"]),
        ],
    );
}
