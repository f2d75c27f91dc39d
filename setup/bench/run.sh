#!/usr/bin/env bash
# Benchmarks: our worker vs the PHP reference worker (php-worker.php, written from the seed), side by side on the
# same gearmand with the same load generator (our `submit` client), alternating runs, medians of ROUNDS.
# Prints a Markdown table. Never part of setup/test.sh: figures are measured here, not asserted.
# Ours runs the documented way, the distribution's bin/gearman-worker (unpacked into the bench's own directory;
# its first start records the class-data archive before the rounds), or with --ours jar `java -jar gearman-worker.jar`.
#
#   setup/bench/run.sh [--rounds 3] [--jobs 20000] [--ours launcher|jar] [--with-restart-test] [--metrics]
#
# --metrics compares our worker with itself instead: without the HTTP endpoint vs with `--http-port 0` and
# /metrics scraped every second during the runs (the cost of counting and of being scraped).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/worker-app/target/gearman-worker.jar"
PHP_WORKER="$ROOT/setup/bench/php-worker.php"
ROUNDS=3
JOBS=20000
WARMUP=30000 # the JIT compiles the hot path within the first tens of thousands of jobs; workers run warm
CLIENT_CONCURRENCY=32
RESTART_TEST=no
OURS=launcher
KINDS="java php" # the two columns: java = our worker, php = the reference, java-metrics = ours with /metrics
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --ours) OURS=$2; shift 2 ;;
    --with-restart-test) RESTART_TEST=yes; shift ;;
    --metrics) KINDS="java java-metrics"; shift ;;
    *) echo "usage: $0 [--rounds N] [--jobs N] [--ours launcher|jar] [--with-restart-test] [--metrics]" >&2; exit 2 ;;
  esac
done

[ -f "$JAR" ] && ls "$ROOT"/worker-app/target/gearman-worker-*.tar.gz >/dev/null 2>&1 \
  || (cd "$ROOT" && mvn -B -q -DskipTests package)
command -v gearmand >/dev/null || bash "$ROOT/setup/install.sh"

WORK=$(mktemp -d /tmp/gearman-bench.XXXXXX)
if [ "$OURS" = launcher ]; then
  tar xzf "$(ls -t "$ROOT"/worker-app/target/gearman-worker-*.tar.gz | head -1)" -C "$WORK"
  OURS_CMD=("$(ls -d "$WORK"/gearman-worker-*/)bin/gearman-worker")
  "${OURS_CMD[0]}" jvm-cache > /dev/null # the archive a worker's first start would record
else
  OURS_CMD=(java -jar "$JAR")
fi
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${GEARMAND_PID:-}" ] && kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=setup/bench/gearmand.sh
source "$ROOT/setup/bench/gearmand.sh"
bench_gearmand "$WORK"

now_ms() { date +%s%3N; }

