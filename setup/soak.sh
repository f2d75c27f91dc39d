#!/usr/bin/env bash
# The chaos soak test, on loopback only: does every job still run, whatever operations and failures do?
#   gearmand with a persistent queue (libsqlite3) on a free port, outside supervisord
#   + supervisord (setup/supervisord.conf) running WORKERS workers, 2 job slots each, with max-jobs and
#     max-lifetime (and jitter), so workers also recycle on their own
#   + N background `soak` jobs, each with its own unique id, served by a YAML route (written into the run dir)
#     that writes one file per execution, named after the job's unique id, into executions/: the ground truth,
#     independent of the workers' event logs (one file each, because concurrent appends to one file from
#     several processes lose lines)
#   + during the run, spread over it: supervisorctl restarts and SIGTERMs to single workers, kill -9 of busy
#     workers, gearmand restarts (same port, same queue database) and `terminate --all`
#   + wait until every job ran, stop supervisord (every worker exits), compare the ground truth with
#     `report --json`, print the figures: the verdict is worker-app's SoakVerdict (unit-tested), run as
#     SoakVerdictCommand over the run dir.
#
#   setup/soak.sh [--quick]      --quick: 1500 jobs, 2 restarts, 2 kill -9, 1 gearmand restart, 1 terminate --all
#                                (about a minute); the full run: 10000 jobs, 20 restarts, 5 kill -9, 3 gearmand
#                                restarts, 2 terminate --all
#   setup/soak.sh --network …    the network soak: handed to setup/network-soak.sh with the remaining arguments
#
# Exit 0 only if: every unique id was executed at least once (lost = 0 by the ground truth; the report's lost
# only ids whose result left unconfirmed - kill -9, gearmand restart - and which ran exactly once);
# every duplicate execution is explained by a kill -9 or a gearmand restart (its first execution fell within
# 2 s before a kill -9, or between 2 s before a gearmand stop and 2 s after its return: the result may not have
# reached gearmand); no crash loop (no worker FATAL in supervisord, no exit for reason `error`); after every
# gearmand restart a worker served the function again within 2 s of gearmand answering; the report sees every
# worker exited (lost is final). The figures also say whether the event log claimed a result gearmand did not
# keep (two job_ended for one unique id), and such an over-claim fails the run (SOAK_STRICT_LOG=0: only report it).
#
# Settings (environment): SOAK_DIR (run dir; default a new /tmp/soak.XXXXXX), SOAK_JOBS, SOAK_RESTARTS,
# SOAK_KILLS, SOAK_GEARMAND_RESTARTS, SOAK_TERMINATES, SOAK_TIMEOUT (seconds), JOB_MS (50, the job's duration in ms),
# WORKERS (4), CONCURRENCY (2), MAX_JOBS, MAX_JOBS_JITTER, MAX_LIFETIME, LIFETIME_JITTER (seconds),
# SHUTDOWN_TIMEOUT (10 s), STOP_WAIT_SECS (15), GEARMAND_DOWN_MS (1000, how long gearmand stays away),
# SOAK_WAIT (120, seconds to wait for a worker to start), JAVA_OPTS (the workers' JVM options; default
# -XX:TieredStopAtLevel=1 -XX:+UseSerialGC for a quicker start on a small machine),
# SOAK_DB (the queue database; default on /dev/shm, so that sqlite's syncs do not slow the run: a file there
# survives a gearmand restart, which is what the test needs; deleted on exit).
# Everything started here is stopped on exit, Ctrl-C included; the files stay in the run dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup/lib.sh
source "$ROOT/setup/lib.sh"
CONF="$ROOT/setup/supervisord.conf"
JAR="$ROOT/worker-app/target/gearman-worker.jar"

usage() {
  echo "usage: setup/soak.sh [--quick] | setup/soak.sh --network [NETWORK-SOAK OPTIONS]" >&2
  exit 2
}

QUICK=0
case "${1:-}" in
  "") ;;
  --quick) QUICK=1 ;;
  --network) # the soak of network faults is a script of its own; soak.sh is its entry point too
    [[ -f "$ROOT/setup/network-soak.sh" ]] || {
      echo "soak.sh: --network needs setup/network-soak.sh, which this checkout does not have" >&2
      exit 2
    }
    exec bash "$ROOT/setup/network-soak.sh" "${@:2}"
    ;;
  *) usage ;;
