#!/usr/bin/env python3
"""Prints the option grammar of git subcommands in guard's pack shorthand.

Reads `git <cmd> -h` from the installed git, so the lists are git's own, complete
for that version. Used to write rules/git.yaml; re-run when git adds options:

    tools/git-grammar.py push reset clean 'stash drop' > /tmp/grammar.yaml
"""
import re
import subprocess
import sys


def options(cmd):
    out = subprocess.run(["git", *cmd.split(), "-h"], capture_output=True, text=True)
    specs = []
    for line in (out.stdout + out.stderr).splitlines():
        if not re.match(r"^ {4}-\S", line):
            continue
        # the spec is the leading run of option-like tokens; the description follows
        tokens = []
        for tok in line.split():
            if tok[0] in "-<[(" or (tokens and tokens[-1].endswith(",")):
                tokens.append(tok)
            else:
                break
        spec = " ".join(tokens)
        spec = re.sub(r"\[=\(([^)]*)\)\]", r"[=<\1>]", spec)  # [=(a|b)] -> [=<a|b>]
        spec = re.sub(r" \(([^)]*)\)$", r" <\1>", spec)  # (a|b) value -> <a|b>
        spec = re.sub(r"^(-\w)\[<([^>]*)>\]", r"\1[=<\2>]", spec)  # -n[<n>]
        spec = re.sub(r"(<[^>]*>)/$", r"\1", spec)  # <subdirectory>/
        specs.append(spec)
    return specs


for cmd in sys.argv[1:]:
    print(f"      # {cmd}")
    for s in options(cmd):
        print(f'      - "{s}"')
