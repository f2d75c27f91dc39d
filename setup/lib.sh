# shellcheck shell=bash
# Helpers shared by setup/demo.sh, setup/graceful-restart.sh, setup/soak.sh and setup/bench/rolling.sh: progress
# lines, process handling, gearmand on a free port, supervisord (setup/supervisord.conf) and its workers, and the
# cleanup that leaves nothing running. Sourced, never run: it only defines functions. The caller keeps
# `set -euo pipefail`, calls start_clock NAME (or defines its own say) and sets ROOT, CONF, RUN_DIR, LOG_DIR,
# WORKERS, STOP_WAIT_SECS, WORKER_COMMAND, WORKER_ARGS and WORKER_PROGRAM (a string that the command line of each of
# its workers contains; for the launcher, DIST_HOME/lib); it may define its own worker_pids (the pids of its workers
# that may outlive supervisord). The functions keep their state in GEARMAND, GEARMAND_PID, PORT, SERVERS,
# SUPERVISORD_PID, LOGS and BACKGROUND_PIDS (pids to SIGTERM on exit), which the caller initialises.

# now_ms: prints the time in epoch milliseconds
now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}

# seconds_since MS: prints the seconds since epoch milliseconds MS, to a tenth ("12.3")
seconds_since() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# start_clock NAME: sets STARTED_MS to now and names the progress lines of say
start_clock() {
  SAY_NAME="$1"
  STARTED_MS="$(now_ms)"
}

# say MESSAGE...: one line of progress, "[NAME  12.3s] MESSAGE" (a caller may define its own after sourcing)
say() { printf '[%s %5ss] %s\n' "$SAY_NAME" "$(seconds_since "$STARTED_MS")" "$*"; }

# die MESSAGE...: says `FAILED: MESSAGE` on stderr and exits 1
die() {
  say "FAILED: $*" >&2
  exit 1
}

# indent: copies stdin to stdout, each line indented by four spaces
indent() { sed 's/^/    /'; }

# alive PID: true while process PID runs (a zombie waiting to be reaped does not count); false for an empty PID
alive() {
  local state
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]]
}