esac
(($# <= 1)) || usage

if ((QUICK == 1)); then
  N="${SOAK_JOBS:-1500}" RESTARTS="${SOAK_RESTARTS:-2}" KILLS="${SOAK_KILLS:-2}"
  GEARMAND_RESTARTS="${SOAK_GEARMAND_RESTARTS:-1}" TERMINATES="${SOAK_TERMINATES:-1}" TIMEOUT="${SOAK_TIMEOUT:-300}"
  MAX_JOBS="${MAX_JOBS:-150}" MAX_JOBS_JITTER="${MAX_JOBS_JITTER:-50}"
  MAX_LIFETIME="${MAX_LIFETIME:-20}" LIFETIME_JITTER="${LIFETIME_JITTER:-10}"
else
  N="${SOAK_JOBS:-10000}" RESTARTS="${SOAK_RESTARTS:-20}" KILLS="${SOAK_KILLS:-5}"
  GEARMAND_RESTARTS="${SOAK_GEARMAND_RESTARTS:-3}" TERMINATES="${SOAK_TERMINATES:-2}" TIMEOUT="${SOAK_TIMEOUT:-2400}"
  MAX_JOBS="${MAX_JOBS:-500}" MAX_JOBS_JITTER="${MAX_JOBS_JITTER:-200}"
  MAX_LIFETIME="${MAX_LIFETIME:-60}" LIFETIME_JITTER="${LIFETIME_JITTER:-30}"
fi
WORKERS="${WORKERS:-4}"
CONCURRENCY="${CONCURRENCY:-2}"
JOB_MS="${JOB_MS:-50}"
SHUTDOWN_TIMEOUT="${SHUTDOWN_TIMEOUT:-10}"
STOP_WAIT_SECS="${STOP_WAIT_SECS:-15}"
GEARMAND_DOWN_MS="${GEARMAND_DOWN_MS:-1000}"
BACK_WITHIN_MS=2000
WAIT="${SOAK_WAIT:-120}" # seconds to wait for a worker to (re)start: JVM start-up on a busy machine
JAVA_OPTS="${JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}" # the workers' JVM: quicker start-up, less CPU
for v in N RESTARTS KILLS GEARMAND_RESTARTS TERMINATES TIMEOUT WORKERS CONCURRENCY JOB_MS GEARMAND_DOWN_MS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || {
    echo "soak.sh: $v must be a whole number, not '${!v}'" >&2
    exit 2
  }
done

start_clock soak

install_if_missing "gearmand, gearadmin, supervisord or java" gearadmin supervisord java
build_jar_if_missing

make_run_dir "${SOAK_DIR:-}" soak
RUN_ID="soak-$(date +%Y%m%d-%H%M%S)-$$" # the jobs' unique ids are $RUN_ID-0 … $RUN_ID-(N-1)
EXECUTIONS="$TEST_DIR/executions"     # one file per execution: <unique id>~<exchange id>, written at its end
CHAOS="$TEST_DIR/chaos.log"            # one line per disruption: <kind> <from ms> <to ms> <what>
DB="${SOAK_DB:-$([[ -d /dev/shm && -w /dev/shm ]] && echo /dev/shm || echo "$TEST_DIR")/gearman-$RUN_ID.sqlite3}"

GEARMAND_PID=""
SUPERVISORD_PID=""
WORKER_PROGRAM="$JAR"
PORT=""
SERVERS=""
BACKGROUND_PIDS=()
CLEANUP_FILES=("$DB")
GEARMAND_ARGS=(-q libsqlite3 --libsqlite3-db "$DB")

worker_event_logs
stop_all_on_exit

for pidfile in "$RUN_DIR/supervisord.pid" "$RUN_DIR/gearmand.pid"; do
  if [[ -f "$pidfile" ]] && pid="$(cat "$pidfile")" && alive "$pid"; then
    die "pid $pid of an earlier run still runs in $TEST_DIR ($(basename "$pidfile" .pid)); stop it or set SOAK_DIR"
  fi
done
rm -rf "${RUN_DIR:?}"/* "$TEST_DIR"/*.out "$TEST_DIR"/*.log "$TEST_DIR"/*.json "$TEST_DIR"/*.txt "${LOG_DIR:?}"/* "$EXECUTIONS"
mkdir -p "$EXECUTIONS"
: >"$CHAOS"

# ---------------------------------------------------------------------------------------------
# the job route: the side effect per execution is the ground truth

ROUTE="$TEST_DIR/soak.camel.yaml"
cat >"$ROUTE" <<EOF
# setup/soak.sh's job: sleeps the workload's milliseconds, then writes a file named
# <unique id>~<exchange id> into $EXECUTIONS: one per execution, whichever worker runs it, however often
- route:
    id: soak
    from:
      uri: gearman:soak
      steps:
        - delay:
            expression:
              simple: "\${bodyAs(String)}"
        - setBody:
            simple: "ran at \${date:millis}"
        - to:
            uri: "file:$EXECUTIONS?fileName=\${header.CamelGearmanUniqueId}~\${exchangeId}"
        - setBody:
            constant: "done"
EOF

# ---------------------------------------------------------------------------------------------
# gearmand with its persistent queue, supervisord, the jobs

start_gearmand_in_test_range "$TEST_DIR"
say "run dir $TEST_DIR; gearmand pid $GEARMAND_PID on $SERVERS, queue $DB"

WORKER_COMMAND="java $JAVA_OPTS -jar '$JAR' run"
WORKER_ARGS="--concurrency $CONCURRENCY --shutdown-timeout ${SHUTDOWN_TIMEOUT}s --max-jobs $MAX_JOBS"
WORKER_ARGS+=" --max-jobs-jitter $MAX_JOBS_JITTER --max-lifetime ${MAX_LIFETIME}s --jitter ${LIFETIME_JITTER}s"
WORKER_ARGS+=" --routes '$ROUTE'"
start_supervisord "$TEST_DIR/supervisord.out"
say "supervisord pid $SUPERVISORD_PID: $WORKERS workers; options: $WORKER_ARGS"

timeout 120 java -jar "$JAR" submit --servers "$SERVERS" -f soak --background --count "$N" --concurrency 16 \
  --unique-id "$RUN_ID" "$JOB_MS" >"$TEST_DIR/submit.out" 2>&1 || true
SUBMITTED="$(submitted_jobs "$TEST_DIR/submit.out" "$N")"
say "submitted $SUBMITTED of $N background jobs of $JOB_MS ms (unique ids $RUN_ID-<n>)"

# the executions so far, one line each: <unique id> <epoch ms> (the file's modification time)
executions() { find "$EXECUTIONS" -type f -printf '%f %T@\n' | awk '{ sub(/~.*/, "", $1); printf "%s %.0f\n", $1, $2 * 1000 }'; }
executed_ids() { executions | awk '!seen[$1]++ { n++ } END { print n + 0 }'; }

