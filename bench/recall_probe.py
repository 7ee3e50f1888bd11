#!/usr/bin/env python3
"""Seeded-misuse recall on real applications: does scope-lint know the
application's own structs across files?

For every struct of a crate's `src/` with a named field typed `Url`,
`Uri` or `HeaderMap` (as written in the struct), two probe functions are
appended to a copy of the corpus:

- in the struct's own file and in another file of the same directory
  (the cross-file case the crate index exists for), functions taking the
  struct by path (`crate::a::b::State`), each with one misuse: a read of
  the field `.query_params` off the field (none of those types has it,
  and an unknown field is always SL001: no trait adds a field), and for
  `Url`/`Uri` its raw query split on `&` (SL002);
- next to each, a control that is correct code (a real member, the path
  split on `/`): it must not be flagged.

The copy is linted with `--select SL001,SL002 --format json`; the script prints
found / seeded for each case and every miss or false alarm. Nothing is
timed. Usage:

    python3 bench/recall_probe.py [--bin target/release/scope-lint] DIR...

(DIR: a corpus fetched by `bench/apps/fetch.sh`, e.g. /tmp/scope-lint-apps.)
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

STRUCT = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?struct\s+(\w+)\s*\{", re.M)
FIELD = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:\s*((?:[\w:]+::)?(Url|Uri|HeaderMap))\s*,?\s*(?://.*)?$"
)
REAL = {"Url": "query()", "Uri": "path()", "HeaderMap": "len()"}

# Per field type: (rule, misuse line, control line); `{f}` is the field.
# An unknown field is always SL001 (no trait adds a field); splitting the
# field's raw query on `&` is SL002, splitting its path is not.
PROBES = {
    "Url": [
        ("SL001", "let _ = &v.{f}.query_params;", "let _ = v.{f}.query();"),
        (
            "SL002",
            "for _ in v.{f}.query().unwrap_or(\"\").split('&') {{}}",
            "for _ in v.{f}.path().split('/') {{}}",
        ),
    ],
    "Uri": [
        ("SL001", "let _ = &v.{f}.query_params;", "let _ = v.{f}.path();"),
        (
            "SL002",
            "for _ in v.{f}.query().unwrap_or(\"\").split('&') {{}}",
            "for _ in v.{f}.path().split('/') {{}}",
        ),
    ],
    "HeaderMap": [
        ("SL001", "let _ = &v.{f}.query_params;", "let _ = v.{f}.len();"),
    ],
}


def module_path(src, path):
    """`crate::a::b` for src/a/b.rs or src/a/b/mod.rs; None for a root."""
    rel = os.path.relpath(path, src)[: -len(".rs")].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel in (["lib"], ["main"]) or rel[:1] == ["bin"]:
        return None if rel[:1] != ["bin"] else False
    return "crate::" + "::".join(rel)


def structs_of(text):
    """(struct name, [(field, written type, base type)]) per struct
    without generics (`struct S<T>` is skipped by the pattern)."""
    out = []
    for m in STRUCT.finditer(text):
        # Only structs at the file's top level: one inside an inline
        # module (`mod tests { .. }`) has another path. Braces in strings
        # and comments are rare enough around struct definitions.
        before = text[: m.start()]
        if before.count("{") != before.count("}"):
            continue
        depth, i, start = 1, m.end(), m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        fields = []
        for line in text[start : i - 1].splitlines():
            f = FIELD.match(line)
            if f:
                fields.append((f.group(1), f.group(2), f.group(3)))
        if fields:
            out.append((m.group(1), fields))
    return out


def seed(root):
    """Append probes under `root` (a copy); return the probes."""
    probes = []
    n = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("target", "tests", "benches", "examples")]
        if "Cargo.toml" not in filenames or not os.path.isdir(os.path.join(dirpath, "src")):
            continue
        src = os.path.join(dirpath, "src")
        for sdir, _, sfiles in os.walk(src):
            rs = sorted(f for f in sfiles if f.endswith(".rs"))
            for f in rs:
                path = os.path.join(sdir, f)
                mod = module_path(src, path)
                if mod is False:
                    continue
                try:
                    text = open(path, encoding="utf-8").read()
                except (UnicodeDecodeError, OSError):
                    continue
                # A field typed by the crate's own `Url`/`Uri`/`HeaderMap`
                # (hurl's `crate::http::Url`, a newtype) is no framework
                # type: the linter is right to say nothing there.
                own = {
                    b for b in REAL
                    if re.search(rf"\bstruct\s+{b}\b", text)
                    or re.search(rf"use\s+(?:crate|super|self)::[^;]*\b{b}\b", text)
                }
                for name, fields in structs_of(text):
                    fields = [f for f in fields if f[2] not in own]
                    if not fields:
                        continue
                    ty_path = f"{mod}::{name}" if mod else f"crate::{name}"
                    # Another file of the same directory, not a crate root.
                    others = [
                        o for o in rs
                        if o != f and module_path(src, os.path.join(sdir, o)) not in (None, False)
                    ]
                    targets = [("same-file", path)]
                    if others:
                        targets.append(("cross-file", os.path.join(sdir, others[0])))
                    for case, target in targets:
                        for field, _, base in fields[:2]:
                            for rule, misuse, control in PROBES[base]:
                                n += 1
                                code = (
                                    f"\n#[allow(dead_code)]\nfn __scope_lint_probe_{n}(v: &{ty_path}) {{\n"
                                    f"    {misuse.format(f=field)}\n"
                                    f"    {control.format(f=field)}\n}}\n"
                                )
                                with open(target, encoding="utf-8") as fh:
                                    lines = fh.read().count("\n")
                                with open(target, "a", encoding="utf-8") as fh:
                                    fh.write(code)
                                # The misuse is 3 lines below the old end.
                                probes.append(
                                    (case, rule, target, lines + 4, lines + 5, ty_path, field)
                                )
    return probes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/scope-lint")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="scope-lint-probe-")
    try:
        probes = []
        for d in args.dirs:
            dest = os.path.join(work, os.path.basename(d.rstrip("/")))
            shutil.copytree(d, dest, symlinks=True)
            probes += seed(dest)
        out = subprocess.run(
            [binary, work, "--no-cache", "--isolated", "--select", "SL001,SL002",
             "--format", "json"],
            capture_output=True, text=True,
        )
        found = {
            (x["code"], os.path.realpath(x["file"]), x["line"])
            for x in json.loads(out.stdout or "[]")
        }
        at = lambda p, line: any(
            (code, os.path.realpath(p[2]), line) in found for code in ("SL001", "SL002")
        )
        for rule in ("SL001", "SL002"):
            for case in ("same-file", "cross-file"):
                mine = [p for p in probes if p[0] == case and p[1] == rule]
                hits = [p for p in mine if (rule, os.path.realpath(p[2]), p[3]) in found]
                alarms = [p for p in mine if at(p, p[4])]
                print(f"{rule} {case}: {len(hits)} of {len(mine)} misuses found, "
                      f"{len(alarms)} false alarms on {len(mine)} controls")
                for p in mine:
                    if p not in hits:
                        print(f"  missed  {os.path.relpath(p[2], work)}:{p[3]} {p[5]}.{p[6]}")
                for p in alarms:
                    print(f"  alarm   {os.path.relpath(p[2], work)}:{p[4]} {p[5]}.{p[6]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
