#!/usr/bin/env bash
# A rolling restart against `terminate --all`, under a steady load: 4 workers run by supervisord
# (setup/supervisord.conf, 2 job slots each), a client keeping CLIENTS foreground `sleep` jobs of SLEEP_MS ms in
# flight (fewer than the slots of the fleet minus one worker, so a fleet that keeps 3 workers keeps up).
# For each restart it measures, from the workers' event logs, the jobs finished per second while the fleet is
# replaced (from the terminate command until every worker id is registered again by a new process) against the
# same length of time just before it, and, from gearmand's `status` sampled every 50 ms, the longest time the
# `sleep` function had no worker. Prints a Markdown table. A benchmark, not a test: nothing is asserted.
#
#   setup/bench/rolling.sh [--rounds 1] [--clients 6] [--sleep-ms 10] [--pre 20]
#
# --pre is how long the load runs before each restart (the steady window is taken from it). Everything runs on
# 127.0.0.1 in a new /tmp/gearman-rolling.XXXXXX, and everything it started is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/worker-app/target/gearman-worker.jar"
CONF="$ROOT/setup/supervisord.conf"
ROUNDS=1 CLIENTS=6 SLEEP_MS=10 PRE=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --sleep-ms) SLEEP_MS=$2; shift 2 ;;
    --pre) PRE=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--clients N] [--sleep-ms MS] [--pre SECONDS]" >&2; exit 2 ;;
  esac
done

WORKERS=4
STOP_WAIT_SECS=15
WORK="$(mktemp -d /tmp/gearman-rolling.XXXXXX)"
RUN_DIR="$WORK/run"
LOG_DIR="$WORK/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"
WORKER_PROGRAM="$JAR"
WORKER_COMMAND="java -jar '$JAR' run"
WORKER_ARGS="--concurrency 2 --shutdown-timeout 10s"
GEARMAND_PID="" SUPERVISORD_PID="" PORT="" SERVERS=""
BACKGROUND_PIDS=() # the load and the sampler

# shellcheck source=setup/lib.sh
source "$ROOT/setup/lib.sh"
say() { printf '[rolling %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
worker_pids() { ready_pids "$LOG_DIR"/worker-*.events.log; }
stop_all_on_exit

install_if_missing "gearmand, gearadmin, supervisord or java" gearadmin supervisord java
build_jar_if_missing

start_gearmand_on_free_port "$WORK" $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700))
start_supervisord "$WORK/supervisord.out"
say "files in $WORK; gearmand on $SERVERS; supervisord pid $SUPERVISORD_PID, $WORKERS workers ($WORKER_ARGS)"

now() { date +%s.%N; }
ready_count() { cat "$LOG_DIR"/worker-*.events.log 2>/dev/null | grep -c '"event":"ready"' || true; }
ids_serving_sleep() {
  gearadmin -h 127.0.0.1 -p "$PORT" --workers | awk '$3 ~ /^worker-/ && / sleep( |$)/ { print $3 }' | sort -u | wc -l
}
# await_fleet READY_EVENTS: until that many `ready` events were written and every worker id serves `sleep`
await_fleet() {
  local deadline=$((SECONDS + 180))
  until (($(ready_count) >= $1)) && (($(ids_serving_sleep) == WORKERS)); do
    supervisord_running
    ((SECONDS < deadline)) || die "the fleet did not come back within 180 s (see $LOG_DIR)"
    sleep 0.05
  done
}

await_fleet "$WORKERS"
say "fleet ready; starting the load: $CLIENTS foreground sleep jobs of $SLEEP_MS ms in flight"
java -jar "$JAR" submit --servers "$SERVERS" -f sleep --count 100000000 --concurrency "$CLIENTS" "$SLEEP_MS" \
  >"$WORK/load.out" 2>&1 &
BACKGROUND_PIDS+=($!)
# gearmand's count of workers for `sleep`, every 50 ms: "epoch-seconds workers"
(while :; do
  n="$(gearadmin -h 127.0.0.1 -p "$PORT" --status 2>/dev/null | awk -F'\t' '$1 == "sleep" { print $4 }')"
  echo "$(now) ${n:-0}"
  sleep 0.05
done) >"$WORK/samples" &
BACKGROUND_PIDS+=($!)

