#!/usr/bin/env bash
# A/B wall time of two scope-lint binaries on one corpus, run alternately
# (the machine is noisy: runs of the same binary minutes apart differ by
# 10-20%, alternating runs in the same minute do not).
#
#   bash bench/ab.sh OLD_BINARY NEW_BINARY CORPUS_DIR [THREADS] [RUNS]
#
# Each round runs OLD then NEW cold (`--no-cache`, default rules,
# `--exit-zero`); prints every time and the median of each. Build the old
# binary from a worktree: `git worktree add /tmp/old REV && cargo build
# --release --manifest-path /tmp/old/Cargo.toml`.
set -euo pipefail
old="$1"; new="$2"; corpus="$3"; threads="${4:-1}"; runs="${5:-5}"
run() {
    local start end
    start=$(date +%s.%N)
    "$1" "$corpus" --no-cache --threads "$threads" -q --exit-zero >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}
old_times=(); new_times=()
for _ in $(seq "$runs"); do
    old_times+=("$(run "$old")")
    new_times+=("$(run "$new")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
echo "corpus $corpus, $threads thread(s), $runs rounds"
echo "old: median $(median "${old_times[@]}") s (${old_times[*]})"
echo "new: median $(median "${new_times[@]}") s (${new_times[*]})"