# cpu_ticks PID… : user+system clock ticks of the processes (all threads)
cpu_ticks() {
  local total=0 p
  for p in "$@"; do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$total"
}
rss_kb() { local total=0 p; for p in "$@"; do total=$(( total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status") )); done; echo "$total"; }
hwm_kb() { local total=0 p; for p in "$@"; do total=$(( total + $(awk '/VmHWM/ {print $2}' "/proc/$p/status") )); done; echo "$total"; }

await_ready() { # LOGFILE… : until each log has a ready event
  local f
  for f in "$@"; do
    for _ in $(seq 3000); do grep -q '"event":"ready"' "$f" 2>/dev/null && break; sleep 0.01; done # 30 s: a loaded machine
    grep -q '"event":"ready"' "$f" || { echo "worker did not get ready: $f" >&2; tail -5 "${f%.out}.err" >&2 2>/dev/null; exit 1; }
  done
}

# start KIND SLOTS : starts our worker with SLOTS slots, or SLOTS PHP processes; sets WORKER_PIDS, READY_MS
start() {
  local kind=$1 slots=$2 i start_ms logs=()
  WORKER_PIDS=()
  start_ms=$(now_ms)
  if [ "$kind" = java ] || [ "$kind" = java-metrics ]; then
    local http_args=()
    [ "$kind" = java-metrics ] && http_args=(--http-port 0)
    "${OURS_CMD[@]}" run --servers "$SERVERS" --worker-id "bench-$kind" --concurrency "$slots" "${http_args[@]}" \
      > "$WORK/java.out" 2> "$WORK/java.err" &
    WORKER_PIDS+=($!); logs+=("$WORK/java.out")
  else
    for i in $(seq "$slots"); do
      php "$PHP_WORKER" --servers "$SERVERS" --worker-id "bench-php-$i" > "$WORK/php-$i.out" 2>&1 &
      WORKER_PIDS+=($!); logs+=("$WORK/php-$i.out")
    done
  fi
  PIDS+=("${WORKER_PIDS[@]}")
  await_ready "${logs[@]}"
  READY_MS=$(( $(now_ms) - start_ms ))
}

# stop : SIGTERM to the idle worker(s); sets EXIT_MS (until every process is gone)
stop() {
  local start_ms p
  start_ms=$(now_ms)
  kill -TERM "${WORKER_PIDS[@]}"
  for p in "${WORKER_PIDS[@]}"; do
    while kill -0 "$p" 2>/dev/null; do sleep 0.005; done
  done
  EXIT_MS=$(( $(now_ms) - start_ms ))
}

submit() { java -jar "$JAR" submit --servers "$SERVERS" -f reverse "$@" 'hello gearman benchmark'; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

declare -A R # results: R[metric,kind,slots,round]
measure() { # KIND SLOTS ROUND
  local kind=$1 slots=$2 round=$3 out cpu0 cpu1 rss_idle
  start "$kind" "$slots"
  R[ready,$kind,$slots,$round]=$READY_MS
  submit --count "$WARMUP" --concurrency "$CLIENT_CONCURRENCY" > /dev/null
  rss_idle=$(rss_kb "${WORKER_PIDS[@]}")
  local scraper=
  if [ "$kind" = java-metrics ]; then # scraped once a second, as a (busy) Prometheus would
    local http
    http=$(sed -n 's/.*"http":"\([^"]*\)".*/\1/p' "$WORK/java.out")
    while curl -sf "http://$http/metrics" > /dev/null; do sleep 1; done &
    scraper=$!
  fi
  cpu0=$(cpu_ticks "${WORKER_PIDS[@]}")
  out=$(submit --count "$JOBS" --concurrency "$CLIENT_CONCURRENCY")
  cpu1=$(cpu_ticks "${WORKER_PIDS[@]}")
  R[rate,$kind,$slots,$round]=$(awk '/^rate:/ {print $2}' <<<"$out")
  # clock ticks are 10 ms: CPU ms per 1000 jobs
  R[cpu,$kind,$slots,$round]=$(awk -v t=$((cpu1 - cpu0)) -v n="$JOBS" 'BEGIN {printf "%.1f", t * 10 * 1000 / n}')
  R[rss_load,$kind,$slots,$round]=$(( $(hwm_kb "${WORKER_PIDS[@]}") / 1024 ))
  R[rss_idle,$kind,$slots,$round]=$(( rss_idle / 1024 ))
  if [ "$slots" = 1 ]; then
    out=$(submit --count 2000 --concurrency 1)
    R[p50,$kind,$slots,$round]=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$out")
    R[p99,$kind,$slots,$round]=$(sed -n 's/.*p99=\([0-9.]*\).*/\1/p' <<<"$out")
  fi
  [ -n "$scraper" ] && { kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null || true; }
  sleep 1 # idle before the SIGTERM: the figure is for an idle worker
  stop
  R[exit,$kind,$slots,$round]=$EXIT_MS
  echo "  $kind, $slots slot(s): ${R[rate,$kind,$slots,$round]} jobs/s, ${R[cpu,$kind,$slots,$round]} ms CPU per 1000 jobs" >&2
}

for round in $(seq "$ROUNDS"); do
  for slots in 1 4; do
    set -- $KINDS
    if [ $(( round % 2 )) = 1 ]; then order="$1 $2"; else order="$2 $1"; fi
    for kind in $order; do
      echo "round $round: $kind, $slots slot(s)…" >&2
      measure "$kind" "$slots" "$round"
    done
  done
done

med() { # METRIC KIND SLOTS
  local r
  for r in $(seq "$ROUNDS"); do echo "${R[$1,$2,$3,$r]}"; done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "-"}'; }

echo
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(java -version 2>&1 | head -1), PHP $(php -r 'echo PHP_VERSION;'), gearmand $(gearmand --version | awk '{print $2}');" \
     "medians of $ROUNDS alternating rounds, $JOBS jobs per throughput run, client: one \`submit\` process," \
     "$CLIENT_CONCURRENCY jobs in flight, \`reverse\` of 23 bytes; ours: $OURS;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
set -- $KINDS
A=$1 B=$2
if [ "$B" = php ]; then
  echo "| figure | ours | PHP reference | ours ÷ PHP |"
else
  echo "| figure | metrics off | metrics on (scraped every 1 s) | off ÷ on |"
fi
echo "|---|---|---|---|"
for slots in 1 4; do
  label="concurrency $slots"; [ "$slots" = 4 ] && [ "$B" = php ] && label="concurrency 4 (PHP: 4 processes)"
  a=$(med rate $A "$slots"); b=$(med rate $B "$slots")
  echo "| throughput, $label (jobs/s) | $a | $b | $(ratio "$a" "$b") |"
  a=$(med cpu $A "$slots"); b=$(med cpu $B "$slots")
  echo "| worker CPU per 1000 jobs, $label (ms) | $a | $b | $(ratio "$a" "$b") |"
done
for m in p50 p99; do
  a=$(med "$m" $A 1); b=$(med "$m" $B 1)
  echo "| latency $m, one sequential client (ms) | $a | $b | $(ratio "$a" "$b") |"
done
a=$(med exit $A 1); b=$(med exit $B 1)
echo "| idle SIGTERM → exit (ms) | $a | $b | $(ratio "$a" "$b") |"
a=$(med ready $A 1); b=$(med ready $B 1)
echo "| start → ready (ms) | $a | $b | $(ratio "$a" "$b") |"
a=$(med rss_idle $A 1); b=$(med rss_idle $B 1)
echo "| RSS idle, after warm-up (MiB) | $a | $b | $(ratio "$a" "$b") |"
a=$(med rss_load $A 4); b=$(med rss_load $B 4)
echo "| RSS peak under load, concurrency 4 (MiB) | $a | $b | $(ratio "$a" "$b") |"

if [ "$RESTART_TEST" = yes ] && [ -x "$ROOT/setup/graceful-restart.sh" ]; then
  for kind in java php; do
    s=$(now_ms)
    "$ROOT/setup/graceful-restart.sh" 300 --restarts 3 --worker "$kind" > "$WORK/restart-$kind.txt" 2>&1 \
      || echo "graceful-restart ($kind) failed: $(tail -3 "$WORK/restart-$kind.txt")" >&2
    R[restart,$kind]=$(( $(now_ms) - s ))
  done
  echo "| graceful-restart.sh 300 --restarts 3, wall time (ms) | ${R[restart,java]} | ${R[restart,php]} | $(ratio "${R[restart,java]}" "${R[restart,php]}") |"
fi
