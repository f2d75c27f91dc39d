#!/usr/bin/env bash
# The network chaos soak: does every job still run when the network between workers and gearmand fails silently?
#   three test hosts a, b, c: network namespaces joined to this (root) namespace by veth links, addresses from one
#     /24 of the project's reserved test range 10.213.0.0/16 (128-254 here; the JUnit NetworkLab takes 1-127), each
#     running gearmand with a persistent queue (libsqlite3 on /dev/shm: the host's disk, it survives a power loss)
#   + WORKERS workers (the real worker jar) in the root namespace, --servers a,b,c, with short liveness settings
#     (camel.component.gearman.heartbeat-interval / answer-timeout in the run dir's application.properties)
#   + two client loops submitting batches of background `netsoak` jobs with `submit --servers a,b,c` (a batch that
#     is not wholly accepted is submitted again, same unique ids: at-least-once), while the disruptions run:
#       partition      the host's end of its link down (silent: the sender sees no error), for PARTITION_MS
#       power-loss     partition, gearmand SIGKILLed, the namespace deleted; back after DOWN_MS with the same
#                      address and a fresh gearmand on the same queue; then the partition heals
#       cut            the namespace deleted without a partition first (a clean power cut), back after DOWN_MS
#     rotating over the hosts, CYCLES times. Before each heal (or return), probes are queued on that host from
#     inside it: a high-priority `netsoak` job, a `netidle` job (a function nobody used meanwhile) and a
#     `_worker_<id> status` call per worker: each must be served within 2x the liveness bound of the heal.
#   + the `netsoak` and `netidle` routes (YAML, written into the run dir) write one file per execution into
#     executions/, named <unique id>~<server>~<exchange id>: the ground truth, independent of the event logs.
#
#   setup/network-soak.sh [--quick]   --quick: 1 cycle (3 disruptions), about 2 minutes; the full run: 6 cycles
#
# Exit 0 only if: every accepted job ran at least once (lost = 0); every duplicate execution is explained (its
# batch was submitted again, a worker reported its result handed back (`job_handed_back`), or an earlier execution
# of it fell within a disruption of its server: from 2 s before the disruption to 2x the liveness bound + 2 s after
# its heal, when a result may not have reached gearmand); every
# probe was served within 2x the liveness bound of its heal; no unique id has two `job_ended` events (the event
# log never claims a result that gearmand did not keep); every worker was still running at the end.
# Exit 2 on bad settings or when this machine cannot create network namespaces (not root / no CAP_NET_ADMIN).
#
# Settings (environment): NETSOAK_DIR (run dir; default a new /tmp/netsoak.XXXXXX), NETSOAK_CYCLES, NETSOAK_BATCH
# (jobs per client batch, 40), JOB_MS (20), WORKERS (2), CONCURRENCY (2), HEARTBEAT_MS (2000), ANSWER_MS (1000),
# PARTITION_MS (5000), DOWN_MS (2000), SETTLE_MS (4000, between disruptions), NETSOAK_TIMEOUT (seconds to wait for
# the last jobs, 120), SOAK_WAIT (120, seconds to wait for the workers to register), JAVA_OPTS (the workers').
# Everything started here is stopped and every namespace deleted on any exit, Ctrl-C included; the files stay.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup/lib.sh
source "$ROOT/setup/lib.sh"
JAR="$ROOT/worker-app/target/gearman-worker.jar"

usage() {
  echo "usage: setup/network-soak.sh [--quick]" >&2
  exit 2
}

QUICK=0
case "${1:-}" in
  "") ;;
  --quick) QUICK=1 ;;
  *) usage ;;
