#!/usr/bin/env python3
"""Prints the `kubectl:` program section of rules/kubernetes.yaml from the installed
kubectl's own help (`kubectl <cmd> --help`, walked recursively; `kubectl options` for
the global options).

kubectl uses cobra/pflag: bundled short flags, `--opt=value`, options after operands,
no prefixes. Help shows each flag as `--name=default:`; a default of `false`/`true`
is a boolean (no value), `[]` a repeatable value, anything else a required value.
Flags with pflag's NoOptDefVal (a value is optional) cannot be told from help: they
are listed in OPTIONAL. Which commands can destroy is decided in DESTROY.

    tools/kubectl-grammar.py > /tmp/kubectl-program.yaml
"""
import re
import subprocess
import sys

# Commands that can delete or replace what they act on, or run another command: their
# unknown options confirm. Everything else only reads, or changes what can be set back
# (labels, scale, rollouts, contexts), and its subcommands inherit that.
DESTROY = {
    "apply", "apply edit-last-applied", "apply set-last-applied", "attach", "auth reconcile",
    "config delete-cluster", "config delete-context", "config delete-user", "config unset",
    "cp", "debug", "delete", "drain", "edit", "exec", "patch", "replace", "run", "scale",
}
# Newer kubectl global options, so that they are not taken for the subcommand.
EXTRA_GLOBALS = ["--kuberc <v> (global)"]
# Spellings older kubectl accepts that the installed one no longer lists.
EXTRA_OPTIONS = {"apply": ["--prune-whitelist <v>..."]}
# pflag flags with a NoOptDefVal: `--dry-run` alone means client.
OPTIONAL = {"dry-run", "cascade", "validate"}
# Commands whose trailing operands are a command run in a container.
RUNS = {
    "exec": "trailing_command: true\ntrailing_after: 1\nruns: { argv_at: 1, dashdash: true }",
    "run": "trailing_command: true\ntrailing_after: 1\nruns: { argv_at: 1, dashdash: true }",
    "debug": "trailing_command: true\ntrailing_after: 1\nruns: { argv_at: 1, dashdash: true }",
}


def help_text(path):
    return subprocess.run(["kubectl", *path, "--help"], capture_output=True, text=True).stdout


def spec(short, long, default):
    names = (f"-{short}, " if short else "") + f"--{long}"
    if long in OPTIONAL:
        return f"{names}[=<v>]"
    if default in ("true", "false"):
        return names
    if default == "[]":
        return f"{names} <v>..."
    return f"{names} <v>"


def parse(path):
    text = help_text(path)
    subs, opts, aliases, section = [], [], [], None
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Za-z ()]*:\s*$", line):
            section = line.strip()
            continue
        if section == "Aliases:" and line.strip():
            aliases = [a.strip() for a in line.split(",")][1:]
        elif section == "Options:":
            m = re.match(r"^    (?:-(\w), )?--([\w-]+)=(.*):$", line)
            if m:
                opts.append(spec(m.group(1), m.group(2), m.group(3).strip("'")))
        elif section and "Commands" in section and "plugins" not in section:
            m = re.match(r"^  ([a-z][\w-]*)\s+\S", line)
            if m:
                subs.append(m.group(1))
    return {"path": path, "aliases": aliases, "options": opts, "subs": [parse(path + [s]) for s in subs]}


def globals_():
    text = subprocess.run(["kubectl", "options"], capture_output=True, text=True).stdout
    out = []
    for m in re.finditer(r"^    (?:-(\w), )?--([\w-]+)=(.*):$", text, re.M):
        out.append(spec(m.group(1), m.group(2), m.group(3).strip("'")) + " (global)")
    return out


def long_name(spec):
    return re.search(r"--([\w-]+)", spec).group(1)


def emit(node, indent):
    pad = " " * indent
    name = " ".join(node["path"])
    print(f'{pad}"{node["path"][-1]}":')
    if node["aliases"]:
        print(f"{pad}  aliases: [{', '.join(node['aliases'])}]")
    print(f"{pad}  class: {'destroy' if name in DESTROY else 'safe'}")
    if node["path"][-1] in RUNS and len(node["path"]) == 1:
        for line in RUNS[node["path"][-1]].splitlines():
            print(f"{pad}  {line}")
    # a local flag with a global's name (`config set-context --namespace`) shadows it
    # in pflag; both take a value the same way, so the global's entry serves
    options = [o for o in node["options"] if long_name(o) not in GLOBAL_NAMES]
    options += EXTRA_OPTIONS.get(name, [])
    if options:
        print(f"{pad}  options:")
        for o in options:
            print(f'{pad}    - "{o}"')
    if node["subs"]:
        print(f"{pad}  subcommands:")
        for s in node["subs"]:
            emit(s, indent + 4)


version = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True).stdout.split("\n")[0]
root = parse([])
GLOBALS = globals_() + EXTRA_GLOBALS + ["-h, --help[=<bool>] (global)"]
GLOBAL_NAMES = {long_name(g) for g in GLOBALS}
print(f"  # {version}: tools/kubectl-grammar.py")
print("  kubectl:")
print("    class: safe")
print("    options:")
for o in GLOBALS:
    print(f'      - "{o}"')
print("    subcommands:")
for s in root["subs"]:
    emit(s, 6)
