#!/usr/bin/env bash
# Start-up, footprint and warm-up of one worker process: the old way, `java -jar worker-app/target/gearman-worker.jar
# run` with the JVM's defaults, against the distribution's launcher, `bin/gearman-worker run` (its JVM flags and its
# class-data archive), on JDK 17 and - when a JDK 25+ is found - on JDK 25 (AOT cache). Alternating runs on one
# gearmand on a free loopback port; medians. Prints Markdown tables. A benchmark, not a test: nothing is asserted.
#
#   setup/bench/startup.sh [--starts 7] [--slots "1 16 64 256"] [--warm-rounds 2] [--jdk25 DIR|none] [--build]
#                          [--old-jar JAR]
#
# --old-jar: the jar (with its lib/ beside it) of the old way, e.g. a copy of an earlier build; default: this build's.
#
# 1. start -> ready: process start to the `ready` event on stdout (gearmand up), wall and CPU time, RSS then.
#    The distribution is unpacked into a new directory, so the first launcher start of each JDK also records its
#    archive (training run): shown on its own row.
# 2. idle RSS by job slots (`--concurrency N`), once every slot holds its connection to gearmand.
# 3. warm-up: worker CPU per 1000 `reverse` jobs over the first 5000 jobs of a fresh process (buckets of 1000,
#    32 jobs in flight).
# Builds nothing unless --build (then `mvn -B -q -DskipTests package`); everything it starts is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/worker-app/target/gearman-worker.jar"
OLD_JAR="$JAR"
STARTS=7
SLOTS="1 16 64 256"
WARM_ROUNDS=2
JDK25=""
BUILD=no
while (($#)); do
  case "$1" in
    --starts) STARTS=$2; shift 2 ;;
    --slots) SLOTS=$2; shift 2 ;;
    --warm-rounds) WARM_ROUNDS=$2; shift 2 ;;
    --jdk25) JDK25=$2; shift 2 ;;
    --build) BUILD=yes; shift ;;
    --old-jar) OLD_JAR=$2; shift 2 ;;
    *) echo "usage: $0 [--starts N] [--slots \"1 16 64 256\"] [--warm-rounds N] [--jdk25 DIR|none] [--build] [--old-jar JAR]" >&2; exit 2 ;;
  esac
done

if [[ "$BUILD" == yes ]]; then
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
TGZ="$(ls -t "$ROOT"/worker-app/target/gearman-worker-*.tar.gz 2>/dev/null | head -1 || true)"
[[ -f "$JAR" && -f "$TGZ" ]] || { echo "no jar or distribution in worker-app/target: build first (--build)" >&2; exit 2; }

JDK17="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
if [[ -z "$JDK25" ]]; then
  for d in /usr/lib/jvm/*; do
    v="$(sed -nE 's/^JAVA_VERSION="([0-9]+).*/\1/p' "$d/release" 2>/dev/null || true)"
    if [[ -n "$v" ]] && ((v >= 25)) && [[ -x "$d/bin/java" ]]; then JDK25="$d"; break; fi
  done
fi
[[ "$JDK25" != none ]] || JDK25=""

WORK="$(mktemp -d /tmp/gearman-startup.XXXXXX)"
GEARMAND_PID=""
WORKER_PID=""
DRAIN_PID=""
cleanup() {
  [[ -z "$WORKER_PID" ]] || kill -KILL "$WORKER_PID" 2>/dev/null || true
  [[ -z "$DRAIN_PID" ]] || kill "$DRAIN_PID" 2>/dev/null || true
  [[ -z "$GEARMAND_PID" ]] || kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tar xzf "$TGZ" -C "$WORK"
DIST="$(ls -d "$WORK"/gearman-worker-*/)"
DIST="${DIST%/}"

# shellcheck source=setup/bench/gearmand.sh
source "$ROOT/setup/bench/gearmand.sh"
bench_gearmand "$WORK"

VARIANTS=(old new)
[[ -z "$JDK25" ]] || VARIANTS+=(old25 new25)
label() {
  case "$1" in
    old) echo "java -jar (JDK 17, JVM defaults)" ;;
    new) echo "bin/gearman-worker (JDK 17, AppCDS)" ;;
    old25) echo "java -jar (JDK $(jdk_version "$JDK25"), JVM defaults)" ;;
    new25) echo "bin/gearman-worker (JDK $(jdk_version "$JDK25"), AOT cache)" ;;
  esac
}
jdk_version() { sed -nE 's/^JAVA_VERSION="([^"]+)".*/\1/p' "$1/release"; }

