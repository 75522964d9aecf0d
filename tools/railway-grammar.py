#!/usr/bin/env python3
"""Prints the `programs:` section of rules/railway.yaml from a dump of the Railway
CLI's clap command tree (JSON: commands with names, aliases, options and their value
arity, subtree-level globals, trailing_var_arg commands, which commands destroy).

The dump for railway 5.71.0 was produced by compiling the CLI from crates.io with a
routine that walks clap's `Command` tree; see the commit that added this script.

    tools/railway-grammar.py railway-cli.json > /tmp/railway-programs.yaml
"""
import json
import sys

# Destroying commands → the operation they perform (the GraphQL root field, or a
# semantic name where the CLI sends a generic patch). Rules in rules/railway-api.yaml
# name these operations, so the same rule stops the CLI and the raw API call.
OPERATIONS = {
    "delete": "railway.projectScheduleDelete",
    "project delete": "railway.projectScheduleDelete",
    "down": "railway.deploymentRemove",
    "environment delete": "railway.environmentDelete",
    "service delete": "railway.serviceDelete",
    "functions delete": "railway.serviceDelete",
    "volume delete": "railway.volumeDelete",
    "volume detach": "railway.volumeDetach",
    "volume files delete": "railway.volumeFilesDelete",
    "service files delete": "railway.serviceFilesDelete",
    "bucket delete": "railway.bucketDelete",
    "variable delete": "railway.variableDelete",
    "domain delete": "railway.customDomainDelete",
    "tcp-proxy delete": "railway.tcpProxyDelete",
    "templates delete": "railway.templateDelete",
    "templates unpublish": "railway.templateUnpublish",
    "sandbox destroy": "railway.sandboxDestroy",
    "sandbox checkpoint delete": "railway.sandboxCheckpointDelete",
    "ca delete": "railway.cloudAgentDelete",
    "ssh keys remove": "railway.sshPublicKeyDelete",
    "flag delete": "railway.signalDelete",
    "flag unset": "railway.signalRuleUnset",
    "usage limit remove": "railway.usageLimitRemove",
    "outbound-network static-ip disable": "railway.egressGatewayAssociationsClear",
    "mysql ha revert": "railway.templateRevert",
    "postgres ha revert": "railway.templateRevert",
    "redis ha revert": "railway.templateRevert",
    "mysql pitr disable": "railway.disablePitrForHaCluster",
    "postgres pitr disable": "railway.disablePitrForHaCluster",
    "mysql pitr restore": "railway.volumeInstancePITRRestore",
    "postgres pitr restore": "railway.volumeInstancePITRRestore",
    "mysql pitr backup delete": "railway.volumeInstanceBackupDelete",
    "postgres pitr backup delete": "railway.volumeInstanceBackupDelete",
    "mysql pitr backup restore": "railway.volumeInstanceBackupRestore",
    "postgres pitr backup restore": "railway.volumeInstanceBackupRestore",
}
# Commands that send a payload guard reads: `railway api` sends any GraphQL document.
INSPECTORS = {"api": "graphql:railway"}
# Destroy-capable although the dump does not mark them so.
ALSO_DESTROY = {"mysql pitr disable", "postgres pitr disable", "mysql pitr restore", "postgres pitr restore"}


def option(o, is_global):
    names = []
    if o.get("short"):
        names.append("-" + o["short"])
    names += ["--" + l for l in o.get("long") or []]
    if not names:
        return None
    text = ", ".join(names)
    value = o.get("value", "none")
    if value == "required":
        text += " <v>"
    elif value == "optional":
        text = names[0] if len(names) == 1 else text
        text += "[=<v>]"
    if o.get("multiple") and value != "none":
        text += "..."
    if is_global:
        text += " (global)"
    return text


def node(c, path, globals_by_root, depth, out, inherited=frozenset()):
    pad = "  " * depth
    key = " ".join(path)
    destroys = c.get("destroys") or key in ALSO_DESTROY
    out.append(f"{pad}{json.dumps(c['name'])}:")
    pad += "  "
    aliases = [a for a in c.get("aliases", []) if a != c["name"]]
    if aliases:
        out.append(f"{pad}aliases: {json.dumps(aliases)}")
    out.append(f"{pad}class: {'destroy' if destroys else 'safe'}")
    if key in OPERATIONS:
        out.append(f"{pad}operation: {OPERATIONS[key]}")
    if key in INSPECTORS:
        out.append(f"{pad}inspector: {json.dumps(INSPECTORS[key])}")
    subs = [s for s in c.get("subcommands", []) if s["name"] != "help"]
    if subs and c.get("positionals"):
        # `railway environment staging`: a word that is no subcommand is an argument
        out.append(f"{pad}unknown: allow")
    if c.get("trailing_var_arg") or any(p.get("trailing_var_arg") for p in c.get("positional_details", [])):
        out.append(f"{pad}trailing_command: true")
    globals_here = {g.get("long") for g in globals_by_root.get(key, [])}
    opts = []
    for o in c.get("options", []):
        if o.get("long") and o["long"][0] in ("help", "version"):
            continue
        if (o.get("long") or [None])[0] in inherited:
            continue  # clap lists an ancestor's global options again on every child
        t = option(o, (o.get("long") or [None])[0] in globals_here)
        if t:
            opts.append(t)
    if opts:
        out.append(f"{pad}options:")
        out.extend(f"{pad}  - {json.dumps(t)}" for t in opts)
    if subs:
        out.append(f"{pad}subcommands:")
        if c.get("has_help_subcommand", True):
            out.append(f"{pad}  help: {{ class: safe }}")
        for s in subs:
            node(s, path + [s["name"]], globals_by_root, depth + 2, out, inherited | globals_here)


def main():
    dump = json.load(open(sys.argv[1]))
    out = [
        f"  # railway {dump['version']} (commit {dump['commit'][:12]}): every command and alias clap accepts",
        "  railway:",
        "    # clap: bundled short flags, --opt=value, options after operands; no prefixes",
        "    class: safe",
        "    options:",
        '      - "-h, --help (global)"',
        '      - "-V, --version (global)"',
        "    subcommands:",
        "      help: { class: safe }",
    ]
    for c in dump["commands"]:
        node(c, [c["name"]], dump.get("subcommand_level_globals", {}), 3, out)
    print("\n".join(out))


main()