await_workers_registered soak "$WAIT"
say "all $WORKERS workers registered"

# ---------------------------------------------------------------------------------------------
# the disruptions

kill9_one() {
  local name pid busy t
  read -r name pid busy < <(pick_worker "$2" "$WAIT") || true
  [[ -n "${pid:-}" ]] || die "no serving worker to kill within $WAIT s"
  t="$(now_ms)"
  kill -KILL "$pid"
  echo "kill9 $t $t $name/$pid/$busy" >>"$CHAOS"
  say "$1: kill -9 $name (pid $pid, $busy job(s) in flight)"
  wait_gone "$pid" 10 || die "$name (pid $pid) survived kill -9"
  await_replaced "$name" "$pid" "$WAIT" >/dev/null
}

SERVICE_BACK=() # ms from gearmand answering again to a worker registered for soak, per gearmand restart
restart_gearmand() {
  local down up back i
  down="$(now_ms)"
  stop_gearmand
  say "$1: gearmand stopped (SIGTERM); back in $GEARMAND_DOWN_MS ms on port $PORT with the same queue"
  sleep "$((GEARMAND_DOWN_MS / 1000)).$(printf '%03d' $((GEARMAND_DOWN_MS % 1000)))"
  for ((i = 0; i < 50; i++)); do # the port may take a moment to be free again
    start_gearmand "$TEST_DIR" "$PORT" && break
    sleep 0.1
  done
  alive "$GEARMAND_PID" || die "gearmand did not start again on port $PORT (see $TEST_DIR/gearmand.out)"
  up="$(now_ms)"
  until (($(workers_registered soak) >= 1)); do
    (($(now_ms) - up < 30000)) || die "no worker came back to gearmand within 30 s"
    sleep 0.05
  done
  back=$(($(now_ms) - up))
  SERVICE_BACK+=("$back")
  echo "gearmand $down $up pid-$GEARMAND_PID" >>"$CHAOS"
  say "$1: gearmand pid $GEARMAND_PID answers; a worker served soak again $back ms later"
}

terminate_all() {
  say "$1: terminate --all"
  if ! timeout 90 java -jar "$JAR" terminate --servers "$SERVERS" --all --wait 60s >"$TEST_DIR/terminate-$2.out" 2>&1; then
    say "WARNING: terminate --all exited non-zero: $(tr '\n' ' ' <"$TEST_DIR/terminate-$2.out")"
  fi
  indent <"$TEST_DIR/terminate-$2.out"
}

# the plan: each kind spread evenly over the run, in the order of their positions
PLAN=()
while read -r _ kind; do PLAN+=("$kind"); done < <(
  {
    for ((i = 0; i < RESTARTS; i++)); do echo "$(((2 * i + 1) * 10000 / (2 * RESTARTS))) restart"; done
    for ((i = 0; i < KILLS; i++)); do echo "$(((2 * i + 1) * 10000 / (2 * KILLS) + 7)) kill9"; done
    for ((i = 0; i < GEARMAND_RESTARTS; i++)); do echo "$(((2 * i + 1) * 10000 / (2 * GEARMAND_RESTARTS) + 13)) gearmand"; done
    for ((i = 0; i < TERMINATES; i++)); do echo "$(((2 * i + 1) * 10000 / (2 * TERMINATES) + 19)) terminate"; done
  } | sort -n
)
ACTIONS="${#PLAN[@]}"
say "plan: ${PLAN[*]}"

