//! Stub `aws`, `gcloud`, `gsutil`, `bq` and `az` behind their shims: what destroys
//! never reaches the CLI, reads and creates do.

use crate::util::*;

fn stopped(s: &Sandbox, program: &str, args: &[&str], rule: &str, severity: &str) -> serde_json::Value {
    let out = s.run(program, args);
    assert_eq!(code(&out), 75, "{program} {args:?}: {}", stderr(&out));
    let a = artifact(&out);
    assert_eq!(a["rule"], rule, "{program} {args:?}: {a}");
    assert_eq!(a["severity"], severity, "{program} {args:?}");
    assert_eq!(a["kind"], "confirmation_required");
    a
}

fn ran(s: &Sandbox, program: &str, args: &[&str]) {
    let before = s.ran().len();
    let out = s.run(program, args);
    assert_eq!(code(&out), 0, "{program} {args:?}: {}", stderr(&out));
    let runs = s.ran();
    assert_eq!(runs.len(), before + 1, "{program} {args:?} did not reach the CLI");
    let mut want = vec![program.to_string()];
    want.extend(args.iter().map(|a| a.to_string()));
    assert_eq!(runs.last().unwrap(), &want, "the CLI got a different argv");
}

#[test]
fn aws_deletes_stop_and_reads_run() {
    let s = Sandbox::new();
    s.shim("aws").stub("aws", 0);
    let a = stopped(
        &s,
        "aws",
        &["--profile", "prod", "rds", "delete-db-instance", "--db-instance-identifier", "db1", "--skip-final-snapshot"],
        "aws.rds.delete-without-snapshot",
        "critical",
    );
    assert!(a["also_matched"].as_array().unwrap().iter().any(|r| r == "aws.delete-operation"), "{a}");
    stopped(&s, "aws", &["ec2", "terminate-instances", "--instance-ids", "i-1"], "aws.delete-operation", "high");
    stopped(&s, "aws", &["s3", "rb", "s3://bucket", "--force"], "aws.s3.rb-force", "critical");
    stopped(&s, "aws", &["s3", "rm", "--recursive", "s3://bucket"], "aws.s3.rm-recursive", "high");
    stopped(
        &s,
        "aws",
        &["secretsmanager", "delete-secret", "--secret-id", "x", "--force-delete-without-recovery"],
        "aws.secretsmanager.force-delete",
        "critical",
    );
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());

    ran(&s, "aws", &["s3", "ls"]);
    ran(&s, "aws", &["--region", "eu-west-1", "ec2", "describe-instances"]);
    ran(&s, "aws", &["s3", "cp", "x", "s3://b/"]);
    ran(&s, "aws", &["rds", "create-db-snapshot", "--db-instance-identifier", "db1", "--db-snapshot-identifier", "s"]);
}