# worker_command VARIANT: sets CMD, the worker program for VARIANT (without `run` and its options)
worker_command() {
  case "$1" in
    old) CMD=("$JDK17/bin/java" -jar "$OLD_JAR") ;;
    new) CMD=(env JAVA_HOME="$JDK17" GEARMAN_JVM_CACHE="$WORK/cache" "$DIST/bin/gearman-worker") ;;
    old25) CMD=("$JDK25/bin/java" -jar "$OLD_JAR") ;;
    new25) CMD=(env JAVA_HOME="$JDK25" GEARMAN_JVM_CACHE="$WORK/cache" "$DIST/bin/gearman-worker") ;;
  esac
}

# start VARIANT RUN-OPTIONS...: starts a worker and waits for `ready` on its stdout (read from a pipe, no
# polling); sets WORKER_PID, READY_MS (start -> ready), CPU_MS (the process's CPU until then)
start() {
  local variant="$1" t0 line st
  shift
  worker_command "$variant"
  rm -f "$WORK/events.pipe"
  mkfifo "$WORK/events.pipe"
  t0="$EPOCHREALTIME"
  "${CMD[@]}" run --servers "$SERVERS" --worker-id "bench-$variant" "$@" >"$WORK/events.pipe" 2>"$WORK/worker.err" &
  WORKER_PID=$!
  exec 7<"$WORK/events.pipe"
  while IFS= read -r -t 300 -u 7 line; do
    [[ "$line" != *'"event":"ready"'* ]] || break
  done
  [[ "$line" == *'"event":"ready"'* ]] || { echo "worker $variant did not get ready: $(tail -3 "$WORK/worker.err")" >&2; exit 1; }
  READY_MS="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')"
  read -r -a st <"/proc/$WORKER_PID/stat"
  # utime + stime, and cutime + cstime: the launcher's own helpers (readlink, stat, cksum, ... - children of the
  # same pid before its exec) count too
  CPU_MS=$(((st[13] + st[14] + st[15] + st[16]) * 10))
  cat <&7 >/dev/null &
  DRAIN_PID=$!
  exec 7<&-
}

