#!/usr/bin/env bash
# Builds guard from this checkout and installs it with a shim for every program a
# rule pack covers.
#
#   ./install.sh                 install into ~/.local (bin/guard, lib/guard/shims/)
#   ./install.sh --prefix DIR    install into DIR instead
#   ./install.sh --uninstall     remove what an install into the prefix put there
#
# Idempotent: running it again rebuilds, replaces the binary atomically and brings the
# shims in step with shims/programs (stale shims pointing at guard are removed).
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

here=$(cd "$(dirname "$0")" && pwd)
# The home directory from the user database, not $HOME (see README: trust paths).
home=$(eval echo "~$(id -un)")
prefix="$home/.local"
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 64 ;;
  esac
done
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac

bin="$prefix/bin/guard"
shims="$prefix/lib/guard/shims"

programs() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$here/shims/programs"; }

remove_guard_links() {
  [ -d "$shims" ] || return 0
  for link in "$shims"/*; do
    [ -L "$link" ] || continue
    if [ "$(readlink "$link")" = "$bin" ]; then
      case " $* " in *" $(basename "$link") "*) ;; *) rm -f "$link" ;; esac
    fi
  done
}

if [ "$action" = uninstall ]; then
  remove_guard_links
  rmdir "$shims" "$prefix/lib/guard" 2>/dev/null || true
  rm -f "$bin"
  echo "guard: removed $bin and its shims from $shims"
  exit 0
fi

command -v cargo >/dev/null || { echo "install.sh: cargo not found; install Rust (https://rustup.rs)" >&2; exit 1; }
# guard runs in front of every git and curl: on Linux it is linked as a non-PIE
# executable, which starts ~0.3 ms faster than a PIE one (no load-time relocations;
# bench/README.md has the figures). An explicit --target keeps these flags off build
# scripts and proc-macros.
triple=$(rustc -vV | sed -n 's/^host: //p')
case "$triple" in
  x86_64-*-linux-gnu|aarch64-*-linux-gnu)
    (cd "$here" && RUSTFLAGS="-C relocation-model=static -C link-arg=-no-pie" \
      cargo build --release --locked --quiet --target "$triple")
    built="$here/target/$triple/release/guard" ;;
  *)
    (cd "$here" && cargo build --release --locked --quiet)
    built="$here/target/release/guard" ;;
esac

mkdir -p "$prefix/bin" "$shims"
tmp="$bin.new.$$"
cp "$built" "$tmp"
chmod 0755 "$tmp"
mv -f "$tmp" "$bin"   # atomic: a running shim never sees a half-written binary

wanted=$(programs | tr '\n' ' ')
remove_guard_links $wanted
count=0
for p in $wanted; do
  ln -sfn "$bin" "$shims/$p"
  count=$((count + 1))
done

# Smoke test of the installed binary: rules load, every example holds, `rm -rf /`
# is stopped (exit 75) without running anything.
"$bin" rules test >/dev/null || { echo "install.sh: guard rules test failed" >&2; exit 1; }
set +e
"$bin" check -- rm -rf / >/dev/null 2>&1
code=$?
set -e
if [ "$code" != 75 ]; then
  echo "install.sh: expected guard to stop 'rm -rf /' (exit 75), got $code" >&2
  exit 1
fi

cat <<EOF
guard installed: $bin ($count shims in $shims)

Run an agent under guard (recommended: shims first on its PATH, guard as its parent):
  $bin exec -- claude            # or: codex, cursor-agent, bash …

Or put the shims first on PATH in the shell the agent uses:
  bash/zsh:  export PATH="$shims:\$PATH"
  fish:      fish_add_path --prepend "$shims"

Check a command without running it:
  $bin check -- git push --force
EOF
