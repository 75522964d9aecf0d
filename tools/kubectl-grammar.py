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
# OpenShift's `oc` (4.1x; docs.redhat.com "OpenShift CLI (oc) developer and
# administrator command reference") is kubectl with more commands, built on kubectl's
# own code: the same global options, the same commands with the same flags, and the
# same kubeconfig. It shares this grammar through the root alias `oc`, so every
# kubernetes.* rule judges `oc delete`, `oc drain`… exactly as kubectl's. OC lists, per
# command path, the commands only oc has (kubectl refuses them itself, so listing them
# changes nothing for kubectl). Commands oc has that are not listed (`oc observe`, which
# runs a script per change, `oc adm reboot-machine-config-pool`, `oc adm
# ocp-certificates`, `oc adm copy-to-node`…) are unknown and confirm.
OC_DRAIN = (
    '["--chunk-size <v>", "--delete-emptydir-data", "--delete-local-data", "--disable-eviction", "--dry-run[=<v>]", '
    '"--force", "--grace-period <v>", "--ignore-daemonsets", "--pod-selector <v>", "-l, --selector <v>", '
    '"--skip-wait-for-delete-timeout <v>", "--timeout <v>"]'
)
OC_PRUNE = {
    "builds": '["--confirm", "--keep-complete <v>", "--keep-failed <v>", "--keep-younger-than <v>", "--orphans", "-o, --output <v>"]',
    "deployments": '["--confirm", "--keep-complete <v>", "--keep-failed <v>", "--keep-younger-than <v>", "--orphans", "--replica-sets", "-o, --output <v>"]',
    "groups": '["--confirm", "--blacklist <v>", "--whitelist <v>", "--sync-config <v>"]',
    "images": '["--confirm", "--all", "--force-insecure", "--ignore-invalid-refs", "--keep-tag-revisions <v>", "--keep-younger-than <v>", "--prune-over-size-limit", "--prune-registry[=<v>]", "--registry-url <v>", "--num-workers <v>", "-o, --output <v>"]',
    "renderedmachineconfigs": '["--confirm", "--count <v>", "--pool-name <v>"]',
}
OC = {
    "": [
        '# OpenShift `oc` only (see tools/kubectl-grammar.py OC); kubectl refuses these',
        '"login": { class: safe }',
        '"logout": { class: safe }',
        '"whoami": { class: safe }',
        '"project": { class: safe }',
        '"projects": { class: safe }',
        '"new-project": { class: safe }',
        '"status": { class: safe }',
        '"new-app": { class: safe }',
        '"new-build": { class: safe }',
        '"start-build": { class: safe }',
        '"cancel-build": { class: safe }',
        '"import-image": { class: safe }',
        '"rollback": { class: safe }',
        '"idle": { class: safe }',
        '"process": { class: safe }',
        '"extract": { class: safe }',
        '"image": { class: safe, unknown: allow }',
        '"registry": { class: safe, unknown: allow }',
        '"policy": { class: safe, unknown: allow }',
        '"secrets": { class: safe, unknown: allow }',
        '"serviceaccounts": { aliases: [serviceaccount, sa], class: safe, unknown: allow }',
        '"tag": { class: destroy, options: ["-d, --delete", "--alias", "--insecure", "--reference", '
        '"--reference-policy <v>", "--scheduled", "--source <v>", "--import-mode <v>"] }',
        '"rsync": { class: destroy, options: ["-c, --container <v>", "--compress", "--delete", "--exclude <v>...", '
        '"--include <v>...", "--no-perms", "--progress", "-q, --quiet", "--strategy <v>", "-w, --watch", '
        '"--last <v>"] }',
        '"rsh": { class: destroy, trailing_command: true, trailing_after: 1, runs: { argv_at: 1, dashdash: true }, '
        'options: ["-c, --container <v>", "-f, --filename <v>", "--no-tty", "--shell <v>", "-t, --tty", '
        '"-T", "--timeout <v>"] }',
        '"adm":',
        '  class: safe',
        '  subcommands:',
        '    "drain": { class: destroy, options: ' + OC_DRAIN + ' }',
        '    "cordon": { class: safe }',
        '    "uncordon": { class: safe }',
        '    "taint": { class: safe }',
        '    "top": { class: safe, unknown: allow }',
        '    "policy": { class: safe, unknown: allow }',
        '    "release": { class: safe, unknown: allow }',
        '    "catalog": { class: safe, unknown: allow }',
        '    "certificate": { class: safe, unknown: allow }',
        '    "node-image": { class: safe, unknown: allow }',
        '    "new-project": { class: safe }',
        '    "node-logs": { class: safe }',
        '    "must-gather": { class: safe }',
        '    "inspect": { class: safe }',
        '    "build-chain": { class: safe }',
        '    "wait-for-stable-cluster": { class: safe }',
        '    "create-bootstrap-project-template": { class: safe }',
        '    "create-error-template": { class: safe }',
        '    "create-login-template": { class: safe }',
        '    "create-provider-selection-template": { class: safe }',
        '    "groups":',
        '      class: safe',
        '      subcommands:',
        '        "new": { class: safe }',
        '        "add-users": { class: safe }',
        '        "remove-users": { class: safe }',
        '        "sync": { class: safe }',
        '        "prune": { class: destroy, options: ' + OC_PRUNE["groups"] + ' }',
        '    "prune":',
        '      class: destroy',
        '      subcommands:',
        *[f'        "{k}": {{ class: destroy, options: {v} }}' for k, v in OC_PRUNE.items()],
        '    "upgrade":',
        '      class: destroy',
        '      options: ["--to <v>", "--to-latest", "--to-image <v>", "--to-multi-arch", "--allow-explicit-upgrade", '
        '"--allow-not-recommended", "--allow-upgrade-with-warnings", "--force", "--clear", '
        '"--include-not-recommended"]',
        '      subcommands:',
        '        "channel": { class: safe }',
        '        "recommend": { class: safe }',
    ],
    "create": [
        '# OpenShift `oc` only',
        '"route": { class: safe, unknown: allow }',
        '"deploymentconfig": { aliases: [dc], class: safe }',
        '"imagestream": { aliases: [is], class: safe }',
        '"imagestreamtag": { aliases: [istag], class: safe }',
        '"build": { class: safe }',
        '"user": { class: safe }',
        '"identity": { class: safe }',
        '"useridentitymapping": { class: safe }',
        '"clusterresourcequota": { aliases: [clusterquota], class: safe }',
    ],
    "rollout": [
        '# OpenShift `oc` only (DeploymentConfigs)',
        '"latest": { class: safe }',
        '"cancel": { class: safe }',
        '"retry": { class: safe }',
    ],
    "set": [
        '# OpenShift `oc` only',
        '"build-hook": { class: safe }',
        '"build-secret": { class: safe }',
        '"data": { class: safe }',
        '"deployment-hook": { class: safe }',
        '"image-lookup": { class: safe }',
        '"probe": { class: safe }',
        '"route-backends": { class: safe }',
        '"triggers": { class: safe }',
        '"volumes": { aliases: [volume], class: safe }',
    ],
}