FATAL_SEEN=""
check_supervisord() {
  local states
  supervisord_running
  states="$(ctl status 2>/dev/null || true)"
  if grep -q FATAL <<<"$states"; then
    FATAL_SEEN="$(grep FATAL <<<"$states" | tr '\n' ' ')"
    die "crash loop: $FATAL_SEEN (see $LOG_DIR/*.err.log)"
  fi
}

done_actions=0
restarts=0
last_executed=-1
last_move=$SECONDS
wait_started="$(now_ms)"
deadline=$((SECONDS + TIMEOUT))
next_progress=$((SECONDS + 5))
next_check=$SECONDS
while true; do
  executed="$(executed_ids)"
  if ((SECONDS >= next_check)); then
    check_supervisord
    next_check=$((SECONDS + 2))
  fi
  if ((done_actions < ACTIONS && executed * (ACTIONS + 1) >= (done_actions + 1) * SUBMITTED)); then
    kind="${PLAN[done_actions]}"
    done_actions=$((done_actions + 1))
    label="$done_actions/$ACTIONS ($executed of $SUBMITTED executed)"
    case "$kind" in
      restart)
        restarts=$((restarts + 1))
        if ((restarts % 2 == 1)); then restart_all "$label"; else sigterm_one "$label" "$restarts" "$WAIT"; fi
        ;;
      kill9) kill9_one "$label" "$done_actions" ;;
      gearmand) restart_gearmand "$label" ;;
      terminate) terminate_all "$label" "$done_actions" ;;
    esac
    continue
  fi
  if ((done_actions == ACTIONS && executed >= SUBMITTED)) && (($(jobs_in_gearmand soak) == 0)); then
    break
  fi
  # gearmand has nothing left, yet ids are missing, and nothing moves for 20 s: they are lost (the figures say)
  if ((executed != last_executed)); then
    last_executed="$executed" last_move=$SECONDS
  elif ((SECONDS - last_move >= 20)) && (($(jobs_in_gearmand soak) == 0)); then
    say "gearmand holds no soak job; $executed of $SUBMITTED executed, no progress for 20 s: stop waiting"
    break
  fi
  ((SECONDS < deadline)) || die "not done within $TIMEOUT s: $executed of $SUBMITTED executed, $(jobs_in_gearmand soak) soak jobs in gearmand, $done_actions of $ACTIONS disruptions (see $TEST_DIR)"
  if ((SECONDS >= next_progress)); then
    say "$executed of $SUBMITTED executed; gearmand holds $(jobs_in_gearmand soak) soak jobs"
    next_progress=$((SECONDS + 5))
  fi
  sleep 0.5
done
say "every job executed, gearmand holds no soak job ($(seconds_since "$wait_started") s after the submit)"

say "stopping supervisord (every worker drains and exits)"
stop_supervisord
for pid in $(workers_left); do
  die "worker pid $pid still runs after supervisord stopped"
done

# ---------------------------------------------------------------------------------------------
# the figures: ground truth, its duplicates explained, the report

java -jar "$JAR" report --log "${LOGS[@]}" | tee "$TEST_DIR/report.txt"
java -jar "$JAR" report --json --log "${LOGS[@]}" >"$TEST_DIR/report.json"
say "disruptions: $restarts restarts (supervisorctl restart / SIGTERM alternating), $KILLS kill -9, $GEARMAND_RESTARTS gearmand restarts, $TERMINATES terminate --all"
# the verdict (worker-app's SoakVerdict): ground truth, duplicates explained, report and event logs held against it
verdict=0
java -cp "$JAR" io.gearworker.worker.report.SoakVerdictCommand --run-id "$RUN_ID" --expected "$N" \
  --submitted "$SUBMITTED" --service-back-ms "${SERVICE_BACK[*]:-}" --back-within-ms "$BACK_WITHIN_MS" \
  --strict-log "${SOAK_STRICT_LOG:-1}" "$TEST_DIR" "${LOGS[@]}" >"$TEST_DIR/verdict.txt" || verdict=$?
while IFS= read -r line; do say "$line"; done <"$TEST_DIR/verdict.txt"
say "wall time $(seconds_since "$STARTED_MS") s; files: $TEST_DIR"
((verdict == 0)) || exit "$verdict"
say "OK: every job executed at least once across all disruptions; every duplicate explained; no crash loop"