# jobs_between FROM TO: jobs finished (job_ended / job_failed) with FROM <= ts < TO (epoch seconds), all logs
jobs_between() {
  cat "$LOG_DIR"/worker-*.events.log | awk -v a="$1" -v b="$2" '
    function epoch(ts,   y, m, d, s, era, yoe, doy, doe) {
      y = substr(ts, 1, 4) + 0; m = substr(ts, 6, 2) + 0; d = substr(ts, 9, 2) + 0
      s = substr(ts, 18); sub(/Z$/, "", s)
      if (m <= 2) y--
      era = int(y / 400); yoe = y - era * 400
      doy = int((153 * ((m + 9) % 12) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return (era * 146097 + doe - 719468) * 86400 + substr(ts, 12, 2) * 3600 + substr(ts, 15, 2) * 60 + s
    }
    /"event":"job_(ended|failed)"/ {
      match($0, /"ts":"[^"]*"/); t = epoch(substr($0, RSTART + 6, RLENGTH - 7))
      if (t >= a && t < b) n++
    }
    END { print n + 0 }'
}
# longest_zero FROM TO: the longest time (ms) the samples in [FROM, TO] showed no worker for `sleep`
longest_zero() {
  awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b {
      if ($2 == 0 && z == "") z = $1
      if ($2 != 0 && z != "") { if ($1 - z > m) m = $1 - z; z = "" }
      last = $1 }
    END { if (z != "" && last - z > m) m = last - z; printf "%d\n", m * 1000 }' "$WORK/samples"
}

# restart MODE: one restart of the whole fleet under the load; prints "steady-rate restart-rate seconds zero-ms"
restart() {
  local mode="$1" before t0 t1 d steady during
  before="$(ready_count)"
  t0="$(now)"
  if [[ "$mode" == rolling ]]; then
    java -jar "$JAR" terminate --servers "$SERVERS" --all --rolling --wait 120s >"$WORK/terminate-$mode.out" 2>&1 ||
      die "terminate --rolling failed: $(cat "$WORK/terminate-$mode.out")"
  else
    java -jar "$JAR" terminate --servers "$SERVERS" --all --wait 120s >"$WORK/terminate-$mode.out" 2>&1 ||
      die "terminate --all failed: $(cat "$WORK/terminate-$mode.out")"
  fi
  await_fleet $((before + WORKERS))
  t1="$(now)"
  d="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  awk -v d="$d" -v pre="$PRE" 'BEGIN { exit !(d > pre) }' &&
    say "the restart took ${d} s, longer than --pre $PRE s: the steady window is shorter"
  steady="$(jobs_between "$(awk -v a="$t0" -v d="$d" -v p="$PRE" 'BEGIN { printf "%.6f", a - (d < p ? d : p) }')" "$t0")"
  during="$(jobs_between "$t0" "$t1")"
  awk -v s="$steady" -v r="$during" -v d="$d" -v p="$PRE" -v z="$(longest_zero "$t0" "$t1")" \
    'BEGIN { printf "%.1f %.1f %.1f %d\n", s / (d < p ? d : p), r / d, d, z }'
}

declare -A STEADY DURING SECS ZERO
for round in $(seq "$ROUNDS"); do
  if ((round % 2 == 1)); then order="rolling all"; else order="all rolling"; fi
  for mode in $order; do
    say "round $round: load for $PRE s, then restart ($mode)"
    sleep "$PRE"
    read -r STEADY[$mode,$round] DURING[$mode,$round] SECS[$mode,$round] ZERO[$mode,$round] < <(restart "$mode")
    say "round $round $mode: steady ${STEADY[$mode,$round]} jobs/s, during the restart ${DURING[$mode,$round]}" \
      "jobs/s over ${SECS[$mode,$round]} s, longest without a worker ${ZERO[$mode,$round]} ms"
  done
done

echo
echo "$WORKERS workers (supervisord, 2 slots each), load: $CLIENTS foreground \`sleep $SLEEP_MS\` jobs in flight;" \
  "$(nproc) cores; $(date -u +%Y-%m-%d)."
echo
echo "| restart | round | steady jobs/s | jobs/s during the restart | ratio | restart took (s) | longest time without a worker (ms) |"
echo "|---|---|---|---|---|---|---|"
for mode in rolling all; do
  label="terminate --all --rolling"
  [[ "$mode" == rolling ]] || label="terminate --all"
  for round in $(seq "$ROUNDS"); do
    ratio="$(awk -v s="${STEADY[$mode,$round]}" -v r="${DURING[$mode,$round]}" 'BEGIN { printf "%.0f %%", (s > 0 ? 100 * r / s : 0) }')"
    echo "| \`$label\` | $round | ${STEADY[$mode,$round]} | ${DURING[$mode,$round]} | $ratio | ${SECS[$mode,$round]} | ${ZERO[$mode,$round]} |"
  done
done
