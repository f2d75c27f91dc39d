#!/usr/bin/env bash
# The main job, end to end on this machine, loopback only:
#   gearmand on a free port  +  supervisord running WORKERS workers (2 job slots each)
#   + a stream of demo jobs (our `submit` load generator and the gearman CLI)
#   + a graceful restart of every worker in the middle of it (supervisorctl restart 'worker:*')
#   + the report over the workers' event logs.
# Exit 0 when the report shows `lost: 0` and every submitted job got its result.
# Everything started here is stopped on exit, Ctrl-C included. Files stay in DEMO_DIR.
#
# Settings (environment): DEMO_DIR (/tmp/gearman-demo), WORKERS (3), CONCURRENCY (2),
# SHUTDOWN_TIMEOUT (10s), STOP_WAIT_SECS (15), REVERSE_JOBS (200), WORKER_ARGS (extra `run` options).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup/lib.sh
source "$ROOT/setup/lib.sh"
CONF="$ROOT/setup/supervisord.conf"
JAR="$ROOT/worker-app/target/gearman-worker.jar"
DEMO_DIR="${DEMO_DIR:-/tmp/gearman-demo}"
RUN_DIR="$DEMO_DIR/run"
LOG_DIR="$DEMO_DIR/logs"
WORKERS="${WORKERS:-3}"
CONCURRENCY="${CONCURRENCY:-2}"
SHUTDOWN_TIMEOUT="${SHUTDOWN_TIMEOUT:-10s}"
STOP_WAIT_SECS="${STOP_WAIT_SECS:-15}"
REVERSE_JOBS="${REVERSE_JOBS:-200}"
SLEEP_PAYLOADS=(200 300 400 500) # ms; 5 jobs of each = 20 sleep jobs
SLEEP_JOBS_EACH=5
# one string, split by supervisord (shlex), which honours the quotes
# shellcheck disable=SC2089
WORKER_ARGS="--shutdown-timeout $SHUTDOWN_TIMEOUT --concurrency $CONCURRENCY --routes '$ROOT/routes/yaml' --routes-package io.gearworker.routes ${WORKER_ARGS:-}"
DIST_HOME="" # the unpacked distribution: its bin/gearman-worker is the program supervisord execs (unpack_dist)

GEARMAND_PID=""
SUPERVISORD_PID=""
PORT=""
SERVERS=""
BACKGROUND_PIDS=()
STARTED=$SECONDS

