#!/usr/bin/env bash
# The log-heavy corpus: the packages of the bench corpus that are mostly
# `tracing!`/`log!` calls and request logging (issue 9: macro-heavy files
# used to cost more in scope+rules than in parsing). They are taken from the
# pinned bench corpus (bench/corpus/fetch.sh, same Cargo.lock), linked into
# $SCOPE_LINT_LOGHEAVY_DIR (default /tmp/scope-lint-logheavy); prints that
# directory on stdout, everything else on stderr.
#
#   python3 bench/run.py --corpus "$(bash bench/logheavy/fetch.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="$(bash "$here/../corpus/fetch.sh")"
out="${SCOPE_LINT_LOGHEAVY_DIR:-/tmp/scope-lint-logheavy}"
mkdir -p "$out"
for name in tracing tracing-core tracing-attributes tracing-subscriber tracing-log \
            tower-http actix-web actix-http actix-server rocket rocket_http \
            env_logger log hyper hyper-util; do
    for src in "$corpus"/"$name"-[0-9]*; do
        [ -d "$src" ] || continue
        dest="$out/$(basename "$src")"
        [ -d "$dest" ] || cp -al "$src" "$dest" 2>/dev/null || cp -a "$src" "$dest"
    done
done
echo "$out"
