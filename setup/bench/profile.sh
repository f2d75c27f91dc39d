#!/usr/bin/env bash
# Where a warm worker's CPU goes: async-profiler (CPU samples, Java and kernel frames) attached to one worker
# started with the distribution's launcher, under `reverse` load from our `submit` client: 3 s of load as warm-up,
# then WINDOW seconds profiled. Prints the profiler's flat profile (the top frames by self time) and the worker's
# CPU per 1000 jobs in the window. A benchmark tool, not a test.
#
#   setup/bench/profile.sh --profiler libasyncProfiler.so [--dist gearman-worker-<version>.tar.gz] [--slots 1]
#                          [--window 10] [--top 25]
#
# libasyncProfiler.so: from the jar tools.profiler:async-profiler on Maven Central (linux-x64/ inside it).
# --dist: the distribution to profile (default: this build's). Everything it starts is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/worker-app/target/gearman-worker.jar"
DIST_TGZ="$(ls -t "$ROOT"/worker-app/target/gearman-worker-*.tar.gz 2>/dev/null | head -1 || true)"
PROFILER=""
SLOTS=1
WINDOW=10
TOP=25
while (($#)); do
  case "$1" in
    --profiler) PROFILER="$(readlink -f "$2")"; shift 2 ;;
    --dist) DIST_TGZ="$2"; shift 2 ;;
    --slots) SLOTS=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --top) TOP=$2; shift 2 ;;
    *) echo "usage: $0 --profiler libasyncProfiler.so [--dist TGZ] [--slots N] [--window S] [--top N]" >&2; exit 2 ;;
  esac
done
[[ -f "$PROFILER" ]] || { echo "profile.sh: --profiler: no libasyncProfiler.so at '$PROFILER'" >&2; exit 2; }
[[ -f "$DIST_TGZ" && -f "$JAR" ]] || { echo "profile.sh: no distribution or jar: build first" >&2; exit 2; }

WORK="$(mktemp -d /tmp/gearman-profile.XXXXXX)"
WORKER_PID=""
LOAD_PID=""
cleanup() {
  [[ -z "$LOAD_PID" ]] || kill "$LOAD_PID" 2>/dev/null || true
  [[ -z "$WORKER_PID" ]] || kill -KILL "$WORKER_PID" 2>/dev/null || true
  [[ -z "${GEARMAND_PID:-}" ]] || kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

tar xzf "$DIST_TGZ" -C "$WORK"
LAUNCHER="$(ls -d "$WORK"/gearman-worker-*/)bin/gearman-worker"
"$LAUNCHER" jvm-cache >/dev/null

# shellcheck source=setup/bench/gearmand.sh
source "$ROOT/setup/bench/gearmand.sh"
bench_gearmand "$WORK"

"$LAUNCHER" run --servers "$SERVERS" --worker-id bench-profile --concurrency "$SLOTS" >"$WORK/worker.out" \
  2>"$WORK/worker.err" &
WORKER_PID=$!
for _ in $(seq 3000); do grep -q '"event":"ready"' "$WORK/worker.out" && break; sleep 0.01; done
grep -q '"event":"ready"' "$WORK/worker.out" || { echo "worker did not get ready: $(tail -3 "$WORK/worker.err")" >&2; exit 1; }

java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" submit --servers "$SERVERS" -f reverse \
  --count 2000000 --concurrency 32 'hello gearman benchmark' >/dev/null 2>&1 &
LOAD_PID=$!
# 3 s of load from the first job done (the client's JVM start takes seconds on a loaded machine)
for _ in $(seq 600); do grep -q '"event":"job_ended"' "$WORK/worker.out" && break; sleep 0.1; done
sleep 3

ended() { grep -c '"event":"job_ended"' "$WORK/worker.out" || true; }
ticks() { awk '{print $14 + $15}' "/proc/$WORKER_PID/stat"; }
# the agent attached now (jcmd), so start-up and warm-up stay out of the profile
# the options in quotes: jcmd would read "event=cpu" as a named argument of its own
jcmd "$WORKER_PID" JVMTI.agent_load "$PROFILER" "\"start,event=cpu,interval=1ms\"" >/dev/null
n0=$(ended) c0=$(ticks)
sleep "$WINDOW"
n1=$(ended) c1=$(ticks)
jcmd "$WORKER_PID" JVMTI.agent_load "$PROFILER" "\"stop,file=$WORK/profile.txt,flat=$TOP,traces=0\"" >/dev/null
kill "$LOAD_PID" 2>/dev/null || true
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=""

echo "Profiled $(date -u '+%Y-%m-%d %H:%M') UTC: $(basename "$DIST_TGZ"), $SLOTS slot(s), ${WINDOW} s after 3 s of load;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n=$((n1 - n0)) -v t=$((c1 - c0)) -v w="$WINDOW" \
  'BEGIN { printf "jobs in the window: %d (%.0f jobs/s); worker CPU per 1000 jobs: %.1f ms\n", n, n / w, n ? t * 10000 / n : 0 }'
sed -n '/ns  *percent  *samples  top/,$p' "$WORK/profile.txt" | head -$((TOP + 2))