# wait_gone PID SECONDS: waits up to SECONDS for process PID to end; false if it still runs
wait_gone() {
  local pid="$1" deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# install_if_missing WHAT COMMAND...: sets GEARMAND; runs setup/install.sh (saying "WHAT missing") if it or a COMMAND is missing
install_if_missing() {
  local what="$1" cmd missing=0
  shift
  GEARMAND="$(command -v gearmand || echo /usr/sbin/gearmand)"
  [[ -x "$GEARMAND" ]] || missing=1
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null || missing=1
  done
  if ((missing == 1)); then
    say "$what missing: running setup/install.sh"
    bash "$ROOT/setup/install.sh"
    GEARMAND="$(command -v gearmand || echo /usr/sbin/gearmand)"
  fi
}

# build_jar_if_missing: builds JAR and the distribution with Maven (installing Maven first if need be) unless both exist
build_jar_if_missing() {
  if [[ -f "$JAR" ]] && compgen -G "$ROOT/worker-app/target/gearman-worker-*.tar.gz" >/dev/null; then
    return 0
  fi
  say "building $JAR and the distribution"
  command -v mvn >/dev/null || bash "$ROOT/setup/install.sh"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
}

# unpack_dist: sets DIST_HOME to the distribution (worker-app/target/gearman-worker-<version>.tar.gz) unpacked
# beside its tar.gz, unpacking it again when the tar.gz is newer; its bin/gearman-worker keeps its class-data
# archive in DIST_HOME/cache, so only the first start after a build trains it
unpack_dist() {
  local tgz
  tgz="$(ls -t "$ROOT"/worker-app/target/gearman-worker-*.tar.gz | head -1)"
  DIST_HOME="${tgz%.tar.gz}"
  if [[ ! -x "$DIST_HOME/bin/gearman-worker" || "$tgz" -nt "$DIST_HOME/bin/gearman-worker" ]]; then
    rm -rf "$DIST_HOME"
    tar xzf "$tgz" -C "$(dirname "$tgz")"
    touch "$DIST_HOME/bin/gearman-worker"
  fi
}

# make_run_dir DIR PREFIX: sets TEST_DIR to DIR (or, when DIR is empty, a new ${TMPDIR:-/tmp}/PREFIX.XXXXXX), and
# RUN_DIR (supervisord's socket, pidfile and log) and LOG_DIR (the workers' logs) inside it, under the names
# setup/supervisord.conf reads; creates them
make_run_dir() {
  TEST_DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")}"
  TEST_DIR="$(mkdir -p "$TEST_DIR" && cd "$TEST_DIR" && pwd)"
  RUN_DIR="$TEST_DIR/run"
  LOG_DIR="$TEST_DIR/logs"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
}

# port_free PORT: true if nothing listens on 127.0.0.1:PORT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_gearmand DIR PORT: gearmand on 127.0.0.1:PORT, files in DIR and RUN_DIR, more options from the optional
# array GEARMAND_ARGS (e.g. a persistent queue); sets GEARMAND_PID; false unless it answers
start_gearmand() {
  local dir="$1" port="$2" i
  "$GEARMAND" --listen=127.0.0.1 --port="$port" --log-file="$dir/gearmand.log" \
    --pid-file="$RUN_DIR/gearmand.pid" --verbose=WARNING ${GEARMAND_ARGS[@]+"${GEARMAND_ARGS[@]}"} \
    >>"$dir/gearmand.out" 2>&1 &
  GEARMAND_PID=$!
  for ((i = 0; i < 100; i++)); do
    alive "$GEARMAND_PID" || return 1 # could not bind: the port was taken meanwhile
    if [[ "$(gearadmin -h 127.0.0.1 -p "$port" --getpid 2>/dev/null || true)" == "$GEARMAND_PID" ]]; then
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$GEARMAND_PID"
  return 1
}

# stop_gearmand: SIGTERM to GEARMAND_PID (SIGKILL after 5 s); returns once it is gone
stop_gearmand() {
  alive "$GEARMAND_PID" || return 0
  kill -TERM "$GEARMAND_PID"
  wait_gone "$GEARMAND_PID" 5 || {
    kill -KILL "$GEARMAND_PID"
    wait_gone "$GEARMAND_PID" 5 || true
  }
}

# start_gearmand_on_free_port DIR PORT...: start_gearmand DIR on the first free PORT that works, sets PORT and SERVERS; or dies
start_gearmand_on_free_port() {
  local dir="$1" candidate
  shift
  for candidate in "$@"; do
    if port_free "$candidate" && start_gearmand "$dir" "$candidate"; then
      PORT="$candidate"
      SERVERS="127.0.0.1:$PORT"
      return 0
    fi
  done
  die "could not start gearmand on a free port (see $dir/gearmand.out)"
}

# start_gearmand_in_test_range DIR: start_gearmand_on_free_port DIR on one of five random ports in 30000-32699
# (below the ephemeral range, outside the 20000-29999 of the integration tests; 4730 is left to the demo)
start_gearmand_in_test_range() {
  start_gearmand_on_free_port "$1" $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)) \
    $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700)) $((30000 + RANDOM % 2700))
}

# workers_registered FUNCTION: how many distinct supervised workers (worker-NN) gearmand has registered for FUNCTION
workers_registered() {
  gearadmin -h 127.0.0.1 -p "$PORT" --workers 2>/dev/null \
    | awk -v fn="$1" '$3 ~ /^worker-[0-9]+$/ { for (i = 5; i <= NF; i++) if ($i == fn) print $3 }' | sort -u | wc -l
}

# await_workers_registered FUNCTION SECONDS: returns once all WORKERS are registered for FUNCTION; dies after SECONDS
await_workers_registered() {
  local deadline=$((SECONDS + $2))
  until (($(workers_registered "$1") >= WORKERS)); do
    supervisord_running
    ((SECONDS < deadline)) || die "only $(workers_registered "$1") of $WORKERS workers registered within $2 s (see $LOG_DIR/*.err.log)"
    sleep 0.2
  done
}

# jobs_in_gearmand [FUNCTION]: prints the jobs (queued + running) gearmand holds for FUNCTION or for all; -1: no answer
# shellcheck disable=SC2120 # the argument is optional
jobs_in_gearmand() {
  local status
  status="$(gearadmin -h 127.0.0.1 -p "$PORT" --status)" || {
    echo -1
    return
  }
  awk -F'\t' -v f="${1:-}" 'NF >= 4 && (f == "" || $1 == f) { n += $2 } END { print n + 0 }' <<<"$status"
}

# start_supervisord OUT: supervisord -n on CONF, with the environment CONF reads exported, output to OUT; sets SUPERVISORD_PID
start_supervisord() {
  # shellcheck disable=SC2090 # WORKER_COMMAND and WORKER_ARGS are split by supervisord (shlex), not by the shell
  export RUN_DIR LOG_DIR WORKERS STOP_WAIT_SECS WORKER_COMMAND WORKER_ARGS GEARMAN_SERVERS="$SERVERS"
  supervisord -n -c "$CONF" >"$1" 2>&1 &
  SUPERVISORD_PID=$!
}

