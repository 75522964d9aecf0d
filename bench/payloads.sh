#!/usr/bin/env bash
# Payload and hook benchmark (by hand, not part of CI): what judging a large body, a
# SQL file, a shell string or a harness hook call costs, with hyperfine (warm cache,
# medians), next to a process that does nothing (/bin/true) in the same run.
#
#   bench/payloads.sh [RUNS]        default 200 runs per case
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${1:-200}
out="$here/out-payloads"
rm -rf "$out" && mkdir -p "$out"
"$root/install.sh" --prefix "$out/prefix" >/dev/null
guard="$out/prefix/bin/guard"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
MiB = 1 << 20
# a small GraphQL query with 1 MiB of variables
rows = []
while len(json.dumps(rows)) < MiB:
    rows.append({"name": "svc-%d" % len(rows), "value": "x" * 40})
json.dump({"query": "query Q($rows: [Row!]!) { me { id } }", "variables": {"rows": rows}},
          open(f"{out}/vars-1mib.json", "w"))
# a GraphQL document of just under 1 MiB: a few thousand root fields with deep selections
part = ("  p{i}: project(id: \"c0ffee00-{i:08d}-4a5b-9c8d-0123456789ab\") {{ id name description createdAt "
        "updatedAt services {{ edges {{ node {{ id name icon createdAt deployments(first: 5) {{ edges {{ node {{ id status "
        "createdAt }} }} }} }} }} }} environments {{ edges {{ node {{ id name }} }} }} }}\n")
parts, size, i = [], 0, 0
while size + len(part.format(i=i)) < MiB - 64:
    parts.append(part.format(i=i)); size += len(parts[-1]); i += 1
json.dump({"query": "query Big {\n" + "".join(parts) + "}"}, open(f"{out}/doc-1mib.json", "w"))
# 1 MiB of INSERT statements, and 1 MiB of destroy-capable statements
def fill(path, make):
    with open(path, "w") as f:
        n = 0
        while f.tell() < MiB:
            f.write(make(n)); n += 1
fill(f"{out}/inserts-1mib.sql", lambda n: f"INSERT INTO items (id, name, note) VALUES ({n}, 'item {n}', 'a note about item {n}; nothing else');\n")
# the same, each string holding a destroy keyword: every statement is parsed in full
fill(f"{out}/inserts-keywords-1mib.sql", lambda n: f"INSERT INTO items (id, name, note) VALUES ({n}, 'item {n}', 'a note; with DROP TABLE inside a string');\n")
fill(f"{out}/drops-1mib.sql", lambda n: f"DELETE FROM items WHERE id = {n};\nDROP TABLE IF EXISTS scratch_{n};\n")
json.dump({"session_id": "bench", "hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": out,
           "tool_input": {"command": "git status && cargo test 2>&1 | tail -n 20", "description": "run tests"}},
          open(f"{out}/hook.json", "w"))
PY

url=https://backboard.railway.com/graphql/v2
cd "$out"
# no shell between hyperfine and the command (-N): the figures are the processes' own
hyperfine -N -i --warmup 20 --runs "$runs" --export-json "$out/argv.json" \
  -n 'true (process floor)' '/bin/true' \
  -n 'check curl GET (no payload)' "$guard check -- curl -sS $url" \
  -n 'check curl 1 MiB JSON variables' "$guard check -- curl -sS -H content-type:application/json --data-binary @vars-1mib.json $url" \
  -n 'check curl 1 MiB GraphQL document' "$guard check -- curl -sS -H content-type:application/json --data-binary @doc-1mib.json $url" \
  -n 'check psql -f 1 MiB INSERTs' "$guard check -- psql -f inserts-1mib.sql" \
  -n 'check psql -f 1 MiB INSERTs, DROP in strings' "$guard check -- psql -f inserts-keywords-1mib.sql" \
  -n 'check psql -f 1 MiB DROP/DELETE' "$guard check -- psql -f drops-1mib.sql" \
  -n 'check --shell one-liner' "$guard check --shell 'git status && cargo test 2>&1 | tail -n 20'" \
  >/dev/null
# a hook reads its JSON on stdin: through a shell, against a shell running /bin/true
hyperfine -i --warmup 20 --runs "$runs" --export-json "$out/hook-results.json" \
  -n 'sh: true < hook.json' '/bin/true < hook.json' \
  -n 'sh: hook claude-code < hook.json (allowed)' "$guard hook claude-code < hook.json" \
  >/dev/null 2>&1
python3 - "$out/argv.json" "$out/hook-results.json" <<'PY'
import json, sys
print("| case | median | min | max |")
print("|---|---|---|---|")
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        ms = lambda v: f"{v * 1000:.2f} ms"
        print(f"| {r['command']} | {ms(r['median'])} | {ms(r['min'])} | {ms(r['max'])} |")
PY