#[test]
fn a_route53_change_batch_is_judged_from_its_file() {
    let s = Sandbox::new();
    s.shim("aws").stub("aws", 0);
    let change = |action: &str| {
        format!(
            r#"{{"Changes":[{{"Action":"{action}","ResourceRecordSet":{{"Name":"www.example.com","Type":"A"}}}}]}}"#
        )
    };
    std::fs::write(s.work.join("batch.json"), change("DELETE")).unwrap();
    let args =
        ["route53", "change-resource-record-sets", "--hosted-zone-id", "Z1", "--change-batch", "file://batch.json"];
    let first = stopped(&s, "aws", &args, "aws.route53.delete-records", "high");
    assert!(s.ran().is_empty());

    // the same request with other contents is another request
    std::fs::write(s.work.join("batch.json"), change("DELETE").replace("www", "api")).unwrap();
    let second = stopped(&s, "aws", &args, "aws.route53.delete-records", "high");
    assert_ne!(first["fingerprint"], second["fingerprint"], "the file's contents are not in the fingerprint");

    std::fs::write(s.work.join("batch.json"), change("UPSERT")).unwrap();
    ran(&s, "aws", &args);

    // a file guard cannot read is never allowed
    let missing = ["route53", "change-resource-record-sets", "--change-batch", "file://missing.json"];
    let a = stopped(&s, "aws", &missing, "guard.payload-unjudged", "high");
    assert!(a["reason"].as_str().unwrap().contains("missing.json"), "{a}");
    // through --cli-input-json, with an absolute path
    let input = s.work.join("input.json");
    std::fs::write(&input, format!(r#"{{"HostedZoneId":"Z1","ChangeBatch":{}}}"#, change("DELETE"))).unwrap();
    let arg = format!("file://{}", input.display());
    stopped(
        &s,
        "aws",
        &["route53", "change-resource-record-sets", "--cli-input-json", &arg],
        "aws.route53.delete-records",
        "high",
    );
    assert_eq!(s.ran().len(), 1);
}

#[test]
fn gcloud_gsutil_and_bq_deletes_stop() {
    let s = Sandbox::new();
    s.shim("gcloud").stub("gcloud", 0).shim("gsutil").stub("gsutil", 0).shim("bq").stub("bq", 0);
    stopped(&s, "gcloud", &["sql", "instances", "delete", "prod-db", "--quiet"], "gcloud.sql.delete", "critical");
    stopped(&s, "gcloud", &["--project", "p", "projects", "delete", "p"], "gcloud.projects.delete", "critical");
    stopped(
        &s,
        "gcloud",
        &["compute", "instances", "delete", "vm-1", "--zone", "us-central1-a", "-q"],
        "gcloud.delete",
        "high",
    );
    stopped(&s, "gcloud", &["storage", "rm", "-r", "gs://bucket"], "gcloud.storage.rm", "high");
    // the remote command is judged as if it ran here
    stopped(
        &s,
        "gcloud",
        &["compute", "ssh", "vm-1", "--command", "rm -rf /srv/data"],
        "filesystem.rm.recursive",
        "high",
    );
    stopped(&s, "gsutil", &["-m", "rm", "-r", "gs://bucket"], "gcloud.gsutil.rm", "high");
    stopped(&s, "bq", &["rm", "-r", "-f", "-d", "dataset"], "gcloud.bq.rm-recursive", "critical");
    assert!(s.ran().is_empty(), "a stub ran: {:?}", s.ran());

    ran(&s, "gcloud", &["compute", "instances", "describe", "vm-1", "--zone", "us-central1-a"]);
    ran(&s, "gcloud", &["compute", "ssh", "vm-1", "--command", "df -h"]);
    ran(&s, "gsutil", &["ls", "gs://bucket"]);
    ran(&s, "bq", &["query", "--use_legacy_sql=false", "SELECT 1"]);
}

#[test]
fn az_deletes_stop_whatever_yes_says() {
    let s = Sandbox::new();
    s.shim("az").stub("az", 0);
    stopped(&s, "az", &["group", "delete", "--name", "rg", "--yes"], "azure.group-delete", "critical");
    stopped(&s, "az", &["group", "delete", "-n", "rg", "-y", "--no-wait"], "azure.group-delete", "critical");
    stopped(&s, "az", &["keyvault", "purge", "--name", "kv"], "azure.keyvault-purge", "critical");
    stopped(
        &s,
        "az",
        &["storage", "blob", "delete-batch", "--source", "c", "--account-name", "a"],
        "azure.delete",
        "high",
    );
    stopped(
        &s,
        "az",
        &[
            "vm",
            "run-command",
            "invoke",
            "-g",
            "rg",
            "-n",
            "vm",
            "--command-id",
            "RunShellScript",
            "--scripts",
            "rm -rf /data",
        ],
        "filesystem.rm.recursive",
        "high",
    );
    assert!(s.ran().is_empty(), "the stub ran: {:?}", s.ran());

    ran(&s, "az", &["group", "list", "-o", "table"]);
    ran(&s, "az", &["vm", "show", "-g", "rg", "-n", "vm"]);
}
