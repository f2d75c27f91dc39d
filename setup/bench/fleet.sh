#!/usr/bin/env bash
# Throughput of a recycling fleet: 4 workers with --max-jobs 50, each respawned as soon as it exits (as
# supervisord's autorestart does), under steady load — without and with --max-jobs-jitter, alternating rounds.
# Prints a Markdown table. A benchmark, not a test: nothing is asserted.
#
#   setup/bench/fleet.sh [--rounds 2] [--jobs 4000] [--max-jobs 50] [--jitter 25]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/worker-app/target/gearman-worker.jar"
ROUNDS=2 JOBS=4000 MAX_JOBS=50 JITTER=25 FLEET=4
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --max-jobs) MAX_JOBS=$2; shift 2 ;;
    --jitter) JITTER=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--jobs N] [--max-jobs N] [--jitter N]" >&2; exit 2 ;;
  esac
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK=$(mktemp -d /tmp/gearman-fleet.XXXXXX)
LOOPS=()
cleanup() {
  touch "$WORK/stop"
  for p in "${LOOPS[@]}"; do kill "$p" 2>/dev/null || true; done
  pkill -f -- "--worker-id fleet-$$-" 2>/dev/null || true
  [ -n "${GEARMAND_PID:-}" ] && kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for PORT in $(shuf -i 20000-29999 -n 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
done
SERVERS="127.0.0.1:$PORT"
gearmand --listen=127.0.0.1 --port="$PORT" --log-file="$WORK/gearmand.log" --verbose=ERROR &
GEARMAND_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done

# run_fleet JITTER : prints jobs/s and restarts for one run
run_fleet() {
  local jitter=$1 i out
  rm -f "$WORK/stop" "$WORK"/w-*.log
  LOOPS=()
  for i in $(seq "$FLEET"); do
    ( while [ ! -f "$WORK/stop" ]; do
        java -jar "$JAR" run --servers "$SERVERS" --worker-id "fleet-$$-$i" --max-jobs "$MAX_JOBS" \
          --max-jobs-jitter "$jitter" >> "$WORK/w-$i.log" 2>/dev/null || true
      done ) &
    LOOPS+=($!)
  done
  for i in $(seq "$FLEET"); do
    until grep -q '"ready"' "$WORK/w-$i.log" 2>/dev/null; do sleep 0.05; done
  done
  out=$(java -jar "$JAR" submit --servers "$SERVERS" -f reverse --count "$JOBS" --concurrency 32 'fleet job')
  touch "$WORK/stop"
  pkill -TERM -f -- "--worker-id fleet-$$-" 2>/dev/null || true
  for p in "${LOOPS[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "$(awk '/^rate:/ {print $2}' <<<"$out") $(cat "$WORK"/w-*.log | grep -c '"reason":"max-jobs","jobs"' || true)"
}

declare -A RATE EXITS
for round in $(seq "$ROUNDS"); do
  if [ $(( round % 2 )) = 1 ]; then order="0 $JITTER"; else order="$JITTER 0"; fi
  for j in $order; do
    echo "round $round: jitter $j…" >&2
    read -r RATE[$j,$round] EXITS[$j,$round] < <(run_fleet "$j")
  done
done

echo
echo "Fleet of $FLEET workers, --max-jobs $MAX_JOBS, respawned on exit; $JOBS \`reverse\` jobs, 32 in flight;" \
     "$(nproc) cores; $(date -u +%Y-%m-%d)."
echo
echo "| --max-jobs-jitter | $(for r in $(seq "$ROUNDS"); do printf 'round %s jobs/s (max-jobs exits) | ' "$r"; done)"
echo "|---|$(for _ in $(seq "$ROUNDS"); do printf -- '---|'; done)"
for j in 0 "$JITTER"; do
  echo "| $j | $(for r in $(seq "$ROUNDS"); do printf '%s (%s) | ' "${RATE[$j,$r]}" "${EXITS[$j,$r]}"; done)"
done