say() { printf '[demo %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
ctl() { supervisorctl -c "$CONF" "$@"; }

# the workers of this demo that a dead supervisord could have left behind, from their `ready` events
worker_pids() { ready_pids "$LOG_DIR"/worker-*.events.log; }

stop_all_on_exit "stopping gearmand"

# ---------------------------------------------------------------------------------------------
# prerequisites

install_if_missing "gearmand, its tools, supervisord or java" gearadmin gearman supervisord java
build_jar_if_missing
unpack_dist
# shellcheck disable=SC2089
WORKER_COMMAND="'$DIST_HOME/bin/gearman-worker' run" # the launcher; setup/supervisord.conf adds the options
WORKER_PROGRAM="$DIST_HOME/lib"

mkdir -p "$RUN_DIR" "$LOG_DIR"
if [[ -f "$RUN_DIR/supervisord.pid" ]] && alive "$(cat "$RUN_DIR/supervisord.pid")"; then
  die "a supervisord of an earlier demo still runs in $DEMO_DIR (pid $(cat "$RUN_DIR/supervisord.pid")); stop it or set DEMO_DIR"
fi
rm -f "$LOG_DIR"/worker-*.log* "$RUN_DIR"/*.pid "$RUN_DIR"/*.log "$RUN_DIR"/*.out "$DEMO_DIR"/*.out \
  "$DEMO_DIR"/*.log "$DEMO_DIR/report.txt"

# ---------------------------------------------------------------------------------------------
# gearmand on a free loopback port: 4730 if free, else one from 30000-32699 (below the ephemeral
# range, and outside the 20000-29999 the integration tests use)

start_gearmand_on_free_port "$DEMO_DIR" 4730 $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)) \
  $((30000 + RANDOM % 2700))
say "gearmand pid $GEARMAND_PID on $SERVERS"

gearman_cli() { timeout 30 gearman -h 127.0.0.1 -p "$PORT" "$@" </dev/null; }

queue_empty() { (($(jobs_in_gearmand) == 0)); }

# ---------------------------------------------------------------------------------------------
# supervisord and its workers

start_supervisord "$RUN_DIR/supervisord.out"
say "supervisord pid $SUPERVISORD_PID starting $WORKERS workers ($CONCURRENCY job slots per function each)"

wait_for_workers() {
  local listing="" count=0 deadline=$((SECONDS + 40))
  while ((SECONDS < deadline)); do
    supervisord_running
    listing="$(java -jar "$JAR" workers --servers "$SERVERS" 2>/dev/null || true)"
    count="$(grep -cE '^worker-[0-9]+ ' <<<"$listing" || true)"
    if ((count >= WORKERS)); then
      say "gearmand knows $count workers (java -jar gearman-worker.jar workers):"
      indent <<<"$listing"
      return 0
    fi
    sleep 0.5
  done
  die "only $count of $WORKERS workers registered within 40 s (see $LOG_DIR/*.err.log)"
}
wait_for_workers

# ---------------------------------------------------------------------------------------------
# the stream of jobs

say "gearman CLI: reverse 'hello from the gearman CLI' -> $(gearman_cli -f reverse 'hello from the gearman CLI')"

say "submitting $REVERSE_JOBS reverse jobs (8 in flight) and $((${#SLEEP_PAYLOADS[@]} * SLEEP_JOBS_EACH)) sleep jobs of ${SLEEP_PAYLOADS[0]}-${SLEEP_PAYLOADS[-1]} ms in the background"
java -jar "$JAR" submit --servers "$SERVERS" -f reverse --count "$REVERSE_JOBS" --concurrency 8 \
  --timeout 30s 'hello gearman' >"$DEMO_DIR/submit-reverse.out" 2>&1 &
BACKGROUND_PIDS+=("$!")
for ms in "${SLEEP_PAYLOADS[@]}"; do
  java -jar "$JAR" submit --servers "$SERVERS" -f sleep --count "$SLEEP_JOBS_EACH" \
    --concurrency "$SLEEP_JOBS_EACH" --timeout 30s "$ms" >"$DEMO_DIR/submit-sleep-$ms.out" 2>&1 &
  BACKGROUND_PIDS+=("$!")
done

sleep_jobs_started() {
  cat "$LOG_DIR"/worker-*.events.log 2>/dev/null | grep -c '"event":"job_started","function":"sleep"' || true
}
deadline=$((SECONDS + 30))
until (($(sleep_jobs_started) >= 3)); do
  ((SECONDS < deadline)) || die "no sleep job started within 30 s (see $DEMO_DIR/submit-*.out)"
  sleep 0.1
done

# ---------------------------------------------------------------------------------------------
# graceful restart in the middle of it

say "restarting all workers while jobs run: supervisorctl restart 'worker:*'"
restart_started=$SECONDS
ctl restart 'worker:*' | indent
say "restart done in $((SECONDS - restart_started)) s (SIGTERM, jobs in flight finished, new processes up)"
gearman_cli -b -f sleep 250
say "gearman CLI: a background sleep 250 job queued while the new workers start"
wait_for_workers
say "gearman CLI: upper (a YAML route) 'graceful restart' -> $(gearman_cli -f upper 'graceful restart')"

submit_failed=0
for pid in "${BACKGROUND_PIDS[@]}"; do
  wait "$pid" || submit_failed=1
done
BACKGROUND_PIDS=()
for out in "$DEMO_DIR"/submit-*.out; do
  say "$(basename "$out" .out): $(tr '\n' ' ' <"$out")"
done

deadline=$((SECONDS + 30))
until queue_empty; do
  ((SECONDS < deadline)) || die "gearmand's queue did not empty within 30 s: $(gearadmin -h 127.0.0.1 -p "$PORT" --status | tr '\n' ' ')"
  sleep 0.2
done
say "gearmand's queue is empty (gearadmin --status):"
gearadmin -h 127.0.0.1 -p "$PORT" --status | indent

# ---------------------------------------------------------------------------------------------
# stop the workers (each writes its exit event), then the report: with no worker running, a job
# started but never ended would show as lost

say "stopping the workers: supervisorctl stop 'worker:*'"
ctl stop 'worker:*' | indent
drained="$(drained_jobs "$LOG_DIR"/worker-*.events.log)"
say "jobs that finished after their worker got SIGTERM (drained, not dropped): $drained"
java -jar "$JAR" report --log "$LOG_DIR"/worker-*.events.log | tee "$DEMO_DIR/report.txt"

expected=$((REVERSE_JOBS + ${#SLEEP_PAYLOADS[@]} * SLEEP_JOBS_EACH + 3))
say "jobs submitted: $expected ($REVERSE_JOBS reverse + $((${#SLEEP_PAYLOADS[@]} * SLEEP_JOBS_EACH)) sleep by submit, 3 by the gearman CLI)"
say "files: $DEMO_DIR (report.txt, logs/*.events.log, logs/*.err.log, gearmand.log, run/supervisord.log)"
grep -qx 'lost: 0' "$DEMO_DIR/report.txt" || die "the report shows lost jobs"
((submit_failed == 0)) || die "a submit run had failed jobs (see $DEMO_DIR/submit-*.out)"
say "OK: every job finished across a graceful restart; no job lost"
