#!/usr/bin/env bash
# Benchmarks: our worker vs the PHP reference worker (php-worker.php, written from the seed), side by side on the
# same gearmand with the same load generator (our `submit` client), alternating runs, medians of ROUNDS.
# Prints a Markdown table. Never part of setup/test.sh: figures are measured here, not asserted.
# Ours runs the documented way, the distribution's bin/gearman-worker (unpacked into the bench's own directory;
# its first start records the class-data archive before the rounds), or with --ours jar `java -jar gearman-worker.jar`.
#
#   setup/bench/run.sh [--rounds 3] [--jobs 20000] [--ours launcher|jar] [--with-restart-test] [--metrics]
#                      [--short] [--baseline OLD.tar.gz] [--ceiling]
#
# --metrics compares our worker with itself instead: without the HTTP endpoint vs with `--http-port 0` and
# /metrics scraped every second during the runs (the cost of counting and of being scraped).
# --short: what a recycled worker sees - 3 s of load as warm-up (from the first job done), then 10 s measured
# (jobs counted from the workers' job_ended lines, CPU over the same window), instead of 30 000 warm-up jobs and
# a JOBS-job run.
# --baseline: a third column, ours from another distribution (e.g. an earlier build), in the same alternation.
# --ceiling: also the same load on a worker that does nothing it need not (null-worker.c, built with cc: C, one
# process per slot, no framework), in the same alternation: the most two cores shared with gearmand and the
# client allow. Printed as its own table, ours and PHP as a fraction of it.
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
SHORT=no
BASELINE=
CEILING=no
# the columns: java = our worker, php = the reference, java-metrics = ours with /metrics, java-base = --baseline
KINDS="java php"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --ours) OURS=$2; shift 2 ;;
    --with-restart-test) RESTART_TEST=yes; shift ;;
    --metrics) KINDS="java java-metrics"; shift ;;
    --short) SHORT=yes; shift ;;
    --baseline) BASELINE=$(readlink -f "$2"); KINDS="$KINDS java-base"; shift 2 ;;
    --ceiling) CEILING=yes; shift ;;
    *) echo "usage: $0 [--rounds N] [--jobs N] [--ours launcher|jar] [--with-restart-test] [--metrics] [--short] [--baseline OLD.tar.gz] [--ceiling]" >&2; exit 2 ;;
  esac
done
[ -z "$BASELINE" ] || [ -f "$BASELINE" ] || { echo "run.sh: --baseline $BASELINE: no such file" >&2; exit 2; }

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
if [ -n "$BASELINE" ]; then
  mkdir "$WORK/base"
  tar xzf "$BASELINE" -C "$WORK/base"
  BASE_CMD=("$(ls -d "$WORK"/base/gearman-worker-*/)bin/gearman-worker")
  "${BASE_CMD[0]}" jvm-cache > /dev/null
fi
if [ "$CEILING" = yes ]; then
  command -v cc > /dev/null || { echo "run.sh: --ceiling needs a C compiler (cc): apt-get install gcc" >&2; exit 2; }
  cc -O2 -o "$WORK/null-worker" "$ROOT/setup/bench/null-worker.c"
  KINDS="$KINDS null"
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
  if [ "$kind" = null ]; then
    for i in $(seq "$slots"); do
      "$WORK/null-worker" "$SERVERS" > "$WORK/null-$i.out" 2> "$WORK/null-$i.err" &
      WORKER_PIDS+=($!); logs+=("$WORK/null-$i.out")
    done
  elif [ "$kind" != php ]; then
    local http_args=() cmd=("${OURS_CMD[@]}")
    [ "$kind" = java-metrics ] && http_args=(--http-port 0)
    [ "$kind" = java-base ] && cmd=("${BASE_CMD[@]}")
    "${cmd[@]}" run --servers "$SERVERS" --worker-id "bench-$kind" --concurrency "$slots" "${http_args[@]}" \
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

ended() { cat "$WORK"/java.out "$WORK"/php-*.out "$WORK"/null-*.out 2>/dev/null | grep -c '"event":"job_ended"' || true; }