# stop: SIGTERM to the worker, waits for it to exit
stop() {
  kill -TERM "$WORKER_PID"
  wait "$WORKER_PID" 2>/dev/null || true
  wait "$DRAIN_PID" 2>/dev/null || true
  WORKER_PID=""
  DRAIN_PID=""
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$WORKER_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$WORKER_PID/stat"; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }
client() { "$JDK17/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" submit --servers "$SERVERS" "$@"; }

declare -A R
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# ---- 1. start -> ready ---------------------------------------------------------------------------------------
for v in "${VARIANTS[@]}"; do
  if [[ "$v" == new* ]]; then
    echo "first start of $v (records the archive)…" >&2
    start "$v"
    R[first,$v]="$READY_MS"
    stop
  fi
done
for ((i = 1; i <= STARTS; i++)); do
  order=("${VARIANTS[@]}")
  ((i % 2)) || order=($(printf '%s\n' "${VARIANTS[@]}" | tac))
  for v in "${order[@]}"; do
    echo "start $i/$STARTS: $v…" >&2
    start "$v"
    R[ready,$v]+="$READY_MS "
    R[cpu,$v]+="$CPU_MS "
    R[rss,$v]+="$(rss_mb) "
    stop
  done
done

# ---- 2. idle RSS by job slots --------------------------------------------------------------------------------
connections() { # worker id: its connections gearmand lists
  gearadmin -h 127.0.0.1 -p "$PORT" --workers 2>/dev/null | awk -v id="$1" '$3 == id' | wc -l
}
for n in $SLOTS; do
  for v in old new; do
    echo "idle RSS, $n slot(s): $v…" >&2
    start "$v" --concurrency "$n"
    for _ in $(seq 300); do (($(connections "bench-$v") >= n + 1)) && break; sleep 0.1; done
    sleep 2
    R[slots,$v,$n]="$(rss_mb)"
    stop
  done
done

# ---- 3. warm-up CPU ------------------------------------------------------------------------------------------
for ((i = 1; i <= WARM_ROUNDS; i++)); do
  for v in "${VARIANTS[@]}"; do
    echo "warm-up $i/$WARM_ROUNDS: $v…" >&2
    start "$v"
    for b in 1 2 3 4 5; do
      c0="$(cpu_ticks)"
      client -f reverse --count 1000 --concurrency 32 'hello gearman benchmark' >/dev/null
      R[warm,$v,$b]+="$((($(cpu_ticks) - c0) * 10)) "
    done
    stop
  done
done

med() { tr ' ' '\n' <<<"${R[$1]}" | grep . | median; }

echo
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
  "JDK 17: $(jdk_version "$JDK17")${JDK25:+, JDK 25: $(jdk_version "$JDK25")}; load average at the end:" \
  "$(cut -d' ' -f1-3 /proc/loadavg); old jar: $OLD_JAR; launcher flags: $(sed -nE 's/^JVM_OPTS=\((.*)/\1/p' "$DIST/bin/gearman-worker")…"
echo
echo "Start -> ready (medians of $STARTS alternating starts; CPU = the worker process's user+system time until ready," \
  "with the launcher's helper processes):"
echo
echo "| way | start → ready (ms) | ÷ java -jar JDK 17 | CPU until ready (ms) | ÷ java -jar JDK 17 | RSS at ready (MiB) |"
echo "|---|---|---|---|---|---|"
base="$(med ready,old)"
base_cpu="$(med cpu,old)"
for v in "${VARIANTS[@]}"; do
  echo "| $(label "$v") | $(med "ready,$v") | $(ratio "$(med "ready,$v")" "$base") | $(med "cpu,$v") |" \
    "$(ratio "$(med "cpu,$v")" "$base_cpu") | $(med "rss,$v") |"
done
for v in "${VARIANTS[@]}"; do
  [[ -z "${R[first,$v]:-}" ]] || echo "| $(label "$v"), first start (records the archive) | ${R[first,$v]} | $(ratio "${R[first,$v]}" "$base") | | | |"
done
echo
echo "Idle RSS by job slots (MiB, once every slot is connected):"
echo
echo "| slots | $(label old) | $(label new) |"
echo "|---|---|---|"
for n in $SLOTS; do echo "| $n | ${R[slots,old,$n]} | ${R[slots,new,$n]} |"; done
first="${SLOTS%% *}"
last="${SLOTS##* }"
if [[ "$first" != "$last" ]]; then
  per() { awk -v a="${R[slots,$1,$first]}" -v b="${R[slots,$1,$last]}" -v n=$((last - first)) 'BEGIN { printf "%.0f", (b - a) * 1024 / n }'; }
  echo "| per extra slot ($first → $last, KiB) | $(per old) | $(per new) |"
fi
echo
echo "Warm-up: worker CPU per 1000 jobs over the first 5000 jobs of a fresh process (ms; medians of $WARM_ROUNDS):"
echo
printf '| jobs |'; for v in "${VARIANTS[@]}"; do printf ' %s |' "$(label "$v")"; done; echo
printf '|---|'; for _ in "${VARIANTS[@]}"; do printf -- '---|'; done; echo
for b in 1 2 3 4 5; do
  printf '| %d–%d |' $(((b - 1) * 1000 + 1)) $((b * 1000))
  for v in "${VARIANTS[@]}"; do printf ' %s |' "$(med "warm,$v,$b")"; done
  echo
done
