#!/usr/bin/env bash
# The seed's functional test (its graceful_restart.php; README: "the seed"), on loopback only:
#   gearmand on a free port, outside supervisord (restarting workers never wipes its queue)
#   + supervisord (setup/supervisord.conf, its own socket in the run dir) running WORKERS workers with small
#     restart limits, so workers also leave on their own (max-jobs, max-lifetime) while the test runs
#   + N background `sleep` jobs of 50-300 ms, each with its own unique id
#   + K restarts during the run, alternating `supervisorctl restart 'worker:*'` and a SIGTERM to one worker
#   + wait until every job is done, stop supervisord (so every worker exits), print the report.
#
#   setup/graceful-restart.sh N [--restarts K] [--worker java|php] [--workers W] [--timeout SECONDS]
#   setup/graceful-restart.sh status [RUN_DIR]   the report, refreshed every second (report --follow), over
#                                                a run's event logs (default: the last run); Ctrl-C ends it
#
# Exit 0 only if submitted = ended = N, lost = 0, run twice = 0 (and failed = 0). Run twice must be 0 here:
# every way a worker leaves in this test (SIGTERM from supervisorctl restart, the single SIGTERM, max-jobs,
# max-lifetime, supervisord's stop at the end) drains: it stops grabbing, finishes the jobs in flight and sends
# their results before closing its connections. gearmand runs a job again only when a connection closes with the
# job unfinished: a kill -9, or a shutdown timeout (SHUTDOWN_TIMEOUT, far above the 300 ms jobs, with
# STOP_WAIT_SECS above it so supervisord never SIGKILLs a draining worker). Those are the at-least-once paths;
# none of them is taken here, so a job run twice is a bug.
#
# --worker php supervises setup/bench/php-worker.php instead (one job at a time per process; --max-lifetime
# in whole seconds and no jitter), for a side-by-side wall time.
#
# Settings (environment): GR_DIR (run dir; default a new /tmp/graceful-restart.XXXXXX), WORKERS (4),
# CONCURRENCY (2, java only), MAX_JOBS (25), MAX_JOBS_JITTER (10, java only), MAX_LIFETIME (3, seconds),
# LIFETIME_JITTER (2, seconds, java only), SHUTDOWN_TIMEOUT (10, seconds, java only), STOP_WAIT_SECS (15).
# The limits are far below production values on purpose: with N = 300 a worker process lives 2-5 s (8 slots
# take ~45 jobs/s), so a lifetime of 15 s would never be reached and only max-jobs would recycle workers.
# Everything started here is stopped on exit, Ctrl-C included; the files stay in the run dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup/lib.sh
source "$ROOT/setup/lib.sh"
CONF="$ROOT/setup/supervisord.conf"
JAR="$ROOT/worker-app/target/gearman-worker.jar"
PHP_WORKER="$ROOT/setup/bench/php-worker.php"
LAST_RUN="${TMPDIR:-/tmp}/graceful-restart.last" # holds the path of the last run dir, for `status`

