#!/usr/bin/env bash
# Shim overhead benchmark (by hand, not part of CI): guard's shim against the C
# exec-only floor (../shared/bench/floor-shim.c, copied here as floor-shim.c) and
# the direct call, interleaved, medians. Method: ../shared/bench/README.md.
#
#   bench/run.sh [ROUNDS]          default 300 rounds per case
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-300}
out="$here/out"
rm -rf "$out" && mkdir -p "$out/floor" "$out/guarded" "$out/repo"

# guard exactly as install.sh builds and installs it
"$root/install.sh" --prefix "$out/prefix" >/dev/null
gcc -O2 -o "$out/floor-shim" "$here/floor-shim.c"
real_git=$(command -v git)
ln -s "$out/floor-shim" "$out/floor/git"
ln -s "$out/prefix/bin/guard" "$out/guarded/git"
ln -s "$out/floor-shim" "$out/floor/curl"
ln -s "$out/prefix/bin/guard" "$out/guarded/curl"

# a small repository for `git status`, with a remote for the stopped force push
git init -q -b main "$out/repo"
(cd "$out/repo" && for i in $(seq 1 50); do echo "$i" > "f$i.txt"; done && git add . &&
  git -c user.email=b@b -c user.name=b commit -qm init && git remote add origin "$out/nowhere.git")

# the same repository with a small project layer (.guard/): what a team's rules cost
cp -a "$out/repo" "$out/repo-layer"
mkdir -p "$out/repo-layer/.guard"
cat > "$out/repo-layer/.guard/team.yaml" <<'YAML'
schema: 1
pack: team
summary: the team's own rules
extends: git
rules:
  - id: team.push-to-deploy
    reason: Pushing to the deploy remote ships to production.
    severity: high
    match: { command: push, operand: '^deploy$' }
    confirm: [git push deploy main]
    allow: [git push origin main]
YAML
printf '%s\n' "production: { hosts: ['(^|[.])db[.]team[.]example\$'] }" > "$out/repo-layer/.guard/config.yaml"

exec python3 "$here/interleave.py" "$rounds" "$out" "$real_git"
