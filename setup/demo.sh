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
WORKER_ARGS="--shutdown-timeout $SHUTDOWN_TIMEOUT --concurrency $CONCURRENCY --routes '$ROOT/routes/yaml' ${WORKER_ARGS:-}"
# shellcheck disable=SC2089
WORKER_COMMAND="java -jar '$JAR' run" # the program supervisord execs; setup/supervisord.conf adds the options

GEARMAND_PID=""
SUPERVISORD_PID=""
PORT=""
SERVERS=""
BACKGROUND_PIDS=()
STARTED=$SECONDS

say() { printf '[demo %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
die() {
  say "FAILED: $*" >&2
  exit 1
}

# true while the process runs (a zombie waiting to be reaped does not count)
alive() {
  local state
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]]
}

# waits up to $2 seconds for process $1 to end; false if it still runs
wait_gone() {
  local pid="$1" deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

ctl() { supervisorctl -c "$CONF" "$@"; }
indent() { sed 's/^/    /'; }

# the workers of this demo that a dead supervisord could have left behind, from their `ready` events
worker_pids() {
  cat "$LOG_DIR"/worker-*.events.log 2>/dev/null | sed -nE 's/.*"event":"ready".*"pid":([0-9]+).*/\1/p' || true
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  trap '' PIPE # a reader that went away (| head, Ctrl-C on a pipe) must not cut the cleanup short
  set +e
  for pid in "${BACKGROUND_PIDS[@]}"; do
    alive "$pid" && kill -TERM "$pid" 2>/dev/null
  done
  if alive "$SUPERVISORD_PID"; then
    say "stopping supervisord (its workers get SIGTERM and drain)"
    kill -TERM "$SUPERVISORD_PID"
    if ! wait_gone "$SUPERVISORD_PID" $((STOP_WAIT_SECS + 10)); then
      say "supervisord did not stop within $((STOP_WAIT_SECS + 10)) s; killing it"
      kill -KILL "$SUPERVISORD_PID"
      wait_gone "$SUPERVISORD_PID" 5
    fi
  fi
  for pid in $(worker_pids); do
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$JAR"; then
      say "worker pid $pid outlived supervisord; killing it"
      kill -KILL "$pid"
    fi
  done
  if alive "$GEARMAND_PID"; then
    say "stopping gearmand"
    kill -TERM "$GEARMAND_PID"
    wait_gone "$GEARMAND_PID" 5 || kill -KILL "$GEARMAND_PID"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# prerequisites

GEARMAND="$(command -v gearmand || echo /usr/sbin/gearmand)"
if [[ ! -x "$GEARMAND" ]] || ! command -v gearadmin >/dev/null || ! command -v gearman >/dev/null \
  || ! command -v supervisord >/dev/null || ! command -v java >/dev/null; then
  say "gearmand, its tools, supervisord or java missing: running setup/install.sh"
  bash "$ROOT/setup/install.sh"
  GEARMAND="$(command -v gearmand || echo /usr/sbin/gearmand)"
fi
if [[ ! -f "$JAR" ]]; then
  say "building $JAR"
  command -v mvn >/dev/null || bash "$ROOT/setup/install.sh"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi

mkdir -p "$RUN_DIR" "$LOG_DIR"
if [[ -f "$RUN_DIR/supervisord.pid" ]] && alive "$(cat "$RUN_DIR/supervisord.pid")"; then
  die "a supervisord of an earlier demo still runs in $DEMO_DIR (pid $(cat "$RUN_DIR/supervisord.pid")); stop it or set DEMO_DIR"
fi
rm -f "$LOG_DIR"/worker-*.log* "$RUN_DIR"/*.pid "$RUN_DIR"/*.log "$RUN_DIR"/*.out "$DEMO_DIR"/*.out \
  "$DEMO_DIR"/*.log "$DEMO_DIR/report.txt"

# ---------------------------------------------------------------------------------------------
# gearmand on a free loopback port: 4730 if free, else one from 30000-32699 (below the ephemeral
# range, and outside the 20000-29999 the integration tests use)

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_gearmand() {
  local port="$1" i
  "$GEARMAND" --listen=127.0.0.1 --port="$port" --log-file="$DEMO_DIR/gearmand.log" \
    --pid-file="$RUN_DIR/gearmand.pid" --verbose=WARNING >>"$DEMO_DIR/gearmand.out" 2>&1 &
  GEARMAND_PID=$!
  for ((i = 0; i < 100; i++)); do
    alive "$GEARMAND_PID" || return 1 # could not bind: the port was taken meanwhile
    if [[ "$(gearadmin -h 127.0.0.1 -p "$port" --getpid 2>/dev/null || true)" == "$GEARMAND_PID" ]]; then
      PORT="$port"
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$GEARMAND_PID"
  return 1
}

for candidate in 4730 $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)); do
  if port_free "$candidate" && start_gearmand "$candidate"; then
    break
  fi
done
[[ -n "$PORT" ]] || die "could not start gearmand on a free port (see $DEMO_DIR/gearmand.out)"
SERVERS="127.0.0.1:$PORT"
say "gearmand pid $GEARMAND_PID on $SERVERS"

gearman_cli() { timeout 30 gearman -h 127.0.0.1 -p "$PORT" "$@" </dev/null; }

queue_empty() {
  local status
  status="$(gearadmin -h 127.0.0.1 -p "$PORT" --status)" || return 1
  awk -F'\t' 'NF >= 4 && $2 != 0 { busy = 1 } END { exit busy }' <<<"$status"
}

# ---------------------------------------------------------------------------------------------
# supervisord and its workers

# shellcheck disable=SC2090 # read by supervisord, not by the shell
export RUN_DIR LOG_DIR WORKERS STOP_WAIT_SECS WORKER_ARGS WORKER_COMMAND
export GEARMAN_SERVERS="$SERVERS"
supervisord -n -c "$CONF" >"$RUN_DIR/supervisord.out" 2>&1 &
SUPERVISORD_PID=$!
say "supervisord pid $SUPERVISORD_PID starting $WORKERS workers ($CONCURRENCY job slots per function each)"

wait_for_workers() {
  local listing="" count=0 deadline=$((SECONDS + 40))
  while ((SECONDS < deadline)); do
    alive "$SUPERVISORD_PID" || die "supervisord died (see $RUN_DIR/supervisord.log)"
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
drained="$(awk 'FNR == 1 { d = 0 } /"event":"stopping"/ { d = 1 } /"event":"(exit|ready)"/ { d = 0 }
  d && /"event":"job_(ended|failed)"/ { n++ } END { print n + 0 }' "$LOG_DIR"/worker-*.events.log)"
say "jobs that finished after their worker got SIGTERM (drained, not dropped): $drained"
java -jar "$JAR" report --log "$LOG_DIR"/worker-*.events.log | tee "$DEMO_DIR/report.txt"

expected=$((REVERSE_JOBS + ${#SLEEP_PAYLOADS[@]} * SLEEP_JOBS_EACH + 3))
say "jobs submitted: $expected ($REVERSE_JOBS reverse + $((${#SLEEP_PAYLOADS[@]} * SLEEP_JOBS_EACH)) sleep by submit, 3 by the gearman CLI)"
say "files: $DEMO_DIR (report.txt, logs/*.events.log, logs/*.err.log, gearmand.log, run/supervisord.log)"
grep -qx 'lost: 0' "$DEMO_DIR/report.txt" || die "the report shows lost jobs"
((submit_failed == 0)) || die "a submit run had failed jobs (see $DEMO_DIR/submit-*.out)"
say "OK: every job finished across a graceful restart; no job lost"