# short_run : 3 s of load (warm-up), then 10 s measured from the workers' job_ended lines; sets RATE, CPU_TICKS
short_run() {
  local load t0 t1 n0 n1 c0 c1
  # java itself in the background (not the submit function: its subshell's pid would not stop the client);
  # 2 000 000 jobs outlast the window (the client keeps an array of that many latencies)
  java -jar "$JAR" submit --servers "$SERVERS" -f reverse --count 2000000 --concurrency "$CLIENT_CONCURRENCY" \
    'hello gearman benchmark' > /dev/null 2>&1 &
  load=$!
  PIDS+=("$load")
  # the 3 s count from the first job done: on a loaded machine the client's own JVM start takes seconds
  n0=$(ended)
  for _ in $(seq 600); do (( $(ended) > n0 )) && break; sleep 0.1; done
  sleep 3
  t0=$EPOCHREALTIME; n0=$(ended); c0=$(cpu_ticks "${WORKER_PIDS[@]}")
  sleep 10
  t1=$EPOCHREALTIME; n1=$(ended); c1=$(cpu_ticks "${WORKER_PIDS[@]}")
  kill "$load" 2>/dev/null; wait "$load" 2>/dev/null || true
  RATE=$(awk -v n=$((n1 - n0)) -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", n / (b - a)}')
  JOBS_DONE=$((n1 - n0))
  CPU_TICKS=$((c1 - c0))
  sleep 0.5 # the jobs the killed client left in gearmand's queue drain before the idle figures
}

declare -A R # results: R[metric,kind,slots,round]
measure() { # KIND SLOTS ROUND
  local kind=$1 slots=$2 round=$3 out cpu0 cpu1 rss_idle
  start "$kind" "$slots"
  R[ready,$kind,$slots,$round]=$READY_MS
  if [ "$SHORT" = yes ]; then
    short_run
    R[rate,$kind,$slots,$round]=$RATE
    R[cpu,$kind,$slots,$round]=$(awk -v t="$CPU_TICKS" -v n="$JOBS_DONE" 'BEGIN {printf "%.1f", n ? t * 10 * 1000 / n : 0}')
    R[rss_load,$kind,$slots,$round]=$(( $(hwm_kb "${WORKER_PIDS[@]}") / 1024 ))
    R[rss_idle,$kind,$slots,$round]=$(( $(rss_kb "${WORKER_PIDS[@]}") / 1024 ))
    R[load,$kind,$slots,$round]=$(cut -d' ' -f1 /proc/loadavg)
    stop
    R[exit,$kind,$slots,$round]=$EXIT_MS
    echo "  $kind, $slots slot(s): $RATE jobs/s, ${R[cpu,$kind,$slots,$round]} ms CPU per 1000 jobs (load ${R[load,$kind,$slots,$round]})" >&2
    return
  fi
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
    if [ $(( round % 2 )) = 1 ]; then order="$KINDS"; else order=$(tr ' ' '\n' <<<"$KINDS" | tac | tr '\n' ' '); fi
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

if [ "$SHORT" = yes ]; then
  how="3 s of load as warm-up (from the first job done), then 10 s measured (jobs from the workers' job_ended lines)"
else
  how="$WARMUP warm-up jobs, then $JOBS jobs per throughput run"
fi
echo
echo "Measured $(date -u +%Y-%m-%d\ %H:%M) UTC on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(java -version 2>&1 | head -1), PHP $(php -r 'echo PHP_VERSION;'), gearmand $(gearmand --version | awk '{print $2}');" \
     "medians of $ROUNDS alternating rounds, $how, client: one \`submit\` process," \
     "$CLIENT_CONCURRENCY jobs in flight, \`reverse\` of 23 bytes; ours: $OURS${BASELINE:+, baseline: $(basename "$BASELINE")};" \
     "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
echo
set -- $KINDS
A=$1 B=$2 C=""
[ "${3:-}" = java-base ] && C=java-base # the ceiling has its own table
if [ "$B" = php ]; then
  echo "| figure | ours | PHP reference |${C:+ baseline (ours, earlier build) |} ours ÷ PHP |${C:+ ours ÷ baseline |}"
else
  echo "| figure | metrics off | metrics on (scraped every 1 s) | off ÷ on |"
fi
echo "|---|---|---|---|${C:+---|---|}"
row() { # LABEL METRIC SLOTS
  local a b c
  a=$(med "$2" "$A" "$3"); b=$(med "$2" "$B" "$3")
  if [ -n "$C" ]; then
    c=$(med "$2" "$C" "$3")
    echo "| $1 | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
  else
    echo "| $1 | $a | $b | $(ratio "$a" "$b") |"
  fi
}
for slots in 1 4; do
  label="concurrency $slots"; [ "$slots" = 4 ] && [ "$B" = php ] && label="concurrency 4 (PHP: 4 processes)"
  row "throughput, $label (jobs/s)" rate "$slots"
  row "worker CPU per 1000 jobs, $label (ms)" cpu "$slots"
  [ "$SHORT" = no ] || row "load average (1 min) after the window, $label" load "$slots"
done
if [ "$SHORT" = no ]; then
  row "latency p50, one sequential client (ms)" p50 1
  row "latency p99, one sequential client (ms)" p99 1
fi
row "idle SIGTERM → exit (ms)" exit 1
row "start → ready (ms)" ready 1
row "RSS idle, after warm-up (MiB)" rss_idle 1
row "RSS peak under load, concurrency 4 (MiB)" rss_load 4
if [ "$CEILING" = yes ]; then
  echo
  echo "Ceiling: the same load on null-worker.c (C, one process per slot, nothing it need not do), same alternation:"
  echo
  echo "| slots | ceiling (jobs/s) | ceiling's CPU per 1000 jobs (ms) | ours ÷ ceiling | PHP ÷ ceiling |"
  echo "|---|---|---|---|---|"
  for slots in 1 4; do
    c=$(med rate null "$slots")
    echo "| $slots | $c | $(med cpu null "$slots") | $(ratio "$(med rate "$A" "$slots")" "$c") | $(ratio "$(med rate php "$slots")" "$c") |"
  done
fi
echo
echo "Per round (throughput jobs/s; CPU ms per 1000 jobs):"
for slots in 1 4; do
  for r in $(seq "$ROUNDS"); do
    line="  $slots slot(s), round $r:"
    for k in $KINDS; do line+=" $k ${R[rate,$k,$slots,$r]} / ${R[cpu,$k,$slots,$r]};"; done
    echo "$line"
  done
done

if [ "$RESTART_TEST" = yes ] && [ -x "$ROOT/setup/graceful-restart.sh" ]; then
  for kind in java php; do
    s=$(now_ms)
    "$ROOT/setup/graceful-restart.sh" 300 --restarts 3 --worker "$kind" > "$WORK/restart-$kind.txt" 2>&1 \
      || echo "graceful-restart ($kind) failed: $(tail -3 "$WORK/restart-$kind.txt")" >&2
    R[restart,$kind]=$(( $(now_ms) - s ))
  done
  echo "| graceful-restart.sh 300 --restarts 3, wall time (ms) | ${R[restart,java]} | ${R[restart,php]} | $(ratio "${R[restart,java]}" "${R[restart,php]}") |"
fi