# supervisord_running: dies (pointing to supervisord's log) unless supervisord still runs
supervisord_running() {
  alive "$SUPERVISORD_PID" || die "supervisord died (see $RUN_DIR/supervisord.log)"
}

# stop_supervisord: SIGTERM to supervisord (its workers drain), SIGKILL after STOP_WAIT_SECS + 10 s; returns once it is gone
stop_supervisord() {
  alive "$SUPERVISORD_PID" || return 0
  kill -TERM "$SUPERVISORD_PID"
  if ! wait_gone "$SUPERVISORD_PID" $((STOP_WAIT_SECS + 10)); then
    say "supervisord did not stop within $((STOP_WAIT_SECS + 10)) s; killing it"
    kill -KILL "$SUPERVISORD_PID"
    wait_gone "$SUPERVISORD_PID" 5 || true
  fi
}

# ctl ARGS...: supervisorctl on CONF, given up after 90 s
ctl() { timeout 90 supervisorctl -c "$CONF" "$@"; }

# worker_event_logs: sets LOGS to the event logs of the WORKERS supervised workers, LOG_DIR/worker-NN.events.log
worker_event_logs() {
  local i
  LOGS=()
  for ((i = 0; i < WORKERS; i++)); do
    LOGS+=("$LOG_DIR/$(printf 'worker-%02d' "$i").events.log")
  done
}

# worker_pids: prints the pids of this run's worker processes still running: supervisord started them with this
# gearmand's port, and those that got as far as `ready` wrote their pid into LOGS
worker_pids() {
  {
    [[ -z "$PORT" ]] || pgrep -f -- "--servers 127[.]0[.]0[.]1:$PORT --worker-id worker-" || true
    ready_pids "${LOGS[@]}"
  } | sort -un
}

# in_flight_of NAME: prints the jobs started and not yet ended in worker NAME's current life (from its event log;
# a life's first jobs may start before its `ready`, so the count restarts at the previous life's `exit`)
in_flight_of() {
  awk '/"event":"exit"/ { n = 0 } /"event":"job_started"/ { n++ } /"event":"job_(ended|failed|handed_back)"/ { n-- }
    END { print (n > 0 ? n : 0) }' "$LOG_DIR/$1.events.log"
}

# serving NAME PID: true if process PID is worker NAME's current life and serves: it wrote `ready`, not yet `stopping`
serving() {
  awk -v ready="\"pid\":$2," 'index($0, "\"event\":\"ready\"") && index($0, ready) { s = 1; next }
    /"event":"(ready|stopping|exit)"/ { s = 0 } END { exit !s }' "$LOG_DIR/$1.events.log"
}

# pick_worker FIRST SECONDS: prints "NAME PID JOBS" of a serving supervised worker, trying worker number FIRST
# (modulo WORKERS) first and, for up to 3 s, only workers with jobs in flight; prints nothing if none serves
# within SECONDS
pick_worker() {
  local first="$1" i name pid busy deadline=$((SECONDS + $2)) relaxed=$((SECONDS + 3))
  while ((SECONDS < deadline)); do
    for ((i = 0; i < WORKERS; i++)); do
      name="$(printf 'worker-%02d' $(((first + i) % WORKERS)))"
      pid="$(ctl pid "worker:$name" 2>/dev/null || true)"
      [[ "$pid" =~ ^[1-9][0-9]*$ ]] && serving "$name" "$pid" || continue
      busy="$(in_flight_of "$name")"
      ((busy > 0 || SECONDS >= relaxed)) || continue
      echo "$name $pid $busy"
      return 0
    done
    sleep 0.05
  done
}

# await_replaced NAME PID SECONDS: prints the pid under which supervisord runs worker NAME once it is not PID;
# dies after SECONDS
await_replaced() {
  local name="$1" old="$2" new deadline=$((SECONDS + $3))
  until new="$(ctl pid "worker:$name" 2>/dev/null)" && [[ "$new" =~ ^[1-9][0-9]*$ && "$new" != "$old" ]]; do
    ((SECONDS < deadline)) || die "supervisord did not start $name again within $3 s"
    sleep 0.1
  done
  echo "$new"
}

# last_exit_of NAME: prints "reason R, code C" of the last `exit` in worker NAME's event log
last_exit_of() {
  grep '"event":"exit"' "$LOG_DIR/$1.events.log" | tail -n 1 \
    | sed -nE 's/.*"reason":"([^"]*)".*"code":([0-9]+).*/reason \1, code \2/p'
}

# restart_all LABEL [NOTE]: supervisorctl restart 'worker:*': every worker drains, exits and is started anew
restart_all() {
  local t
  t="$(now_ms)"
  say "$1: supervisorctl restart 'worker:*'${2:+ $2}"
  ctl restart 'worker:*' 2>&1 | indent
  say "$1 done in $(seconds_since "$t") s: every worker drained, exited and was started anew"
}