esac
(($# <= 1)) || usage

if ((QUICK == 1)); then CYCLES="${NETSOAK_CYCLES:-1}"; else CYCLES="${NETSOAK_CYCLES:-6}"; fi
BATCH="${NETSOAK_BATCH:-40}"
JOB_MS="${JOB_MS:-20}"
WORKERS="${WORKERS:-2}"
CONCURRENCY="${CONCURRENCY:-2}"
HEARTBEAT_MS="${HEARTBEAT_MS:-2000}"
ANSWER_MS="${ANSWER_MS:-1000}"
PARTITION_MS="${PARTITION_MS:-5000}"
DOWN_MS="${DOWN_MS:-2000}"
SETTLE_MS="${SETTLE_MS:-4000}"
TIMEOUT="${NETSOAK_TIMEOUT:-120}"
WAIT="${SOAK_WAIT:-120}"
JAVA_OPTS="${JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
for v in CYCLES BATCH JOB_MS WORKERS CONCURRENCY HEARTBEAT_MS ANSWER_MS PARTITION_MS DOWN_MS SETTLE_MS TIMEOUT WAIT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || {
    echo "network-soak.sh: $v must be a whole number, not '${!v}'" >&2
    exit 2
  }
done
BOUND_MS=$((HEARTBEAT_MS + ANSWER_MS)) # the liveness bound
SERVED_WITHIN_MS=$((2 * BOUND_MS))

now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}
STARTED_MS="$(now_ms)"
say() {
  local ms=$(($(now_ms) - STARTED_MS))
  printf '[netsoak %3d.%ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"
}
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

for tool in ip ss gearman; do
  command -v "$tool" >/dev/null || install_if_missing "$tool" "$tool"
done
install_if_missing "gearmand or java" java
PROBE_NS="gwlab-$$-probe"
if ! { ip netns add "$PROBE_NS" && ip link add "gwprobe$$" type veth peer name eth0 netns "$PROBE_NS"; } 2>/dev/null; then
  ip netns delete "$PROBE_NS" 2>/dev/null || true
  echo "network-soak.sh: not run: cannot create network namespaces and veth links (needs root or CAP_NET_ADMIN)" >&2
  exit 2
fi
ip link delete "gwprobe$$"
ip netns delete "$PROBE_NS"
build_jar_if_missing

TEST_DIR="${NETSOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/netsoak.XXXXXX")}"
TEST_DIR="$(mkdir -p "$TEST_DIR" && cd "$TEST_DIR" && pwd)"
LOG_DIR="$TEST_DIR/logs"
EXECUTIONS="$TEST_DIR/executions" # one file per execution: <unique id>~<server>~<exchange id>
CHAOS="$TEST_DIR/chaos.log"       # one line per disruption: <host> <kind> <from ms> <heal ms> <address>
PROBES="$TEST_DIR/probes.log"     # one line per served control probe: <probe id> <heal ms> <answered ms>
BATCHES="$TEST_DIR/batches.log"   # one line per batch attempt: <unique id prefix> accepted|again
rm -rf "$LOG_DIR" "$EXECUTIONS" "$TEST_DIR"/*.log "$TEST_DIR"/*.out
mkdir -p "$LOG_DIR" "$EXECUTIONS"
: >"$CHAOS"
: >"$PROBES"
: >"$BATCHES"
RUN_ID="net-$(date +%Y%m%d-%H%M%S)-$$"

# ---------------------------------------------------------------------------------------------
# test hosts: namespaces gwlab-<pid>-<subnet>-<name>, the same naming as the JUnit NetworkLab

HOSTS=(a b c)
declare -A GEARMAND_PIDS=() PARTITIONED=() POWERED=()
WORKER_PIDS=()
CLIENT_PIDS=()
PROBE_PIDS=()
LOCK_DIR="${TMPDIR:-/tmp}/gwlab-subnets"
SUBNET=""

host_index() {
  local i
  for i in "${!HOSTS[@]}"; do [[ "${HOSTS[$i]}" != "$1" ]] || echo "$i"; done
}
host_ns() { echo "gwlab-$$-$SUBNET-$1"; }
host_link() { echo "gw${SUBNET}r$(host_index "$1")"; }
host_addr() { echo "10.213.$SUBNET.$((4 * $(host_index "$1") + 2))"; }
root_addr() { echo "10.213.$SUBNET.$((4 * $(host_index "$1") + 1))"; }
host_db() { echo "/dev/shm/netsoak-$$-$1.sqlite3"; }

# deletes namespaces of dead runs (ours and the NetworkLab's) and root links of unheld soak subnets
sweep_stale() {
  local ns pid link n
  for ns in $(ip netns list | awk '{ print $1 }'); do
    [[ "$ns" =~ ^gwlab-([0-9]+)- ]] || continue
    pid="${BASH_REMATCH[1]}"
    alive "$pid" && continue
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    [[ "$link" =~ ^gw([0-9]+)r[0-9]+$ ]] || continue
    n="${BASH_REMATCH[1]}"
    ((n >= 128)) || continue
    (flock -n 8 || exit 1) 8>"$LOCK_DIR/10.213.$n.0-24.lock" && ip link delete "$link" 2>/dev/null || true
  done
}

# claims a /24 (128-254) that no address on this machine is in: held by flock on fd 9 until this script ends
claim_subnet() {
  local n addresses attempt
  mkdir -p "$LOCK_DIR"
  addresses="$(ip -o -4 addr show)"
  for ((attempt = 0; attempt < 100; attempt++)); do
    n=$((128 + RANDOM % 127))
    [[ "$addresses" != *" 10.213.$n."* ]] || continue
    exec 9>"$LOCK_DIR/10.213.$n.0-24.lock"
    if flock -n 9; then
      SUBNET="$n"
      return 0
    fi
    exec 9>&-
  done
  die "no free /24 in 10.213.128.0/17"
}

# create_host NAME: the namespace, its link (down while partitioned), the addresses
create_host() {
  local ns link
  ns="$(host_ns "$1")" link="$(host_link "$1")"
  ip netns add "$ns"
  POWERED[$1]=1
  ip link add "$link" type veth peer name eth0 netns "$ns"
  ip addr add "$(root_addr "$1")/30" dev "$link"
  ip link set "$link" up
  ip -n "$ns" addr add "$(host_addr "$1")/30" dev eth0
  ip -n "$ns" link set lo up
  if [[ "${PARTITIONED[$1]:-0}" == 1 ]]; then ip -n "$ns" link set eth0 down; else ip -n "$ns" link set eth0 up; fi
}

# start_gearmand_in NAME: gearmand on <address>:4730 inside the host, on the host's queue; waits until it listens
start_gearmand_in() {
  local ns deadline=$((SECONDS + 20))
  ns="$(host_ns "$1")"
  ip netns exec "$ns" "$GEARMAND" --listen="$(host_addr "$1")" --port=4730 --threads=1 --verbose=WARNING \
    --log-file="$LOG_DIR/gearmand-$1.log" -q libsqlite3 --libsqlite3-db "$(host_db "$1")" \
    >>"$LOG_DIR/gearmand-$1.out" 2>&1 &
  GEARMAND_PIDS[$1]=$! # `ip netns exec` execs gearmand in place: this pid is gearmand's
  until [[ -n "$(ss -N "$ns" -Hltn 'sport = :4730')" ]]; do
    alive "${GEARMAND_PIDS[$1]}" || die "gearmand of host $1 exited; see $LOG_DIR/gearmand-$1.out"
    ((SECONDS < deadline)) || die "gearmand of host $1 does not listen"
    sleep 0.05
  done
}

partition() {
  PARTITIONED[$1]=1
  ip -n "$(host_ns "$1")" link set eth0 down
}

heal() {
  PARTITIONED[$1]=0
  ip -n "$(host_ns "$1")" link set eth0 up
}

# power_off NAME: the link silent first (the killed gearmand's FINs never leave), gearmand SIGKILLed, link and
# namespace deleted
power_off() {
  local ns
  ns="$(host_ns "$1")"
  ip -n "$ns" link set eth0 down
  kill -KILL "${GEARMAND_PIDS[$1]}" 2>/dev/null || true
  wait "${GEARMAND_PIDS[$1]}" 2>/dev/null || true
  ip link delete "$(host_link "$1")" 2>/dev/null || true
  ip netns delete "$ns"
  POWERED[$1]=0
}

power_on() {
  create_host "$1"
  start_gearmand_in "$1"
}

cleanup() {
  local rc=$? pid h
  trap - EXIT INT TERM
  trap '' PIPE
  set +e
  for pid in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"} ${PROBE_PIDS[@]+"${PROBE_PIDS[@]}"}; do
    pkill -TERM -P "$pid" 2>/dev/null # its `timeout` passes SIGTERM on to the client it runs
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in ${WORKER_PIDS[@]+"${WORKER_PIDS[@]}"}; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in ${WORKER_PIDS[@]+"${WORKER_PIDS[@]}"}; do
    wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null
  done
  for h in "${HOSTS[@]}"; do
    [[ -n "$SUBNET" ]] || break
    kill -KILL "${GEARMAND_PIDS[$h]:-}" 2>/dev/null && wait "${GEARMAND_PIDS[$h]}" 2>/dev/null
    ip link delete "$(host_link "$h")" 2>/dev/null
    ip netns delete "$(host_ns "$h")" 2>/dev/null
    rm -f "$(host_db "$h")"
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sweep_stale
claim_subnet
for h in "${HOSTS[@]}"; do
  rm -f "$(host_db "$h")"
  create_host "$h"
  start_gearmand_in "$h"
done
SERVERS="$(for h in "${HOSTS[@]}"; do printf '%s:4730,' "$(host_addr "$h")"; done)"
SERVERS="${SERVERS%,}"
say "run dir $TEST_DIR; hosts ${HOSTS[*]} at $SERVERS (subnet 10.213.$SUBNET.0/24); liveness bound $BOUND_MS ms"

# ---------------------------------------------------------------------------------------------
# workers and their routes: the side effect per execution is the ground truth

ROUTES="$TEST_DIR/routes"
mkdir -p "$ROUTES"
for fn in netsoak netidle; do
  cat >"$ROUTES/$fn.camel.yaml" <<EOF
# setup/network-soak.sh's $fn job: sleeps the workload's milliseconds, then writes one file per execution
- route:
    id: $fn
    from:
      uri: gearman:$fn
      steps:
        - delay:
            expression:
              simple: "\${bodyAs(String)}"
        - setBody:
            simple: "ran at \${date:millis}"
        - to:
            uri: "file:$EXECUTIONS?fileName=\${header.CamelGearmanUniqueId}~\${header.CamelGearmanServer}~\${exchangeId}"
        - setBody:
            constant: "done"
EOF
done
cat >"$TEST_DIR/application.properties" <<EOF
camel.component.gearman.heartbeat-interval=$HEARTBEAT_MS
camel.component.gearman.answer-timeout=$ANSWER_MS
camel.component.gearman.reconnect-delay=100
camel.component.gearman.max-reconnect-delay=1000
EOF

WORKER_IDS=()
for ((i = 0; i < WORKERS; i++)); do
  id="$RUN_ID-w$i"
  WORKER_IDS+=("$id")
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  (cd "$TEST_DIR" && exec java $JAVA_OPTS -jar "$JAR" run --servers "$SERVERS" --worker-id "$id" \
    --concurrency "$CONCURRENCY" --routes "$ROUTES" --shutdown-timeout 10s \
    >"$LOG_DIR/$id.events.log" 2>"$LOG_DIR/$id.err") &
  WORKER_PIDS+=($!)
done
deadline=$((SECONDS + WAIT))
for h in "${HOSTS[@]}"; do
  until (($(gearadmin -h "$(host_addr "$h")" -p 4730 --workers 2>/dev/null |
    awk '/ netidle/ { print $3 }' | sort -u | wc -l) >= WORKERS)); do
    ((SECONDS < deadline)) || die "the workers did not register at host $h within $WAIT s"
    sleep 0.2
  done
done
say "$WORKERS workers (${WORKER_IDS[*]}) registered at all hosts, $CONCURRENCY slots each"

# ---------------------------------------------------------------------------------------------
# clients: batches of background jobs through all three hosts until the disruptions are over

CLIENTS_DONE="$TEST_DIR/clients.done"
rm -f "$CLIENTS_DONE"
client_loop() { # $1 = client number
  local k=0 prefix out attempts
  while [[ ! -f "$CLIENTS_DONE" ]]; do
    prefix="$RUN_ID-c$1-b$k"
    out="$LOG_DIR/submit-c$1.out"
    attempts=0
    while :; do
      attempts=$((attempts + 1))
      if [[ -f "$CLIENTS_DONE" ]] && ((attempts > 3)); then
        echo "$prefix abandoned" >>"$BATCHES" # not accepted: its ids are not counted (they may run or not)
        break
      fi
      if timeout 60 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" submit --servers "$SERVERS" \
        -f netsoak --background --count "$BATCH" --concurrency 4 --unique-id "$prefix" "$JOB_MS" >"$out" 2>&1 &&
        grep -qx "completed: $BATCH" "$out"; then
        echo "$prefix accepted" >>"$BATCHES"
        break
      fi
      echo "$prefix again" >>"$BATCHES" # some submissions unanswered: the same unique ids once more
    done
    k=$((k + 1))
  done
}
client_loop 0 &
CLIENT_PIDS+=($!)
client_loop 1 &
CLIENT_PIDS+=($!)

# ---------------------------------------------------------------------------------------------
# disruptions; probes queued inside the host before its heal

# queue_probes HOST EVENT: background jobs for both functions, and a control call to each worker
queue_probes() {
  local h="$1" event="$2" ns addr id
  ns="$(host_ns "$h")" addr="$(host_addr "$h")"
  ip netns exec "$ns" gearman -h "$addr" -p 4730 -f netsoak -b -I -u "probe-$event-netsoak" 1 >/dev/null
  ip netns exec "$ns" gearman -h "$addr" -p 4730 -f netidle -b -u "probe-$event-netidle" 1 >/dev/null
  for id in "${WORKER_IDS[@]}"; do
    (
      ip netns exec "$ns" timeout $((SERVED_WITHIN_MS / 1000 + 30)) \
        gearman -h "$addr" -p 4730 -f "_worker_$id" status >/dev/null 2>&1 &&
        echo "probe-$event-control-$id $(now_ms)" >>"$PROBES.answered"
    ) &
    PROBE_PIDS+=($!)
    echo "probe-$event-control-$id" >>"$PROBES.expected"
  done
}

disrupt() { # $1 = kind, $2 = host, $3 = event number
  local kind="$1" h="$2" event="$3" from healed
  from="$(now_ms)"
  case "$kind" in
    partition)
      say "event $event: host $h partitioned (its end of the link down) for $PARTITION_MS ms"
      partition "$h"
      sleep_ms "$PARTITION_MS"
      queue_probes "$h" "$event"
      healed="$(now_ms)"
      heal "$h"
      ;;
    power-loss)
      say "event $event: host $h partitioned, loses power, returns after $DOWN_MS ms, then the partition heals"
      partition "$h"
      power_off "$h"
      sleep_ms "$DOWN_MS"
      power_on "$h"
      queue_probes "$h" "$event"
      healed="$(now_ms)"
      heal "$h"
      ;;
    cut)
      say "event $event: host $h loses power without a partition first, returns after $DOWN_MS ms"
      power_off "$h"
      sleep_ms "$DOWN_MS"
      PARTITIONED[$h]=1 # comes back silent, so that its probes wait before anyone can reach it
      power_on "$h"
      queue_probes "$h" "$event"
      healed="$(now_ms)"
      heal "$h"
      ;;
  esac
  echo "$h $kind $from $healed $(host_addr "$h")" >>"$CHAOS"
  echo "$event $healed" >>"$PROBES.heals"
}

: >"$PROBES.expected"
: >"$PROBES.answered"
: >"$PROBES.heals"
sleep_ms "$SETTLE_MS"
event=0
for ((cycle = 0; cycle < CYCLES; cycle++)); do
  for kind in partition power-loss cut; do
    h="${HOSTS[$(((event + cycle) % ${#HOSTS[@]}))]}"
    disrupt "$kind" "$h" "$event"
    event=$((event + 1))
    sleep_ms "$SETTLE_MS"
  done
done
touch "$CLIENTS_DONE"
say "disruptions over ($event); waiting for the clients' last batches"
for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || true; done
CLIENT_PIDS=()

# ---------------------------------------------------------------------------------------------
# wait until every accepted job and every probe ran, then judge

accepted_ids() {
  awk '$2 == "accepted" { print $1 }' "$BATCHES" | sort -u | while read -r prefix; do
    for ((n = 0; n < BATCH; n++)); do echo "$prefix-$n"; done
  done
  awk '{ print "probe-" $1 "-netsoak"; print "probe-" $1 "-netidle" }' "$PROBES.heals"
}
executions() { # <unique id> <server> <epoch ms>, one per execution
  find "$EXECUTIONS" -type f -printf '%f %T@\n' | awk '{ split($1, f, "~"); printf "%s %s %.0f\n", f[1], f[2], $2 * 1000 }'
}
accepted_ids | sort -u >"$TEST_DIR/accepted.ids"
EXPECTED="$(wc -l <"$TEST_DIR/accepted.ids")"
deadline=$((SECONDS + TIMEOUT))
while :; do
  executions | awk '{ print $1 }' | sort -u >"$TEST_DIR/executed.ids"
  missing="$(comm -23 "$TEST_DIR/accepted.ids" "$TEST_DIR/executed.ids" | wc -l)"
  ((missing > 0 && SECONDS < deadline)) || break
  sleep 1
done
for pid in ${PROBE_PIDS[@]+"${PROBE_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
PROBE_PIDS=()
executions >"$TEST_DIR/executions.txt"

ok=1
fail() { say "FAILED: $*" && ok=0; }
for i in "${!WORKER_PIDS[@]}"; do
  alive "${WORKER_PIDS[$i]}" || fail "worker ${WORKER_IDS[$i]} is not running any more; see $LOG_DIR"
done

RUNS="$(wc -l <"$TEST_DIR/executions.txt")"
EXECUTED="$(comm -12 "$TEST_DIR/accepted.ids" "$TEST_DIR/executed.ids" | wc -l)"
LOST="$(comm -23 "$TEST_DIR/accepted.ids" "$TEST_DIR/executed.ids" | tee "$TEST_DIR/lost.ids" | wc -l)"
BATCHES_AGAIN="$(awk '$2 == "again" { print $1 }' "$BATCHES" | sort -u | tee "$TEST_DIR/again.prefixes" | wc -l)"

# the ids whose result a worker handed back (the connection failed before gearmand confirmed it): the worker said
# so, and gearmand runs such a job again
cat "$LOG_DIR"/*.events.log | sed -nE 's/.*"event":"job_handed_back".*"unique":"([^"]*)".*/\1/p' | sort -u \
  >"$TEST_DIR/handed-back.ids"
