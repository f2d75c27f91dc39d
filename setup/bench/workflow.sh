#!/usr/bin/env bash
# Figures for the workflow examples (README "Workflows"). A benchmark, not a test: nothing is asserted.
#   1. fanout 8 500 on 2 workers (--concurrency 8: 8 fanout and 8 sleep slots each): the parent's wall time,
#      against one child's 500 ms and 8 children one after the other (4000 ms); via the gearman CLI.
#   2. 1,000 parents x 10 tiny children (fanout 10 0) against the same 10,000 sleep 0 jobs submitted flat.
#   3. Cost of a waiting parent: one worker with --concurrency 200 holds 200 fanout parents whose 10 children each
#      wait in gearmand (a child function nobody serves); threads and heap of the worker before and during.
# Everything runs on 127.0.0.1 (a free port) in a temporary directory; everything started is stopped on exit.
#
#   setup/bench/workflow.sh [--rounds 3] [--parents 1000]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/worker-app/target/gearman-worker.jar"
ROUNDS=3 PARENTS=1000 WAITING=200
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --parents) PARENTS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--parents N]" >&2; exit 2 ;;
  esac
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK=$(mktemp -d /tmp/gearman-workflow.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [ -n "${GEARMAND_PID:-}" ] && kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "[workflow] $*" >&2; }

# shellcheck source=setup/bench/gearmand.sh
source "$ROOT/setup/bench/gearmand.sh"
bench_gearmand "$WORK"

# start_worker NAME ARGS...: a worker in the background, its pid appended to PIDS; waits for its ready event
start_worker() {
  local name=$1
  shift
  java -jar "$JAR" run --servers "$SERVERS" --worker-id "wf-$$-$name" "$@" >"$WORK/$name.events" 2>"$WORK/$name.err" &
  PIDS+=($!)
  until grep -q '"ready"' "$WORK/$name.events" 2>/dev/null; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$WORK/$name.err" >&2; exit 1; }
    sleep 0.1
  done
}
# median: the median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# submit ARGS...: our load generator; prints its rate (jobs/s)
rate() { java -jar "$JAR" submit --servers "$SERVERS" "$@" | awk '/^rate:/ { print $2 }'; }
# stop_workers: SIGTERM to every worker started so far, and wait for them
stop_workers() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

say "1. fanout 8 500 on 2 workers with --concurrency 8"
start_worker a --concurrency 8
start_worker b --concurrency 8
gearman -h 127.0.0.1 -p "$PORT" -f fanout '8 10' >/dev/null # warm-up
: >"$WORK/parent.ms"
: >"$WORK/cli.ms"
for _ in $(seq "$ROUNDS"); do
  t0=$(date +%s%N)
  # the CLI prints the WORK_STATUS updates ("12% Complete") before the answer
  answer=$(gearman -h 127.0.0.1 -p "$PORT" -f fanout '8 500' | grep -oE 'fanout 8 x 500 ms in [0-9]+ ms')
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$WORK/cli.ms"
  grep -oE '[0-9]+ ms$' <<<"$answer" | grep -oE '[0-9]+' >>"$WORK/parent.ms"
  say "   $answer"
done
PARENT_MS=$(median <"$WORK/parent.ms")
CLI_MS=$(median <"$WORK/cli.ms")

say "2. $PARENTS parents x 10 children against $((PARENTS * 10)) jobs flat (warm-up first)"
rate -f sleep --count 5000 --concurrency 32 0 >/dev/null
rate -f fanout --count 200 --concurrency 16 '10 0' >/dev/null
: >"$WORK/flat"
: >"$WORK/nested"
for r in $(seq "$ROUNDS"); do
  rate -f sleep --count $((PARENTS * 10)) --concurrency 32 0 >>"$WORK/flat"
  rate -f fanout --count "$PARENTS" --concurrency 16 '10 0' >>"$WORK/nested"
  say "   round $r: flat $(tail -1 "$WORK/flat") jobs/s, parents $(tail -1 "$WORK/nested") parents/s"
done
FLAT=$(median <"$WORK/flat")
NESTED=$(median <"$WORK/nested")
stop_workers

say "3. $WAITING waiting parents on one worker with --concurrency $WAITING"
FANOUT_CHILD_FUNCTION=nobody_serves_this FANOUT_CHILD_TIMEOUT=600000 start_worker waiting --concurrency "$WAITING"
W=${PIDS[-1]}
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
# heap_kib PID: Java heap in use right after a full collection (KiB; the heap line of GC.heap_info, not Metaspace)
heap_kib() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }'
}
sleep 2
T0=$(threads "$W")
H0=$(heap_kib "$W")
java -jar "$JAR" submit --servers "$SERVERS" -f fanout --count "$WAITING" --concurrency "$WAITING" \
  --timeout 600s '10 1' >/dev/null 2>&1 &
PIDS+=($!)
disown # killed on exit; no "Killed" notice
until [ "$(gearadmin -h 127.0.0.1 -p "$PORT" --status | awk -F'\t' '$1 == "nobody_serves_this" { print $2 }')" \
        = $((WAITING * 10)) ]; do sleep 0.2; done
sleep 1
T1=$(threads "$W")
H1=$(heap_kib "$W")
RUNNING=$(gearadmin -h 127.0.0.1 -p "$PORT" --status | awk -F'\t' '$1 == "fanout" { print $3 }')

echo
echo "Workflow figures: $(nproc) cores, $(java -version 2>&1 | head -1), $(date -u +%Y-%m-%d), medians of $ROUNDS rounds."
echo
echo "| figure | value |"
echo "|---|---|"
echo "| fanout 8 500 on 2 workers: parent's time (its answer), ms | $PARENT_MS |"
echo "| fanout 8 500 on 2 workers: gearman CLI wall time, ms | $CLI_MS |"
echo "| one child / 8 children one after the other, ms | 500 / 4000 |"
echo "| $((PARENTS * 10)) sleep 0 jobs flat (32 in flight): jobs/s | $FLAT |"
echo "| $PARENTS x fanout 10 0 (16 parents in flight): parents/s (children/s) | $NESTED ($(awk -v n="$NESTED" 'BEGIN { printf "%.0f", n * 10 }')) |"
echo "| worker threads: idle with $WAITING fanout slots / with $RUNNING parents waiting on $((WAITING * 10)) children | $T0 / $T1 |"
echo "| worker heap after full GC: idle / $RUNNING parents waiting, KiB | $H0 / $H1 |"
echo "| per waiting parent (10 children in flight): threads, heap KiB | $(( (T1 - T0) )) total, $(awk -v a="$H0" -v b="$H1" -v n="$WAITING" 'BEGIN { printf "%.1f", (b - a) / n }') |"
