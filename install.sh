#!/usr/bin/env bash
# Builds guard from this checkout and installs it with a shim for every program a
# rule pack covers.
#
#   ./install.sh                 install into ~/.local (bin/guard, lib/guard/shims/)
#   ./install.sh --prefix DIR    install into DIR instead
#   ./install.sh --system        as root: a root-owned install in /usr/local, and the
#                                system layer /etc/guard, that the agent cannot rewrite
#   ./install.sh --uninstall     remove what an install into the prefix put there
#                                (with --system: the root-owned one; /etc/guard stays)
#
# Idempotent: running it again rebuilds, replaces the binary atomically and brings the
# shims in step with shims/programs (stale shims pointing at guard are removed).
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

here=$(cd "$(dirname "$0")" && pwd)
# The home directory from the user database, not $HOME (see README: trust paths).
home=$(eval echo "~$(id -un)")
prefix="$home/.local"
action=install
system=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --system) system=yes; prefix=/usr/local; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 64 ;;
  esac
done
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac

bin="$prefix/bin/guard"
shims="$prefix/lib/guard/shims"
etc=/etc/guard

if [ "$system" = yes ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: --system installs root-owned files; run it as root (sudo ./install.sh --system)" >&2
  exit 77
fi

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
  [ "$system" = yes ] && echo "guard: $etc is your policy and was left in place; remove it by hand if you mean to"
  exit 0
fi

triple=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p' || true)
prebuilt=
if [ "$system" = yes ]; then
  # `sudo ./install.sh --system` after `./install.sh`: install what the user built (root
  # often has no toolchain, and building as root leaves root-owned files in target/),
  # as long as nothing in the checkout is newer than it
  newest=$(ls -t "$here"/target/*/release/guard "$here"/target/release/guard 2>/dev/null | head -n 1 || true)
  if [ -n "$newest" ] && [ -z "$(find "$here/src" "$here/rules" "$here/Cargo.toml" "$here/Cargo.lock" "$here/build.rs" -newer "$newest" -print -quit)" ]; then
    prebuilt=$newest
    echo "install.sh: installing the binary already built at $prebuilt"
  fi
fi
if [ -z "$prebuilt" ] && ! command -v cargo >/dev/null; then
  echo "install.sh: cargo not found; install Rust (https://rustup.rs)" >&2
  [ "$system" = yes ] && echo "  or build first as yourself (./install.sh), then: sudo ./install.sh --system" >&2
  exit 1
fi
# guard runs in front of every git and curl: on Linux it is linked as a non-PIE
# executable, which starts ~0.3 ms faster than a PIE one (no load-time relocations;
# bench/README.md has the figures). An explicit --target keeps these flags off build
# scripts and proc-macros.
case "${prebuilt:+prebuilt}:$triple" in
  prebuilt:*)
    built=$prebuilt ;;
  *:x86_64-*-linux-gnu|*:aarch64-*-linux-gnu)
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
if [ "$system" = yes ]; then
  group=$(id -gn 0)
  chown "0:$group" "$bin" && chmod 0755 "$bin"
  # the system layer: root-owned and writable by no one else, or guard refuses it
  mkdir -p "$etc/rules"
  chown "0:$group" "$etc" "$etc/rules" && chmod 0755 "$etc" "$etc/rules"
  if [ ! -e "$etc/config.yaml" ]; then
    cat > "$etc/config.yaml" <<'YAML'
# guard's system settings (see README "Settings"); only this layer may loosen.
# approval: password          # approve with the login password, a factor the agent lacks
# production:
#   hosts: ['(^|\.)db\.example\.com$']
YAML
  fi
  chown "0:$group" "$etc/config.yaml" && chmod 0644 "$etc/config.yaml"
fi

wanted=$(programs | tr '\n' ' ')
remove_guard_links $wanted
count=0
for p in $wanted; do
  ln -sfn "$bin" "$shims/$p"
  count=$((count + 1))
done
if [ "$system" = yes ]; then
  chown -h "0:$(id -gn 0)" "$shims"/* && chown "0:$(id -gn 0)" "$shims" "$prefix/lib/guard"
  chmod 0755 "$shims" "$prefix/lib/guard"
fi

# Smoke test of the installed binary (outside any project's rules): rules load, every
# example holds, `rm -rf /` is stopped (exit 75) without running anything.
(cd / && "$bin" rules test >/dev/null) || { echo "install.sh: guard rules test failed" >&2; exit 1; }
set +e
(cd / && "$bin" check -- rm -rf / >/dev/null 2>&1)
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
