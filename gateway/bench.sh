#!/usr/bin/env bash
# Benchmark scenarios for scope-gateway: a fresh release gateway per scenario
# (so peak RSS is per scenario), loadgen on the same machine, loopback only.
# Usage: gateway/bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q --release -p scope-gateway
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -n) (5,000 connections need about 5,100 per process)"
R="$CARGO_TARGET_DIR/release"
PORT="${PORT:-18765}"

run() {
  local name=$1
  shift
  RUST_LOG=error "$R/scope-gateway" --bind "127.0.0.1:$PORT" >/dev/null &
  local gw=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "== $name"
  "$R/loadgen" --addr "127.0.0.1:$PORT" --gateway-pid "$gw" "$@" || echo "(loadgen reported errors)"
  kill -TERM "$gw"
  wait "$gw" || true
  echo
}

if [ "${1:-}" = "--quick" ]; then
  run "100 connections x 10 messages, closed loop" -c 100 -m 10
  exit 0
fi
run "1,000 connections x 50 messages, closed loop (peak throughput)" -c 1000 -m 50
run "1,000 connections x 50 messages, paced 1 msg/100 ms/conn (50k events/s offered)" -c 1000 -m 50 --interval-ms 100
run "1,000 connections x 50 messages, paced 1 msg/50 ms/conn (100k events/s offered)" -c 1000 -m 50 --interval-ms 50
run "5,000 connections x 20 messages, closed loop (peak throughput)" -c 5000 -m 20
run "5,000 connections x 20 messages, paced 1 msg/500 ms/conn (50k events/s offered)" -c 5000 -m 20 --interval-ms 500