HANDED_BACK="$(wc -l <"$TEST_DIR/handed-back.ids")"

# duplicates: every execution but the last of an id must be explained by a resubmitted batch, a result handed
# back, or a disruption of the server it ran on (from 2 s before the disruption to 2x the bound + 2 s after its
# heal: the worker may not have learnt yet that its result was lost)
read -r DUPLICATES UNEXPLAINED < <(awk -v grace=2000 -v after=$((SERVED_WITHIN_MS + 2000)) -v job="$JOB_MS" '
  FILENAME ~ /chaos.log$/ { n++; addr[n] = $5 ":4730"; from[n] = $3 - grace - job; to[n] = $4 + after; next }
  FILENAME ~ /again.prefixes$/ { again[$1] = 1; next }
  FILENAME ~ /handed-back.ids$/ { handed[$1] = 1; next }
  { runs[$1]++; at[$1, runs[$1]] = $3; srv[$1, runs[$1]] = $2 }
  END {
    for (id in runs) {
      if (runs[id] < 2) continue
      dup += runs[id] - 1
      prefix = id; sub(/-[0-9]+$/, "", prefix)
      if (prefix in again || id in handed) continue
      for (r = 1; r <= runs[id]; r++) last = (r == 1 || at[id, r] > last) ? at[id, r] : last
      for (r = 1; r <= runs[id]; r++) {
        if (at[id, r] == last) continue
        explained = 0
        for (k = 1; k <= n; k++) if (srv[id, r] == addr[k] && at[id, r] >= from[k] && at[id, r] <= to[k]) explained = 1
        if (!explained) { bad++; print id > "/dev/stderr" }
      }
    }
    print dup + 0, bad + 0
  }' "$CHAOS" "$TEST_DIR/again.prefixes" "$TEST_DIR/handed-back.ids" "$TEST_DIR/executions.txt" \
  2>"$TEST_DIR/unexplained.ids")

# the event log over-claims when two job_ended name one unique id: gearmand kept the first result, yet it ran again
# (ids of a batch submitted twice may rightly end twice)
OVERCLAIMS="$(cat "$LOG_DIR"/*.events.log | sed -nE 's/.*"event":"job_ended".*"unique":"([^"]*)".*/\1/p' |
  sort | uniq -d | awk 'FNR == NR { again[$1] = 1; next } { p = $1; sub(/-[0-9]+$/, "", p) } !(p in again)' \
  "$TEST_DIR/again.prefixes" - | tee "$TEST_DIR/overclaimed.ids" | wc -l)"

# probes: the first execution of each probe job, and each control answer, within 2x the bound of its heal
SLOWEST_MS=0
while read -r ev healed; do
  for fn in netsoak netidle; do
    served="$(awk -v id="probe-$ev-$fn" '$1 == id { print $3 }' "$TEST_DIR/executions.txt" | sort -n | head -1)"
    if [[ -z "$served" ]]; then
      fail "event $ev: the $fn probe never ran"
      continue
    fi
    ms=$((served - healed))
    ((ms > SLOWEST_MS)) && SLOWEST_MS=$ms
    ((ms <= SERVED_WITHIN_MS)) || fail "event $ev: $fn served $ms ms after the heal (limit $SERVED_WITHIN_MS)"
  done
done <"$PROBES.heals"
while read -r probe; do
  ev="${probe#probe-}" ev="${ev%%-*}"
  healed="$(awk -v e="$ev" '$1 == e { print $2 }' "$PROBES.heals")"
  answered="$(awk -v p="$probe" '$1 == p { print $2 }' "$PROBES.answered")"
  if [[ -z "$answered" ]]; then
    fail "$probe: the control function never answered"
    continue
  fi
  ms=$((answered - healed))
  ((ms > SLOWEST_MS)) && SLOWEST_MS=$ms
  ((ms <= SERVED_WITHIN_MS)) || fail "$probe: answered $ms ms after the heal (limit $SERVED_WITHIN_MS)"
done <"$PROBES.expected"

say "figures:"
{
  echo "disruptions: $event ($(awk '{ print $2 }' "$CHAOS" | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }' | sed 's/, $//'))"
  echo "jobs accepted: $EXPECTED (batches of $BATCH submitted again: $BATCHES_AGAIN; probes included)"
  echo "executed at least once: $EXECUTED; executions: $RUNS"
  echo "lost: $LOST"
  echo "duplicate executions: $DUPLICATES (unexplained: $UNEXPLAINED); results handed back: $HANDED_BACK"
  echo "event log over-claims: $OVERCLAIMS"
  echo "slowest probe after a heal: $SLOWEST_MS ms (limit 2x the liveness bound: $SERVED_WITHIN_MS ms)"
} | tee "$TEST_DIR/figures.txt" | indent
((LOST == 0)) || fail "$LOST accepted jobs never ran (see $TEST_DIR/lost.ids)"
((UNEXPLAINED == 0)) || fail "$UNEXPLAINED duplicate executions unexplained (see $TEST_DIR/unexplained.ids)"
((OVERCLAIMS == 0)) || fail "the event log claimed $OVERCLAIMS results gearmand did not keep (see $TEST_DIR/overclaimed.ids)"
if ((ok == 1)); then
  say "PASSED: every accepted job ran; run dir $TEST_DIR"
  exit 0
fi
say "run dir $TEST_DIR"
exit 1