usage() {
  cat >&2 <<EOF
usage: setup/graceful-restart.sh N [--restarts K] [--worker java|php] [--workers W] [--timeout SECONDS]
       setup/graceful-restart.sh status [RUN_DIR]
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------
# status mode: the seed's `graceful_restart.php status`

if [[ "${1:-}" == "status" ]]; then
  (($# <= 2)) || usage
  dir="${2:-$(cat "$LAST_RUN" 2>/dev/null || true)}"
  if [[ -z "$dir" || ! -d "$dir/logs" ]]; then
    echo "graceful-restart.sh: no run dir${dir:+ $dir} with logs/; give one: $0 status RUN_DIR" >&2
    exit 2
  fi
  shopt -s nullglob
  logs=("$dir"/logs/worker-*.events.log)
  ((${#logs[@]} > 0)) || {
    echo "graceful-restart.sh: no worker event logs in $dir/logs" >&2
    exit 1
  }
  exec java -jar "$JAR" report --follow --log "${logs[@]}"
fi

# ---------------------------------------------------------------------------------------------
# arguments and settings

[[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || usage
N="$1"
shift
RESTARTS=3
WORKER_KIND=java
TIMEOUT=100
WORKERS="${WORKERS:-4}"
while (($# > 0)); do
  case "$1" in
    --restarts) RESTARTS="${2:-}" && shift 2 ;;
    --worker) WORKER_KIND="${2:-}" && shift 2 ;;
    --workers) WORKERS="${2:-}" && shift 2 ;;
    --timeout) TIMEOUT="${2:-}" && shift 2 ;;
    *) usage ;;
  esac
done
[[ "$RESTARTS" =~ ^[0-9]+$ && "$WORKERS" =~ ^[1-9][0-9]*$ && "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || usage
[[ "$WORKER_KIND" == java || "$WORKER_KIND" == php ]] || usage

CONCURRENCY="${CONCURRENCY:-2}"
MAX_JOBS="${MAX_JOBS:-25}"
MAX_JOBS_JITTER="${MAX_JOBS_JITTER:-10}"
MAX_LIFETIME="${MAX_LIFETIME:-3}"
LIFETIME_JITTER="${LIFETIME_JITTER:-2}"
SHUTDOWN_TIMEOUT="${SHUTDOWN_TIMEOUT:-10}"
STOP_WAIT_SECS="${STOP_WAIT_SECS:-15}"
PAYLOADS=(300 50 200 100 250 150) # ms; N is split over them
RUN_ID="gr-$(date +%Y%m%d-%H%M%S)-$$" # prefix of the jobs' unique ids
if ((STOP_WAIT_SECS <= SHUTDOWN_TIMEOUT + 1)); then
  echo "graceful-restart.sh: STOP_WAIT_SECS ($STOP_WAIT_SECS) must be above SHUTDOWN_TIMEOUT + 1 ($SHUTDOWN_TIMEOUT + 1)" >&2
  exit 2
fi

start_clock graceful-restart

# ---------------------------------------------------------------------------------------------
# prerequisites

tools=(gearadmin supervisord java)
[[ "$WORKER_KIND" != php ]] || tools+=(php)
install_if_missing "gearmand, gearadmin, supervisord, java or php" "${tools[@]}"
build_jar_if_missing # submit and report are ours whichever worker runs
unpack_dist

# TEST_DIR: the run dir (gearmand's files, report.txt, submit-*.out); RUN_DIR (supervisord's socket, pidfile and
# log) and LOG_DIR (the workers' logs) inside it, under the names setup/supervisord.conf reads
make_run_dir "${GR_DIR:-}" graceful-restart
printf '%s\n' "$TEST_DIR" >"$LAST_RUN"

# ---------------------------------------------------------------------------------------------
# the cleanup that leaves nothing running

GEARMAND_PID=""
SUPERVISORD_PID=""
WORKER_PROGRAM="$JAR"
PORT=""
SERVERS=""
BACKGROUND_PIDS=() # the submits

worker_event_logs
stop_all_on_exit

# a supervisord or gearmand left by an earlier run in the same GR_DIR: restart means stop it first
for pidfile in "$RUN_DIR/supervisord.pid" "$RUN_DIR/gearmand.pid"; do
  if [[ -f "$pidfile" ]] && pid="$(cat "$pidfile")" && alive "$pid"; then
    say "stopping pid $pid of an earlier run in $TEST_DIR ($(basename "$pidfile" .pid))"
    kill -TERM "$pid"
    wait_gone "$pid" $((STOP_WAIT_SECS + 10)) || die "pid $pid (from $pidfile) does not stop"
  fi
done
rm -f "$RUN_DIR"/* "$TEST_DIR"/*.out "$TEST_DIR"/*.log "$TEST_DIR/report.txt" "$LOG_DIR"/worker-*.log.[0-9]*

# the seed truncates the workers' stdout log; here each worker has its own, and all are truncated (or created)
for log in "${LOGS[@]}"; do
  : >"$log"
  : >"${log%.events.log}.err.log"
done

# ---------------------------------------------------------------------------------------------
# gearmand on a free loopback port

start_gearmand_in_test_range "$TEST_DIR"
say "run dir $TEST_DIR; gearmand pid $GEARMAND_PID on $SERVERS"

# the sleep function's jobs gearmand still holds (queued + running); 0 when it has none, -1 if it did not answer
sleep_jobs_in_gearmand() { jobs_in_gearmand sleep; }

# job results written so far, all workers and lives (cheap; the report counts distinct handles)
results_logged() {
  cat "${LOGS[@]}" | grep -cE '"event":"job_(ended|failed)"' || true
}

# ---------------------------------------------------------------------------------------------
# supervisord and its workers

# shellcheck disable=SC2089 # WORKER_COMMAND and WORKER_ARGS are split by supervisord (shlex), which honours quotes
if [[ "$WORKER_KIND" == java ]]; then
  WORKER_PROGRAM="$DIST_HOME/lib"
  WORKER_COMMAND="'$DIST_HOME/bin/gearman-worker' run" # the launcher of the distribution
  WORKER_ARGS="--concurrency $CONCURRENCY --shutdown-timeout ${SHUTDOWN_TIMEOUT}s --max-jobs $MAX_JOBS"
  WORKER_ARGS+=" --max-jobs-jitter $MAX_JOBS_JITTER --max-lifetime ${MAX_LIFETIME}s --jitter ${LIFETIME_JITTER}s"
  SLOTS=$((WORKERS * CONCURRENCY))
else
  WORKER_PROGRAM="$PHP_WORKER"
  WORKER_COMMAND="php '$PHP_WORKER'"
  WORKER_ARGS="--max-jobs $MAX_JOBS --max-lifetime $MAX_LIFETIME"
  SLOTS="$WORKERS"
fi
start_supervisord "$TEST_DIR/supervisord.out"
say "supervisord pid $SUPERVISORD_PID: $WORKERS $WORKER_KIND workers, $SLOTS job slots; worker options: $WORKER_ARGS"

# ---------------------------------------------------------------------------------------------
# N background sleep jobs, payloads 50-300 ms, unique ids <run id>-<ms>ms-<n>; one submit per payload, in
# parallel while the workers start

GROUP_SIZE=() # jobs per payload
for ((i = 0; i < ${#PAYLOADS[@]}; i++)); do
  GROUP_SIZE[i]=$((N / ${#PAYLOADS[@]} + (i < N % ${#PAYLOADS[@]} ? 1 : 0)))
done
submit_started="$(now_ms)"
for ((i = 0; i < ${#PAYLOADS[@]}; i++)); do
  ms="${PAYLOADS[i]}"
  ((GROUP_SIZE[i] > 0)) || continue
  timeout 60 java -jar "$JAR" submit --servers "$SERVERS" -f sleep --background --count "${GROUP_SIZE[i]}" \
    --concurrency 16 --unique-id "$RUN_ID-${ms}ms" "$ms" >"$TEST_DIR/submit-$ms.out" 2>&1 &
  BACKGROUND_PIDS+=("$!")
done
submit_failed=0
for pid in "${BACKGROUND_PIDS[@]}"; do
  wait "$pid" || submit_failed=1
done
BACKGROUND_PIDS=()
SUBMITTED=0
for ((i = 0; i < ${#PAYLOADS[@]}; i++)); do
  ((GROUP_SIZE[i] > 0)) || continue
  SUBMITTED=$((SUBMITTED + $(submitted_jobs "$TEST_DIR/submit-${PAYLOADS[i]}.out" "${GROUP_SIZE[i]}")))
done
((submit_failed == 0)) || say "a submit failed: $(cat "$TEST_DIR"/submit-*.out | tr '\n' ' ')"
say "submitted $SUBMITTED of $N sleep jobs in $(seconds_since "$submit_started") s (payloads ${PAYLOADS[*]} ms, unique ids $RUN_ID-<ms>ms-<n>)"

await_workers_registered sleep 60
say "all $WORKERS workers registered with gearmand"

# ---------------------------------------------------------------------------------------------
# the restarts, during the run

# restart r happens once r/(K+1) of the jobs have their result; then wait until every job is done: gearmand
# holds no sleep job and the report counts N jobs ended
restarts_done=0
reported_at=-1 # results count at the last report run: the report (a JVM) runs again only when it changed
wait_started="$(now_ms)"
deadline=$((SECONDS + TIMEOUT))
next_progress=$((SECONDS + 5))
while true; do
  supervisord_running
  results="$(results_logged)"
  if ((restarts_done < RESTARTS && results * (RESTARTS + 1) >= (restarts_done + 1) * N)); then
    restarts_done=$((restarts_done + 1))
    if ((restarts_done % 2 == 1)); then
      restart_all "restart $restarts_done/$RESTARTS" "($(results_logged) results so far)"
    else
      sigterm_one "restart $restarts_done/$RESTARTS" $((restarts_done / 2)) 30
    fi
    continue
  fi
  if ((restarts_done == RESTARTS && results >= SUBMITTED && results != reported_at)) \
    && (($(sleep_jobs_in_gearmand) == 0)); then
    reported_at="$results"
    ended="$(report_figure "$(java -jar "$JAR" report --json --log "${LOGS[@]}")" ended)"
    if ((${ended:-0} >= SUBMITTED)); then
      break
    fi
  fi
  if ((SECONDS >= deadline)); then
    die "not done within $TIMEOUT s: $results results logged, $(sleep_jobs_in_gearmand) sleep jobs in gearmand, $restarts_done of $RESTARTS restarts (see $TEST_DIR; $0 status $TEST_DIR)"
  fi
  if ((SECONDS >= next_progress)); then
    say "$results of $SUBMITTED results logged; gearmand holds $(sleep_jobs_in_gearmand) sleep jobs"
    next_progress=$((SECONDS + 5))
  fi
  sleep 0.2
done
JOBS_SECONDS="$(seconds_since "$wait_started")"
say "every job done: gearmand holds no sleep job, the report counts $ended ended"

# ---------------------------------------------------------------------------------------------
# stop supervisord: every worker gets SIGTERM, drains and writes its exit; only then is `lost` meaningful

say "stopping supervisord (every worker exits)"
stop_supervisord
for pid in $(workers_left); do
  die "worker pid $pid still runs after supervisord stopped"
done
if [[ "$WORKER_KIND" == java ]]; then
  drained="$(drained_jobs "${LOGS[@]}")"
  say "jobs that finished after their worker was asked to stop (drained, not dropped): $drained"
fi # the PHP worker writes `stopping` only once its loop has left, after its last job

java -jar "$JAR" report --log "${LOGS[@]}" | tee "$TEST_DIR/report.txt"
json="$(java -jar "$JAR" report --json --log "${LOGS[@]}")"
ENDED="$(report_figure "$json" ended)"
LOST="$(report_figure "$json" lost)"
RUN_TWICE="$(report_figure "$json" runTwice)"
FAILED="$(report_figure "$json" failed)"
RUNNING="$(report_figure "$json" workersRunning)"
HANDED_BACK="$(report_figure "$json" handedBack)"
REASONS="$(report_exit_reasons "$json")"

say "worker: $WORKER_KIND, $WORKERS processes, $SLOTS job slots; restarts: $restarts_done; exits by reason: $REASONS"
unexpected="$(tr ',' '\n' <<<"$REASONS" | sed -nE 's/^([^:]*):([0-9]+)$/\1/p' | grep -vxE 'sigterm|max-jobs|max-lifetime' || true)"
[[ -z "$unexpected" ]] || say "WARNING: exits for unexpected reasons: $(tr '\n' ' ' <<<"$unexpected")(see $LOG_DIR/*.err.log)"
((${HANDED_BACK:-0} == 0)) || say "WARNING: $HANDED_BACK job(s) handed back to gearmand (grep job_handed_back $LOG_DIR/*.events.log)"
say "submitted: $SUBMITTED, ended: $ENDED, failed: $FAILED, lost: $LOST, run twice: $RUN_TWICE (N = $N)"
say "wall time: $(seconds_since "$STARTED_MS") s (jobs done $JOBS_SECONDS s after the last submit); files: $TEST_DIR"

ok=1
((SUBMITTED == N)) || { say "FAILED: submitted $SUBMITTED, not $N" && ok=0; }
((${ENDED:-0} == N)) || { say "FAILED: ended ${ENDED:-?}, not $N" && ok=0; }
((${LOST:-1} == 0)) || { say "FAILED: lost ${LOST:-?}" && ok=0; }
((${RUN_TWICE:-1} == 0)) || { say "FAILED: run twice ${RUN_TWICE:-?} (grep the handles with two job_started in $LOG_DIR)" && ok=0; }
((${FAILED:-1} == 0)) || { say "FAILED: $FAILED job(s) failed" && ok=0; }
((${RUNNING:-1} == 0)) || { say "FAILED: $RUNNING worker(s) without an exit event, so lost is not final" && ok=0; }
((ok == 1)) || exit 1
say "OK: $N jobs across $restarts_done restarts and the workers' own restarts; none lost, none run twice"
