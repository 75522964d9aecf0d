#!/usr/bin/env python3
"""Runs each case's variants interleaved (direct, floor, guard, direct, …) and prints
medians, guard − floor and ratios to the direct call. Each run is a whole process,
spawned with posix_spawn and timed with a monotonic clock; the spawning cost is the
same for every variant, so differences are the shims' own."""
import os
import shutil
import statistics
import sys
import time

rounds, out, real_git = int(sys.argv[1]), sys.argv[2], sys.argv[3]
real = {"git": real_git, "curl": shutil.which("curl")}
base_path = os.environ.get("PATH", "/usr/bin:/bin")
devnull = os.open(os.devnull, os.O_RDWR)


def run(path_prefix, argv, cwd):
    env = dict(os.environ, PATH=(path_prefix + ":" if path_prefix else "") + base_path)
    prog = argv[0] if not path_prefix else os.path.join(path_prefix, argv[0])
    os.chdir(cwd)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(prog, argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status = os.waitpid(pid, 0)
    return (time.perf_counter_ns() - t0) / 1e6, os.waitstatus_to_exitcode(status)


repo = os.path.join(out, "repo")
variants = {"direct": "", "floor": os.path.join(out, "floor"), "guard": os.path.join(out, "guarded")}
cases = [
    ("git --version", ["git", "--version"], ["direct", "floor", "guard"]),
    ("git status", ["git", "status", "--short"], ["direct", "floor", "guard"]),
    ("git status, project layer", ["git", "status", "--short"], ["direct", "floor", "guard"], "repo-layer"),
    ("git push --force (stopped)", ["git", "push", "--force", "origin", "main"], ["guard"]),
    ("curl --version", ["curl", "--version"], ["direct", "floor", "guard"]),
    ("curl file:// GET", ["curl", "-sS", "-o", "/dev/null", "file:///etc/hostname"], ["direct", "floor", "guard"]),
]
print(f"{rounds} interleaved rounds per case; medians in ms")
for name, argv, which, *where in cases:
    cwd = os.path.join(out, where[0]) if where else repo
    times = {v: [] for v in which}
    codes = {}
    for _ in range(10):  # warm the page cache
        for v in which:
            run(variants[v], argv if v != "direct" else [real[argv[0]]] + argv[1:], cwd)
    for _ in range(rounds):
        for v in which:
            t, code = run(variants[v], argv if v != "direct" else [real[argv[0]]] + argv[1:], cwd)
            times[v].append(t)
            codes[v] = code
    med = {v: statistics.median(ts) for v, ts in times.items()}
    line = f"{name:30}" + "".join(f" {v} {med[v]:.3f}" for v in which)
    if "floor" in med:
        line += f" | guard-floor {med['guard'] - med['floor']:+.3f} ms | guard/direct {med['guard'] / med['direct']:.2f}x"
        line += f" | floor/direct {med['floor'] / med['direct']:.2f}x"
    line += f" | exit {codes}"
    print(line)