# kubectl plugins guard knows (`kubectl argo rollouts …` runs `kubectl-argo-rollouts`,
# whose own shim judges it again with the gitops pack), added after the root commands.
# Other plugins are unknown subcommands and confirm.
ROLLOUTS = ["abort", "completion", "create*", "dashboard", "get*", "help", "lint", "list*", "notifications*",
            "pause", "promote", "restart", "retry*", "set*", "status", "terminate*", "undo", "version"]
PLUGINS = [
    '# kubectl plugins (see tools/kubectl-grammar.py PLUGINS): kubectl runs',
    '# `kubectl-argo-rollouts`, which guard judges again by its own shim (gitops pack)',
    '"argo":',
    '  class: safe',
    '  subcommands:',
    '    "rollouts":',
    '      class: safe',
    '      subcommands:',
    *[f'        "{c.rstrip("*")}": {{ class: safe{", unknown: allow" if c.endswith("*") else ""} }}' for c in ROLLOUTS],
]


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
        for line in OC.get(name, []):
            print(f"{pad}    {line}")


version = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True).stdout.split("\n")[0]
root = parse([])
GLOBALS = globals_() + EXTRA_GLOBALS + ["-h, --help[=<bool>] (global)"]
GLOBAL_NAMES = {long_name(g) for g in GLOBALS}
print(f"  # {version}: tools/kubectl-grammar.py")
print("  kubectl:")
print("    aliases: [oc]")
print("    class: safe")
print("    options:")
for o in GLOBALS:
    print(f'      - "{o}"')
print("    subcommands:")
for s in root["subs"]:
    emit(s, 6)
for line in OC[""]:
    print(f"      {line}")
for line in PLUGINS:
    print(f"      {line}")
