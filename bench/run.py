#!/usr/bin/env python3
"""The scope-lint benchmark: prints, for 1 and 2 threads, the median of 5
runs and the peak RSS of

  - the syn parse floor (examples/parse_floor.rs: read + parse + one visit),
  - scope-lint cold (empty cache), warm (nothing changed), after one
    edit inside a function body (the issue's target), and after touching
    1% of the files (a stricter proxy kept from earlier rounds),
  - ast-grep with three rules equivalent to SL001, SL002 and SL006
    (ast-grep-cli from PyPI, in a temporary venv),

and the ratios the performance issue targets. It also checks that the
findings are identical with and without the prefilter and the cache.

    python3 bench/run.py [--runs 5] [--corpus DIR] [--write bench/RESULTS.md]

Not a test: figures depend on the machine and its load. No network but the
package registries (cargo fetch, pip install).
"""
import argparse, datetime, os, pathlib, platform, random, re, shutil, statistics
import subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def sh(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(cmd, text=True, **kw)


def measure(cmd, runs, before=None):
    """Median wall seconds and max peak RSS (MiB) of `runs` runs of cmd."""
    walls, rss = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        rss.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"{cmd} exited {code}")
    return statistics.median(walls), max(rss)


def copy_corpus(src, dst):
    """A private copy (not hard links): the benchmark edits files."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", action="append",
                    help="directory to lint; repeat for several corpora, each measured and "
                         "written as its own section (default: bench/corpus/fetch.sh)")
    ap.add_argument("--write", help="also write the results as Markdown to this file")
    ap.add_argument("--skip-ast-grep", action="store_true")
    ap.add_argument("--edit-candidates", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.edit_candidates:
        return edit_candidates(args.edit_candidates)

    sh(["cargo", "build", "--release", "-q", "--bin", "scope-lint", "--example", "parse_floor"], cwd=ROOT)
    corpora = [pathlib.Path(c) for c in (args.corpus or [
        sh(["bash", str(ROOT / "bench/corpus/fetch.sh")], capture_output=True).stdout.strip()])]
    work = pathlib.Path(tempfile.mkdtemp(prefix="scope-lint-bench-"))
    sg = None
    if not args.skip_ast_grep:
        venv = work / "venv"
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin/pip"), "install", "-q", "ast-grep-cli==0.51.1"])
        sg = str(venv / "bin/ast-grep")
    sections = [bench_corpus(src, args, sg, work) for src in corpora]
    if args.write:
        header = (f"# scope-lint benchmark results\n\n{datetime.date.today()} on {platform.node()} "
                  f"({os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}); "
                  f"`python3 bench/run.py --write bench/RESULTS.md`\n\n")
        pathlib.Path(args.write).write_text(header + "\n\n".join(sections) + "\n")
    shutil.rmtree(work, ignore_errors=True)


def cpu_split(lint, corpus, threads):
    """Parse CPU and scope+rules CPU (ms) of a cold run, from --timings."""
    out = sh([lint, str(corpus), "--no-cache", "--timings", "--threads", str(threads)],
             capture_output=True, check=False).stderr
    got = {}
    for line in out.splitlines():
        line = line.strip()
        for key in ("parse (cpu):", "scope+rules (cpu):", "index:"):
            if line.startswith(key):
                got[key] = float(line[len(key):].split()[0])
    return got


# A function whose signature is one line ending in the body's brace.
FN_LINE = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+\w+(<[^>{]*>)?\([^(){};]*\)(\s*->\s*[^{};=]+)?\s*\{\s*$')
# Files a web developer edits: they name the frameworks, so the edited
# file is read, parsed and linted again (not skipped by the prefilter).
FRAMEWORK = re.compile(r'\b((axum|actix_web|hyper|http|url|warp|tungstenite|tokio_tungstenite|reqwest)::|(Url|Uri)\b)')


def edit_candidates(corpus):
    """The files of `corpus` that name a framework and have a body to edit."""
    for p in sorted(pathlib.Path(corpus).rglob("*.rs")):
        try:
            text = p.read_text()
        except (OSError, UnicodeDecodeError):
            continue
        if FRAMEWORK.search(text) and any(FN_LINE.match(l) for l in text.splitlines()):
            print(p)


class BodyEdits:
    """One edit inside one function body per run: a statement added at
    the top of a body, in turn in a few files that name a framework.
    Each run changes one file, as an editor's save does."""

    def __init__(self, corpus, rng):
        # Files are read in a child process: this one's memory is what
        # each measured run's peak RSS starts from before it execs.
        out = sh([sys.executable, __file__, "--edit-candidates", str(corpus)],
                 capture_output=True).stdout
        candidates = [pathlib.Path(l) for l in out.splitlines()]
        if not candidates:
            sys.exit("no function body to edit in the corpus")
        self.edits = rng.sample(candidates, min(8, len(candidates)))
        self.count = 0

    def next(self):
        p = self.edits[self.count % len(self.edits)]
        # The file as it was: without the statement an earlier run added.
        lines = [l for l in p.read_text().splitlines(keepends=True)
                 if not l.startswith("    let _bench_edit = ")]
        at = [i for i, l in enumerate(lines) if FN_LINE.match(l)]
        line = at[self.count % len(at)]
        self.count += 1
        edited = lines[:line + 1] + [f"    let _bench_edit = {self.count};\n"] + lines[line + 1:]
        p.write_text("".join(edited))


