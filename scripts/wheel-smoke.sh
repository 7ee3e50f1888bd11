#!/usr/bin/env bash
# Build the scope-lint wheel with maturin, install it in a fresh virtualenv,
# lint the demo with it, then run the pre-commit hook (`language: python`)
# against a throwaway git repository with the wheel served from a local
# directory (PIP_FIND_LINKS), as it would come from PyPI. Prints the time of
# each step. Not part of CI (a release build takes minutes); run it before a
# release or after changing pyproject.toml, wheel/ or .pre-commit-hooks.yaml.
#
#   scripts/wheel-smoke.sh            # release wheel (what users get)
#   PROFILE=dev scripts/wheel-smoke.sh  # quicker: reuses the debug build
#
# Needs python3 (with venv) and network access to PyPI for maturin,
# pre-commit and setuptools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-$(mktemp -d /tmp/scope-lint-wheel.XXXXXX)}"
profile="${PROFILE:-release}"
echo "work directory: $work"

step() { # step NAME CMD...: run CMD, print its wall time
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  printf '%-40s %6.1f s\n' "$name" "$(echo "$t1 - $t0" | bc)" | tee -a "$work/times.txt"
}

step "venv + pip install maturin pre-commit" bash -c "
  python3 -m venv '$work/tools' &&
  '$work/tools/bin/pip' install -q maturin pre-commit"

step "maturin build --profile $profile" bash -c "
  cd '$root/wheel' &&
  '$work/tools/bin/maturin' build --profile '$profile' -o '$work/wheels' >'$work/maturin.log' 2>&1"
wheel=$(ls "$work"/wheels/scope_lint-*.whl)
echo "wheel: $wheel ($(du -h "$wheel" | cut -f1))"

step "fresh venv + pip install the wheel" bash -c "
  python3 -m venv '$work/user' &&
  '$work/user/bin/pip' install -q '$wheel'"

"$work/user/bin/scope-lint" --version
set +e
"$work/user/bin/scope-lint" "$root/fixtures/demo" --format short --no-cache >/dev/null
code=$?
set -e
[ "$code" = 1 ] || { echo "expected exit 1 (findings) from the demo, got $code"; exit 1; }
echo "installed scope-lint finds the demo's problems (exit 1)"

# A repository with one bad file, and the hook from this checkout.
repo="$work/repo"
mkdir -p "$repo/src"
git -C "$repo" init -q
printf 'use axum::http::Uri;\npub fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or("").split(%s).count()\n}\n' "'&'" >"$repo/src/lib.rs"
git -C "$repo" add src/lib.rs
export PRE_COMMIT_HOME="$work/pre-commit-home" PIP_FIND_LINKS="$work/wheels"
if [ -z "$(git -C "$root" status --porcelain)" ]; then
  # A clean checkout: the hook pinned to HEAD, as a user pins a tag.
  cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $root
    rev: $(git -C "$root" rev-parse HEAD)
    hooks:
      - id: scope-lint
YAML
  hook=(run --files src/lib.rs)
else
  echo "uncommitted changes: using pre-commit try-repo (stage new files first)"
  hook=(try-repo "$root" scope-lint --files src/lib.rs)
fi
set +e
step "pre-commit hook: install + first run" bash -c "
  cd '$repo' && '$work/tools/bin/pre-commit' ${hook[*]} >'$work/hook.log' 2>&1"
set -e
grep -q "SL002" "$work/hook.log" || { cat "$work/hook.log"; echo "the hook did not report SL002"; exit 1; }
grep -q "Failed" "$work/hook.log" || { cat "$work/hook.log"; echo "the hook did not fail"; exit 1; }
echo "the hook blocks the bad file (SL002)"
if [ "${hook[0]}" = run ]; then
  step "pre-commit hook: second run" bash -c "
    cd '$repo' && '$work/tools/bin/pre-commit' run --files src/lib.rs >/dev/null 2>&1 || true"
  echo "hook environment: $(du -sh "$PRE_COMMIT_HOME" | cut -f1)"
fi
echo "times: $work/times.txt"
