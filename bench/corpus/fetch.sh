#!/usr/bin/env bash
# Fetch the pinned corpus and print, on stdout, the one directory to lint.
#
#   scope-lint "$(bash bench/corpus/fetch.sh)" --format json > /tmp/corpus.json
#
# 1. `cargo fetch --locked` downloads and unpacks every package of
#    Cargo.lock (the whole dependency closure of the ~50 pinned web crates)
#    into $CARGO_HOME/registry/src/<index>/NAME-VERSION.
# 2. Each of those directories is copied (hard links when possible, else a
#    plain copy) into $SCOPE_LINT_CORPUS_DIR (default /tmp/scope-lint-corpus),
#    one subdirectory per package, skipping those already there.
#
# The corpus lives outside the repository on purpose: scope-lint's walker
# honours .gitignore files of parent directories and skips `target/`
# directories, so a corpus under bench/corpus/target/ (or any ignored path)
# would be silently skipped. Symlinks are not followed either, hence copies.
#
# The directory is owned by this script: packages no longer in Cargo.lock are
# removed from it. It refuses to touch a non-empty directory it did not create
# (one without the .scope-lint-corpus marker).
#
# Everything but the final path goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lock="$here/Cargo.lock"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
out="${SCOPE_LINT_CORPUS_DIR:-/tmp/scope-lint-corpus}"
marker=".scope-lint-corpus"

cargo fetch --locked --manifest-path "$here/Cargo.toml" >&2

mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ ! -e "$out/$marker" ]; then
    if [ -n "$(ls -A "$out")" ]; then
        echo "fetch.sh: $out is not empty and was not created by this script; refusing to write into it" >&2
        exit 2
    fi
    echo "corpus of bench/corpus/Cargo.lock; managed by bench/corpus/fetch.sh" > "$out/$marker"
fi

# NAME-VERSION of every registry package in the lockfile.
mapfile -t pkgs < <(awk '
    /^\[\[package\]\]/ { name = ""; version = ""; next }
    /^name = /         { name = $3; gsub(/"/, "", name) }
    /^version = /      { version = $3; gsub(/"/, "", version) }
    /^source = "registry\+/ { print name "-" version }
' "$lock" | sort -u)

shopt -s nullglob
declare -A wanted=()
copied=0 present=0 linked=0
for pkg in "${pkgs[@]}"; do
    wanted["$pkg"]=1
    if [ -d "$out/$pkg" ]; then
        present=$((present + 1))
        continue
    fi
    srcs=("$cargo_home"/registry/src/*/"$pkg")
    if [ "${#srcs[@]}" -eq 0 ]; then
        echo "fetch.sh: $pkg is not unpacked under $cargo_home/registry/src" >&2
        exit 2
    fi
    # Copy under a temporary name first, so an interrupted run never leaves a
    # half-copied package that the "already present" check would keep.
    tmp="$out/.partial-$pkg"
    rm -rf "$tmp"
    if cp -al "${srcs[0]}" "$tmp" 2>/dev/null; then
        linked=$((linked + 1))
    else
        rm -rf "$tmp"
        cp -a "${srcs[0]}" "$tmp"
    fi
    mv "$tmp" "$out/$pkg"
    copied=$((copied + 1))
done

# Drop packages that are no longer in the lockfile (and leftovers).
removed=0
for dir in "$out"/* "$out"/.partial-*; do
    name="$(basename "$dir")"
    if [ -z "${wanted[$name]+x}" ]; then
        rm -rf "$dir"
        removed=$((removed + 1))
    fi
done

echo "fetch.sh: ${#pkgs[@]} packages in $out ($copied copied, $linked of them hard-linked; $present already present; $removed removed)" >&2
printf '%s\n' "$out"