# sigterm_one LABEL FIRST SECONDS: SIGTERM to a serving worker (pick_worker FIRST SECONDS, so preferably a busy
# one); returns once it drained and exited and supervisord started it again; dies when that takes too long
sigterm_one() {
  local name pid busy new t
  read -r name pid busy < <(pick_worker "$2" "$3") || true
  [[ -n "${pid:-}" ]] || die "no serving worker to SIGTERM within $3 s"
  t="$(now_ms)"
  say "$1: SIGTERM to $name (pid $pid, $busy job(s) in flight)"
  kill -TERM "$pid"
  wait_gone "$pid" $((STOP_WAIT_SECS + 5)) || die "$name (pid $pid) still runs $((STOP_WAIT_SECS + 5)) s after SIGTERM"
  new="$(await_replaced "$name" "$pid" "$3")"
  say "$1 done in $(seconds_since "$t") s: $name drained and exited ($(last_exit_of "$name")); supervisord started pid $new"
}

# submitted_jobs OUT COUNT: prints how many jobs `submit --background --count COUNT` (its output in OUT) submitted:
# one job prints its handle, more a summary
submitted_jobs() {
  local n
  if (($2 == 1)); then
    n="$(grep -cE '^H:' "$1" || true)"
  else
    n="$(sed -nE 's/^completed: ([0-9]+)$/\1/p' "$1")"
  fi
  echo "${n:-0}"
}

# report_figure JSON NAME: prints the number NAME of a `report --json` line (nothing if it has none)
report_figure() { sed -nE "s/.*\"$2\":([0-9]+).*/\1/p" <<<"$1"; }

# report_exit_reasons JSON: prints the exitReasons of a `report --json` line as reason:count,…
report_exit_reasons() { sed -nE 's/.*"exitReasons":\{([^}]*)\}.*/\1/p' <<<"$1" | tr -d '"'; }

# ready_pids LOG...: prints the pids that the `ready` events in the worker event logs LOG... name
ready_pids() {
  cat "$@" 2>/dev/null | sed -nE 's/.*"event":"ready".*"pid":([0-9]+).*/\1/p' || true
}

# is_our_worker PID: true if the command line of process PID contains WORKER_PROGRAM
is_our_worker() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$WORKER_PROGRAM"
}

# workers_left: prints those of the caller's worker_pids that still run and are ours (is_our_worker)
workers_left() {
  local pid
  for pid in $(worker_pids); do
    if alive "$pid" && is_our_worker "$pid"; then
      echo "$pid"
    fi
  done
}

# drained_jobs LOG...: prints how many jobs ended or failed between a worker's `stopping` and its `exit` (or next `ready`)
drained_jobs() {
  awk 'FNR == 1 { d = 0 } /"event":"stopping"/ { d = 1 } /"event":"(exit|ready)"/ { d = 0 }
    d && /"event":"job_(ended|failed)"/ { n++ } END { print n + 0 }' "$@"
}

# cleanup [NOTICE]: EXIT trap: SIGTERM to BACKGROUND_PIDS, stop supervisord, SIGKILL workers_left, stop gearmand (say
# NOTICE), delete the files in the optional array CLEANUP_FILES
cleanup() {
  local rc=$? pid file
  trap - EXIT INT TERM
  trap '' PIPE # a reader that went away (| head, Ctrl-C on a pipe) must not cut the cleanup short
  set +e
  for pid in "${BACKGROUND_PIDS[@]}"; do
    alive "$pid" && kill -TERM "$pid" 2>/dev/null
  done
  if alive "$SUPERVISORD_PID"; then
    say "stopping supervisord (its workers get SIGTERM and drain)"
    stop_supervisord
  fi
  for pid in $(workers_left); do
    say "worker pid $pid outlived supervisord; killing it"
    kill -KILL "$pid"
  done
  if alive "$GEARMAND_PID"; then
    [[ -z "${1:-}" ]] || say "$1"
    stop_gearmand
  fi
  for file in ${CLEANUP_FILES[@]+"${CLEANUP_FILES[@]}"}; do
    rm -f "$file"
  done
  exit "$rc"
}

# stop_all_on_exit [NOTICE]: traps cleanup NOTICE on EXIT, and exit 130 on SIGINT and 143 on SIGTERM (so cleanup runs then)
# shellcheck disable=SC2120 # the argument is optional
stop_all_on_exit() {
  # shellcheck disable=SC2064 # the notice is expanded now, on purpose
  trap "cleanup $(printf '%q' "${1:-}")" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
