#!/usr/bin/env bash
# Fetch the application corpus and print, on stdout, the directory to lint.
#
#   scope-lint "$(bash bench/apps/fetch.sh)" --statistics
#   scope-lint "$(bash bench/apps/fetch.sh bench/apps/heldout.txt)"
#
# The optional argument is the list to fetch: apps.txt (the benchmark's
# application corpus, into /tmp/scope-lint-apps) by default, or another
# list of the same form (heldout.txt: applications the rules were never
# tuned on, into /tmp/scope-lint-heldout).
#
# Each application (name, exact version) of the list is fetched from the
# registry by a throw-away package that depends on it (`cargo fetch`; a
# binary-only dependency is fine for fetching), then its source directory
# is copied from $CARGO_HOME/registry/src into $SCOPE_LINT_APPS_DIR
# (default /tmp/scope-lint-apps). The sources are exactly the published
# .crate files (cargo checks their checksums), so a name and version pin
# them. Nothing is built. Everything but the final path goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
list="${1:-$here/apps.txt}"
case "$(basename "$list" .txt)" in
    apps) default_out=/tmp/scope-lint-apps ;;
    *) default_out="/tmp/scope-lint-$(basename "$list" .txt)" ;;
esac
out="${SCOPE_LINT_APPS_DIR:-$default_out}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -v '^#' "$list" | while read -r name version _; do
    [ -n "$name" ] || continue
    dest="$out/$name-$version"
    if [ -d "$dest" ]; then continue; fi
    src=$(ls -d "$cargo_home"/registry/src/*/"$name-$version" 2>/dev/null | head -1 || true)
    if [ -z "$src" ]; then
        mkdir -p "$work/$name/src"
        touch "$work/$name/src/lib.rs"
        printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n[dependencies]\n%s = "=%s"\n' \
            "$name" "$name" "$version" > "$work/$name/Cargo.toml"
        (cd "$work/$name" && cargo fetch >&2)
        src=$(ls -d "$cargo_home"/registry/src/*/"$name-$version" | head -1)
    fi
    cp -r "$src" "$dest"
    echo "fetched $name $version" >&2
done
echo "$out"
