#!/usr/bin/env python3
"""Time scope-lint on pathological code shapes, one file per shape and size.

Every shape grows one construct to N repetitions inside an axum handler (so
the prefilter lets the file through): method chains, binary-operator chains,
`else if` ladders, huge blocks, huge `match`es, long integer literals, and
the nesting shapes (parentheses, braces, generics, unary operators). The
result is linear time per shape, or a `too-complex` finding instead of a
crash or a hang.

    python3 bench/shapes.py [--bin target/release/scope-lint] [--sizes 1000,10000,100000]

Prints a markdown table: seconds per shape and size, and what the run
reported (exit code, finding codes, or the signal that killed it).
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

HEAD = "use axum::http::Uri;\nasync fn handler(uri: Uri) {\n"
TAIL = "}\n"


def chain(n):
    return HEAD + "    let q = uri" + ".clone()" * n + ".query().unwrap();\n" + TAIL


def binary(n):
    return HEAD + "    let s = uri.path().len()" + " + 1" * n + ";\n" + TAIL


def else_if(n):
    body = "    let x = uri.path().len();\n    if x == 0 { }"
    body += "".join(f" else if x == {i + 1} {{ }}" for i in range(n))
    return HEAD + body + "\n" + TAIL


def block(n):
    return HEAD + "".join(f"    let v{i} = uri.path();\n" for i in range(n)) + TAIL


def match_arms(n):
    arms = "".join(f"        {i} => uri.path(),\n" for i in range(n))
    return HEAD + "    let p = match uri.path().len() {\n" + arms + "        _ => \"\",\n    };\n" + TAIL


def literal(n):
    return HEAD + "    let big = " + "1" * n + ";\n    let q = uri.query().unwrap();\n" + TAIL


def parens(n):
    return HEAD + "    let x = " + "(" * n + "uri.query().unwrap()" + ")" * n + ";\n" + TAIL


def braces(n):
    return HEAD + "    " + "{" * n + " uri.query().unwrap(); " + "}" * n + "\n" + TAIL


def generics(n):
    return HEAD + "    let x: " + "Option<" * n + "u8" + ">" * n + " = None;\n    uri.query().unwrap();\n" + TAIL


def unary(n):
    return HEAD + "    let b = " + "!" * n + "uri.query().is_some();\n    uri.query().unwrap();\n" + TAIL


SHAPES = collections.OrderedDict(
    [
        ("method chain", chain),
        ("binary chain", binary),
        ("else if ladder", else_if),
        ("huge block", block),
        ("huge match", match_arms),
        ("long literal", literal),
        ("nested parens", parens),
        ("nested braces", braces),
        ("nested generics", generics),
        ("unary ops", unary),
    ]
)


def run(binary_path, text, timeout):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "shape.rs")
        with open(path, "w") as f:
            f.write(text)
        cmd = [binary_path, "--format", "json", "--no-cache", "--isolated", path]
        started = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return timeout, f"timeout > {timeout:.0f} s"
        took = time.monotonic() - started
        if p.returncode < 0:
            return took, f"killed by signal {-p.returncode}"
        if p.returncode not in (0, 1, 2):
            return took, f"exit {p.returncode}"
        try:
            codes = sorted({d["code"] for d in json.loads(p.stdout)})
        except (ValueError, KeyError, TypeError):
            codes = ["?"]
        return took, f"exit {p.returncode}: " + (", ".join(codes) or "-")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/scope-lint")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = [s.strip() for s in args.shapes.split(",")]
    print("| shape | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in shapes:
        cells = []
        for n in sizes:
            took, what = run(args.bin, SHAPES[name](n), args.timeout)
            cells.append(f"{took:.2f} s ({what})")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
