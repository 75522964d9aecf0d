//! Interpreter code judged end to end through the rule set (`judge_example`).

use crate::rules::decide::Decision;
use crate::rules::examples::judge_example;

fn rule(line: &str) -> String {
    match judge_example(line).unwrap() {
        Decision::Allow { .. } => "allow".into(),
        Decision::Stop(s) => s.rule,
    }
}

fn check(cases: &[(&str, &str)]) {
    let mut wrong = Vec::new();
    for (line, want) in cases {
        let got = rule(line);
        if got != *want {
            wrong.push(format!("{line}\n    want {want}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

const UNJUDGED: &str = "guard.payload-unjudged";
const RECURSIVE: &str = "filesystem.rm.recursive";
const DANGEROUS: &str = "filesystem.rm.dangerous-target";

#[test]
fn python_destroying_calls() {
    check(&[
        (r#"python3 -c 'import shutil; shutil.rmtree("/srv/data")'"#, RECURSIVE),
        (r#"python -c "import shutil; shutil.rmtree('/')""#, DANGEROUS),
        (r#"python3.12 -c 'from shutil import rmtree; rmtree("src", ignore_errors=True)'"#, RECURSIVE),
        (r#"python3 -c 'import pathlib; pathlib.Path("/srv").rmtree()'"#, RECURSIVE),
        (r#"python3 -c 'import os; os.remove("/")'"#, DANGEROUS),
        (r#"python3 -c 'import os; os.system("rm -rf /srv")'"#, RECURSIVE),
        (r#"python3 -c 'import os; os.system("git push --force origin main")'"#, "git.push.force"),
        (r#"python3 -c 'import subprocess; subprocess.run(["git", "push", "-f"], check=True)'"#, "git.push.force"),
        (r#"python3 -c 'import subprocess as sp; sp.check_call("git reset --hard", shell=True)'"#, "git.reset.discard"),
        (r#"python3 -c 'import subprocess; subprocess.Popen(args=["rm", "-rf", "/srv"])'"#, RECURSIVE),
        (r#"python3 -c 'import os; os.execlp("rm", "rm", "-rf", "/srv")'"#, RECURSIVE),
        (r#"python3 -c 'import os; os.execvp("git", ["git", "push", "--mirror"])'"#, "git.push.mirror"),
        (r#"python3 -c 'import requests; requests.delete("https://api.example.com/v1/items/3")'"#, "http.delete"),
        (r#"python3 -c 'import requests as r; r.request("DELETE", url="https://api.example.com/x")'"#, "http.delete"),
        (
            r#"python3 -c 'import urllib.request as u; u.urlopen(u.Request("https://x.example/a", method="DELETE"))'"#,
            "http.delete",
        ),
        (
            r#"python3 -c 'import httpx; httpx.post("https://api.example.com/cache/purge")'"#,
            "http.write-to-destroy-path",
        ),
        (r#"python3 -c 'import sqlite3; sqlite3.connect("app.db").execute("DROP TABLE users")'"#, "sql.statement.drop"),
        (r#"python3 -c 'import psycopg2; c.cursor().execute("TRUNCATE orders")'"#, "sql.statement.truncate"),
        // computed arguments to calls that destroy
        (r#"python3 -c 'import shutil, sys; shutil.rmtree(sys.argv[1])' /srv"#, UNJUDGED),
        (r#"python3 -c 'import os; os.system(cmd)'"#, UNJUDGED),
        (r#"python3 -c 'import subprocess; subprocess.run(["rm", "-rf", d])'"#, RECURSIVE),
        (r#"python3 -c 'import subprocess; subprocess.run(["rm", d])'"#, UNJUDGED),
        (r#"python3 -c 'import subprocess; subprocess.run([tool, "--all"])'"#, UNJUDGED),
        (r#"python3 -c 'import requests; requests.post("https://api.example.com/items", json=payload)'"#, UNJUDGED),
    ]);
}

#[test]
fn python_look_alikes_stay_allowed() {
    check(&[
        ("python3 -c 'print(1)'", "allow"),
        (r#"python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])'"#, "allow"),
        (r#"python3 -c 'import os; print(os.listdir("."))'"#, "allow"),
        (r#"python3 -c 'x = [1, 2]; x.remove(1); print(x)'"#, "allow"),
        (r#"python3 -c 'import shutil; shutil.rmtree("node_modules")'"#, "allow"),
        (r#"python3 -c 'import subprocess; subprocess.run(["git", "status"])'"#, "allow"),
        (r#"python3 -c 'import subprocess; print(subprocess.check_output("ls -la", shell=True))'"#, "allow"),
        (r#"python3 -c 'import requests; print(requests.get("https://example.com").status_code)'"#, "allow"),
        (r#"python3 -c 'print("shutil.rmtree(\"/\")")'"#, "allow"),
        ("python3 -c '# os.system(\"rm -rf /\")\nprint(2)'", "allow"),
        (r#"python3 -c 'd = {}; d.delete = 1'"#, "allow"),
        ("python3 -m http.server 8000", "allow"),
        ("python3 -m pytest -x tests", "allow"),
        ("python3 -V", "allow"),
        ("python3 script.py --force", "allow"),
        ("python3", "allow"),
    ]);
}

#[test]
fn javascript_destroying_calls() {
    check(&[
        (r#"node -e 'require("fs").rmSync("/srv", {recursive: true, force: true})'"#, RECURSIVE),
        (r#"node -e 'const fs = require("fs"); fs.rmSync("src", { recursive: true })'"#, RECURSIVE),
        (r#"node --eval='require("fs/promises").rm("dist2", {recursive: true})'"#, RECURSIVE),
        (r#"node -e 'require("fs").unlinkSync("/")'"#, DANGEROUS),
        (r#"node -e 'require("child_process").execSync("rm -rf /srv")'"#, RECURSIVE),
        (r#"node -e 'const {execSync} = require("node:child_process"); execSync(`git push -f`)'"#, "git.push.force"),
        (r#"node -e 'require("child_process").spawnSync("git", ["push", "--force"])'"#, "git.push.force"),
        (r#"node -e 'require("child_process").spawn("rm -rf /srv", {shell: true})'"#, RECURSIVE),
        (r#"node -p 'require("child_process").execFileSync("rm", ["-rf", "/srv"]).toString()'"#, RECURSIVE),
        (r#"node -e 'fetch("https://api.example.com/v1/items/1", {method: "DELETE"})'"#, "http.delete"),
        (
            r#"node -e 'fetch("https://api.example.com/graphql", {method: "POST", body: JSON.stringify({query: "mutation { deleteProject(id: 1) { id } }"})})'"#,
            "http.graphql-destroy",
        ),
        (r#"node -e 'require("axios").delete("https://api.example.com/x")'"#, "http.delete"),
        (r#"node -e 'const axios = require("axios"); axios.delete("https://api.example.com/x")'"#, "http.delete"),
        (r#"node -e 'require("child_process").exec(cmd)'"#, UNJUDGED),
        (r#"node -e 'require("fs").rmSync(dir, {recursive: true})'"#, UNJUDGED),
        (r#"node -e 'require("child_process").execSync(`rm -rf ${dir}`)'"#, UNJUDGED),
        (r#"deno eval 'await Deno.remove("/srv", {recursive: true})'"#, RECURSIVE),
        (r#"deno eval 'new Deno.Command("git", {args: ["push", "-f"]}).outputSync()'"#, "git.push.force"),
        (r#"bun -e 'await Bun.$`rm -rf /srv`'"#, RECURSIVE),
        (r#"bun -e 'Bun.spawnSync(["rm", "-rf", "/srv"])'"#, RECURSIVE),
        ("bun exec 'rm -rf /srv'", RECURSIVE),
    ]);
}

#[test]
fn javascript_look_alikes_stay_allowed() {
    check(&[
        (r#"node -e 'console.log(require("fs").readdirSync("."))'"#, "allow"),
        (r#"node -e 'console.log(/x/.exec("abc"))'"#, "allow"),
        (r#"node -e 'const m = new Map(); m.delete("k")'"#, "allow"),
        (r#"node -e 'fetch("https://example.com").then(r => r.text()).then(console.log)'"#, "allow"),
        (r#"node -e 'require("child_process").execSync("git status")'"#, "allow"),
        (r#"node -p 'process.versions.node'"#, "allow"),
        (r#"node -e '// require("child_process").execSync("rm -rf /")'"#, "allow"),
        (r#"node -e 'console.log("rm -rf /")'"#, "allow"),
        ("node -c script.js", "allow"),
        ("node --max-old-space-size=4096 build.js", "allow"),
        ("node server.js --port 3000", "allow"),
        ("deno eval 'console.log(1 + 1)'", "allow"),
        ("deno fmt", "allow"),
        ("bun run build", "allow"),
        ("bun install", "allow"),
    ]);
}

#[test]
fn ruby_perl_php_awk() {
    check(&[
        (r#"ruby -e 'require "fileutils"; FileUtils.rm_rf("/srv")'"#, RECURSIVE),
        (r#"ruby -rfileutils -e 'FileUtils.rm_rf %w[src lib]'"#, RECURSIVE),
        (r#"ruby -e 'system("git push --force")'"#, "git.push.force"),
        (r#"ruby -e 'system "rm", "-rf", "/srv"'"#, RECURSIVE),
        ("ruby -e '`rm -rf /srv`'", RECURSIVE),
        ("ruby -e '%x(git reset --hard)'", "git.reset.discard"),
        (r#"ruby -e 'File.delete("/")'"#, DANGEROUS),
        (r#"ruby -e 'system("rm -rf #{dir}")'"#, UNJUDGED),
        (r#"perl -MFile::Path=rmtree -e 'rmtree("/srv")'"#, RECURSIVE),
        (r#"perl -e 'use File::Path qw(remove_tree); remove_tree("/srv", {verbose => 1})'"#, RECURSIVE),
        (r#"perl -e 'system("rm -rf /srv")'"#, RECURSIVE),
        (r#"perl -e 'system "git", "push", "-f"'"#, "git.push.force"),
        (r#"perl -e 'my $x = qx(git clean -fdx);'"#, "git.clean.delete"),
        (r#"perl -e 'unlink "/"'"#, DANGEROUS),
        (r#"perl -e 'system("rm -rf $dir")'"#, UNJUDGED),
        (r#"perl -lne 'system("rm -rf /srv")' input.txt"#, RECURSIVE),
        (r#"php -r 'system("rm -rf /srv");'"#, RECURSIVE),
        (r#"php -r 'shell_exec("git push -f");'"#, "git.push.force"),
        (r#"php -r 'unlink("/");'"#, DANGEROUS),
        (r#"awk 'BEGIN { system("rm -rf /srv") }'"#, RECURSIVE),
        (r#"gawk '{ print | "sh" }' cmds.txt"#, UNJUDGED),
        (r#"awk '{ system("rm -rf " $1) }' list.txt"#, UNJUDGED),
        (r#"awk 'BEGIN { "git push -f" | getline out }'"#, "git.push.force"),
        (r#"mawk -F: '{ print $1 | "xargs rm" }' /etc/passwd"#, UNJUDGED),
    ]);
    check(&[
        (r#"ruby -e 'puts Dir.pwd'"#, "allow"),
        (r#"ruby -e 'h = {}; h.delete(:a)'"#, "allow"),
        (r#"ruby -e 'puts "rm -rf /"'"#, "allow"),
        (r#"perl -ne 'print if /delete/' log.txt"#, "allow"),
        (r#"perl -pi -e 's/foo/bar/g' file.txt"#, "allow"),
        (r#"perl -e 'my %h = (a => 1); delete $h{a}; print "ok\n"'"#, "allow"),
        (r#"php -r 'echo PHP_VERSION;'"#, "allow"),
        (r#"awk -F, '{ print $2 }' data.csv"#, "allow"),
        (r#"awk 'BEGIN { system("date") }'"#, "allow"),
        (r#"gawk --sandbox '{ print | "sh" }' cmds.txt"#, "allow"),
        (r#"awk '{ n += $1 } END { print n }' nums"#, "allow"),
    ]);
}

#[test]
fn scripts_and_modules_are_judged_as_the_program_they_name() {
    check(&[
        // the nested program's own pack decides
        ("python3 -m awscli s3 ls", "allow"),
        ("node node_modules/.bin/rm -rf /srv", RECURSIVE),
        ("python3 /usr/local/bin/git push --force", "git.push.force"),
        ("ruby -S git push --force", "git.push.force"),
        ("perl ./git push -f origin main", "git.push.force"),
        ("python3 -u -W ignore ./git push -f", "git.push.force"),
        ("php -f git push -f", "git.push.force"),
        ("deno run -A npm:git push -f", "git.push.force"),
        ("bun x git push -f", "git.push.force"),
        // an option guard does not know could move the script
        ("python3 --frobnicate x.py", "interpreters.unknown-option"),
        ("node --unknown-flag server.js", "interpreters.unknown-option"),
    ]);
}

#[test]
fn code_from_stdin_and_shell_strings() {
    check(&[
        // (heredocs are parsed in a time-limited sandbox: tests/e2e/exec_payloads.rs)
        ("bash -c 'cat x.py | python3'", UNJUDGED),
        // shell expansions inside the code's own strings make those strings unknown
        (r#"bash -c 'python3 -c "import json; print(json.load(open(\"$F\")))"'"#, "allow"),
        (r#"bash -c 'python3 -c "import shutil; shutil.rmtree(\"$DIR\")"'"#, UNJUDGED),
        (r#"bash -c 'python3 -c "$CODE"'"#, UNJUDGED),
        (r#"bash -c 'node -e "require(\"fs\").rmSync(\"/srv\", {recursive: true})"'"#, RECURSIVE),
        // unreadable code is allowed only when it names nothing that destroys
        (r#"python3 -c 'print("unterminated)'"#, "allow"),
        (r#"python3 -c 'import os; os.system("rm -rf /srv)'"#, UNJUDGED),
    ]);
}