def bench_corpus(corpus_src, args, sg, work):
    lint = str(ROOT / "target/release/scope-lint")
    floor = str(ROOT / "target/release/examples/parse_floor")
    corpus = work / "corpus"
    copy_corpus(corpus_src, corpus)
    files = sorted(p for p in corpus.rglob("*.rs"))
    out = sh([floor, str(corpus)], capture_output=True).stdout.split()
    size = dict(zip(out[0::2], out[1::2]))
    print(f"corpus: {size['files']} files, {size['lines']} lines ({corpus_src})")
    # Findings must not depend on the prefilter or the cache.
    def findings(*extra):
        return sh([lint, str(corpus), "--format", "json", *extra], capture_output=True, check=False).stdout
    cache_check = work / "cache-check"
    import json
    def rule_findings(text):
        # The prefilter does not parse files no rule could match, so their
        # syntax errors are not reported: compare rule findings only.
        return [i for i in json.loads(text) if i["code"].startswith("SL")]
    plain = findings("--no-cache", "--no-prefilter")
    filtered = findings("--no-cache")
    assert rule_findings(plain) == rule_findings(filtered), "prefilter changed the findings"
    assert filtered == findings("--cache-dir", str(cache_check)), "cold cache changed the findings"
    assert filtered == findings("--cache-dir", str(cache_check)), "warm cache changed the findings"
    n = len(rule_findings(plain))
    print(f"{n} rule findings, identical without and with the prefilter, and with a cold and a warm cache")

    rows = {}
    rng = random.Random(1)
    body_edits = BodyEdits(corpus, random.Random(2))
    for threads in (1, 2):
        t = ["--threads", str(threads)]
        cache = work / f"cache-{threads}"
        def fresh_cache():
            shutil.rmtree(cache, ignore_errors=True)
        r = {}
        r["parse floor"] = measure([floor, str(corpus), *t], args.runs)
        r["scope-lint cold"] = measure([lint, str(corpus), "--cache-dir", str(cache), *t], args.runs, before=fresh_cache)
        r["scope-lint cold, no prefilter"] = measure([lint, str(corpus), "--no-cache", "--no-prefilter", *t], args.runs)
        sh([lint, str(corpus), "--cache-dir", str(cache), *t], capture_output=True, check=False)
        r["scope-lint warm"] = measure([lint, str(corpus), "--cache-dir", str(cache), *t], args.runs)
        touched = rng.sample(files, max(1, len(files) // 100))
        counter = [0]
        def touch():
            counter[0] += 1
            for p in touched:
                with open(p, "a") as f:
                    f.write(f"\n// touched {counter[0]}\n")
        r["scope-lint one body edit"] = measure([lint, str(corpus), "--cache-dir", str(cache), *t], args.runs, before=body_edits.next)
        r["scope-lint 1% touched"] = measure([lint, str(corpus), "--cache-dir", str(cache), *t], args.runs, before=touch)
        if sg:
            r["ast-grep, 3 rules"] = measure([sg, "scan", "-c", str(ROOT / "bench/ast-grep/sgconfig.yml"), "-j", str(threads), str(corpus)], args.runs)
        rows[threads] = r

    split = cpu_split(lint, corpus, 2)
    lines = []
    lines.append(f"## {corpus_src.name}\n")
    lines.append(f"corpus `{corpus_src}`: {size['files']} files, {size['lines']} lines; median of {args.runs} runs; peak RSS is the max over runs\n")
    lines.append("| threads | run | wall (s) | peak RSS (MiB) |")
    lines.append("|---|---|---|---|")
    for threads, r in rows.items():
        for name, (wall, rss) in r.items():
            lines.append(f"| {threads} | {name} | {wall:.2f} | {rss:.0f} |")
    lines.append("")
    lines.append("| ratio | 1 thread | 2 threads | target |")
    lines.append("|---|---|---|---|")
    def ratio(a, b, t):
        return rows[t][a][0] / rows[t][b][0]
    lines.append(f"| cold / parse floor | {ratio('scope-lint cold', 'parse floor', 1):.2f} | {ratio('scope-lint cold', 'parse floor', 2):.2f} | <= 0.5 |")
    if sg:
        lines.append(f"| ast-grep / cold | {ratio('ast-grep, 3 rules', 'scope-lint cold', 1):.1f}x | {ratio('ast-grep, 3 rules', 'scope-lint cold', 2):.1f}x | >= 5x |")
    lines.append(f"| warm / cold | {ratio('scope-lint warm', 'scope-lint cold', 1):.3f} | {ratio('scope-lint warm', 'scope-lint cold', 2):.3f} | <= 0.03 |")
    lines.append(f"| one body edit / cold | {ratio('scope-lint one body edit', 'scope-lint cold', 1):.3f} | {ratio('scope-lint one body edit', 'scope-lint cold', 2):.3f} | <= 0.06 |")
    lines.append(f"| 1% touched / cold | {ratio('scope-lint 1% touched', 'scope-lint cold', 1):.3f} | {ratio('scope-lint 1% touched', 'scope-lint cold', 2):.3f} | (<= 0.06: a stricter proxy) |")
    speedup = rows[1]["scope-lint cold"][0] / rows[2]["scope-lint cold"][0]
    lines.append(f"| cold, 1 thread / 2 threads | {speedup:.2f}x | | >= 1.8x |")
    # The no-prefilter run is a comparison (it parses everything, like the
    # floor), not how scope-lint runs: it is left out of the target.
    peak = max(rss for r in rows.values() for n, (_, rss) in r.items()
               if n.startswith("scope-lint") and "no prefilter" not in n)
    lines.append(f"| scope-lint peak RSS (MiB), default runs | {peak:.0f} | | <= 200 |")
    if split.get("parse (cpu):"):
        lines.append(f"| scope+rules CPU / parse CPU (cold, 2 threads: {split['scope+rules (cpu):']:.0f} / {split['parse (cpu):']:.0f} ms; index {split.get('index:', 0):.0f} ms wall) "
                     f"| | {split['scope+rules (cpu):'] / split['parse (cpu):']:.2f} | <= 0.30 |")
    text = "\n".join(lines)
    print(text)
    shutil.rmtree(corpus, ignore_errors=True)
    return text




if __name__ == "__main__":
    main()
