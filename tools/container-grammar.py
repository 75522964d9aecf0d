#!/usr/bin/env python3
"""Prints the `docker:` or `podman:` program section of rules/containers.yaml from the
installed CLI's own help (`<prog> <cmd> --help`, walked recursively).

Both use cobra/pflag (bundled short flags, `--opt=value`, options after operands, no
prefixes). Help shows `-x, --name type   text`: a type word means the option takes a
value; list types (`list`, `strings`, `stringArray`, `filter`…) accumulate. Aliases
come from the help's `Aliases:` section. Which commands can destroy is decided in
DESTROY; EXTRA adds commands and options of newer releases than the installed one.

    tools/container-grammar.py docker > /tmp/docker.yaml   # docker 28.2
    tools/container-grammar.py podman > /tmp/podman.yaml   # podman 4.3 (+ EXTRA for 5.x)
"""
import re
import subprocess
import sys

PROG = sys.argv[1]
# Commands whose unknown options confirm: they delete containers, volumes or a whole
# store, Swarm services, stacks, nodes, secrets or configs, or run another command.
# Everything else only reads or creates, or removes what can be pulled or built again
# (images, build cache, stopped containers).
DESTROY = {
    "docker": {"rm", "container rm", "volume rm", "volume prune", "system prune",
               "service rm", "stack rm", "swarm leave", "node rm", "secret rm", "config rm"},
    "podman": {"rm", "container rm", "volume rm", "volume prune", "system prune", "system reset",
               "machine rm", "machine reset", "pod rm", "kube down", "play kube", "kube play", "unshare"},
}[PROG]
# Commands of newer releases than the one installed: path -> options.
EXTRA = {
    "docker": {},
    "podman": {
        "kube down": ["-f, --force"],
        "kube play": ["--down", "--replace", "-f, --force"],
        "machine reset": ["-f, --force"],
    },
}[PROG]
EXTRA_OPTIONS = {"podman": {"play kube": ["-f, --force"]}}.get(PROG, {})
# Root options of podman 5.x the installed 4.3 lacks.
EXTRA_GLOBALS = {"podman": ["--cdi-spec-dir <v>...", "--config <v>", "--db-backend <v>", "--imagestore <v>",
                            "--module <v>...", "--out <v>", "--transient-store"]}.get(PROG, [])
# Commands that run a command: what follows the image (run) or the container (exec)
# is the container's command, judged by its own pack; a CLI image runs its CLI.
_RUN_IMAGE = "trailing_command: true\nruns: { argv_at: 0, image: true, entrypoint_option: entrypoint }"
_EXEC = "trailing_command: true\nruns: { argv_at: 1 }"
RUNS = {"unshare": "trailing_command: true\nruns: { argv_at: 0 }",
        "run": _RUN_IMAGE, "container run": _RUN_IMAGE, "exec": _EXEC, "container exec": _EXEC}
LIST_TYPES = {"list", "strings", "stringArray", "filter", "ulimit", "uint16Slice", "stringSlice", "map"}
GLOBAL_SECTION = {"docker": "Global Options:", "podman": None}[PROG]


def help_text(path):
    r = subprocess.run([PROG, *path, "--help"], capture_output=True, text=True)
    return r.stdout + (r.stderr if not r.stdout else "")


OPT = re.compile(r"^\s+(?:-(\w), )?--([\w-]+)(?: (\w+))?(?:\s{2,}|$)")


def spec(short, long, typ):
    names = (f"-{short}, " if short else "") + f"--{long}"
    if not typ:
        return names
    return f"{names} <v>..." if typ in LIST_TYPES else f"{names} <v>"


def parse(path, seen_globals):
    text = help_text(path)
    subs, opts, aliases, globals_, section = [], [], [], [], None
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Za-z ()]*:\s*$", line):
            section = line.strip()
            continue
        if section == "Aliases:" and line.strip():
            # docker: `docker container rm, docker container remove, docker rm`;
            # podman: `rm, remove`. Only names under this command's own parent count.
            entries = [a.split() for a in line.split(",")]
            parent = [PROG, *path[:-1]]
            aliases = [e[-1] for e in entries if path and e[-1] != path[-1] and (len(e) == 1 or e[:-1] == parent)]
            section = None
        elif section in ("Options:", "Flags:", GLOBAL_SECTION):
            m = OPT.match(line)
            if m:
                s = spec(m.group(1), m.group(2), m.group(3))
                (globals_ if section == GLOBAL_SECTION or (not path and PROG == "podman") else opts).append(s)
        elif section and "Commands" in section:
            m = re.match(r"^  ([a-z][\w-]*)\*?\s+\S", line)
            if m and m.group(1) != "help":
                subs.append(m.group(1))
    # podman repeats the root's options in every subcommand's help; keep what is new
    opts = [o for o in opts if o not in seen_globals]
    node = {"path": path, "aliases": aliases, "options": opts, "globals": globals_}
    node["subs"] = [parse(path + [s], seen_globals | set(globals_)) for s in subs]
    return node


def emit(node, indent):
    pad = " " * indent
    name = " ".join(node["path"])
    print(f'{pad}"{node["path"][-1]}":')
    if node["aliases"]:
        print(f"{pad}  aliases: [{', '.join(node['aliases'])}]")
    print(f"{pad}  class: {'destroy' if name in DESTROY else 'safe'}")
    if name in RUNS:
        for line in RUNS[name].splitlines():
            print(f"{pad}  {line}")
    options = node["options"] + EXTRA_OPTIONS.get(name, [])
    options += [o for o in EXTRA.get(name, []) if o not in options]
    if options:
        print(f"{pad}  options:")
        for o in options:
            print(f'{pad}    - "{o}"')
    subs = node["subs"] + [
        {"path": node["path"] + [p.split()[-1]], "aliases": [], "options": o, "subs": []}
        for p, o in EXTRA.items()
        if p.split()[:-1] == node["path"] and p.split()[-1] not in {s["path"][-1] for s in node["subs"]}
    ]
    if subs:
        print(f"{pad}  subcommands:")
        for s in subs:
            emit(s, indent + 4)


version = subprocess.run([PROG, "--version"], capture_output=True, text=True).stdout.strip()
root = parse([], set())
print(f"  # {version}: tools/container-grammar.py {PROG}")
print(f"  {PROG}:")
print("    class: safe")
print("    options:")
# docker's root options come before the command only (its root parses no options
# after the first operand); podman's are cobra persistent flags, except --version.
for o in root["globals"] + EXTRA_GLOBALS:
    if "--help" in o:
        continue
    persistent = PROG == "podman" and "--version" not in o
    print(f'      - "{o} (global)"' if persistent else f'      - "{o}"')
print('      - "-h, --help (global)"')
print("    subcommands:")
for s in root["subs"]:
    emit(s, 6)
