#!/usr/bin/env bash
# The cost of recycling: a fleet of 4 workers that leave after --max-jobs N and are respawned at once (as
# supervisord's autorestart does), under the same steady load, ours against the PHP reference worker
# (setup/bench/php-worker.php), for each N; alternating rounds, medians. Ours runs the documented way, the
# distribution's bin/gearman-worker (its class-data archive recorded before the rounds), or with --ours jar
# `java -jar gearman-worker.jar`. Prints a Markdown table. A benchmark, not a test: nothing is asserted.
#
#   setup/bench/fleet.sh [--rounds 2] [--jobs 4000] [--max-jobs "50 500"] [--jitter 0] [--ours launcher|jar]
#                        [--baseline OLD.tar.gz]
#
# --baseline: a third column, ours from another distribution (e.g. an earlier build), in the same alternation.
# --jitter J adds --max-jobs-jitter J to our workers only (the PHP worker has none); the default 0 keeps both the same.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/worker-app/target/gearman-worker.jar"
PHP_WORKER="$ROOT/setup/bench/php-worker.php"
ROUNDS=2 JOBS=4000 MAX_JOBS="50 500" JITTER=0 FLEET=4 OURS=launcher BASELINE=
KINDS="ours php"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --max-jobs) MAX_JOBS=$2; shift 2 ;;
    --jitter) JITTER=$2; shift 2 ;;
    --ours) OURS=$2; shift 2 ;;
    --baseline) BASELINE=$(readlink -f "$2"); KINDS="ours php base"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--jobs N] [--max-jobs \"N…\"] [--jitter N] [--ours launcher|jar] [--baseline OLD.tar.gz]" >&2; exit 2 ;;
  esac
done
[ -z "$BASELINE" ] || [ -f "$BASELINE" ] || { echo "fleet.sh: --baseline $BASELINE: no such file" >&2; exit 2; }
[ -f "$JAR" ] && ls "$ROOT"/worker-app/target/gearman-worker-*.tar.gz >/dev/null 2>&1 \
  || (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK=$(mktemp -d /tmp/gearman-fleet.XXXXXX)
LOOPS=()
GEARMAND_PID=""
# stop_fleet: ends the respawn loops, then SIGTERM to the worker each loop runs now (its pid is in WORK/pid-N)
# (again while a loop still runs: it may have started a worker just before it saw the stop file)
stop_fleet() {
  local p f running
  touch "$WORK/stop"
  for _ in $(seq 300); do
    for f in "$WORK"/pid-*; do
      [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    running=0
    for p in "${LOOPS[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
    [ "$running" = 0 ] && break
    sleep 0.1
  done
  for p in "${LOOPS[@]}"; do wait "$p" 2>/dev/null || true; done
  LOOPS=()
}
cleanup() {
  stop_fleet
  [ -n "$GEARMAND_PID" ] && kill "$GEARMAND_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

# shellcheck source=setup/bench/gearmand.sh
source "$ROOT/setup/bench/gearmand.sh"
bench_gearmand "$WORK"

# worker KIND I MAX: one life of fleet worker I; run in the background, it execs, so $! is the worker's pid
worker() {
  if [ "$1" = ours ]; then
    exec "${OURS_CMD[@]}" run --servers "$SERVERS" --worker-id "fleet-$2" --max-jobs "$3" --max-jobs-jitter "$JITTER"
  elif [ "$1" = base ]; then
    exec "${BASE_CMD[@]}" run --servers "$SERVERS" --worker-id "fleet-$2" --max-jobs "$3" --max-jobs-jitter "$JITTER"
  else
    exec php "$PHP_WORKER" --servers "$SERVERS" --worker-id "fleet-$2" --max-jobs "$3"
  fi
}

# run_fleet KIND MAX : prints jobs/s and max-jobs exits for one run
run_fleet() {
  local kind=$1 max=$2 i out
  rm -f "$WORK/stop" "$WORK"/w-*.log "$WORK"/pid-*
  for i in $(seq "$FLEET"); do
    ( while [ ! -f "$WORK/stop" ]; do
        worker "$kind" "$i" "$max" >> "$WORK/w-$i.log" 2>/dev/null &
        echo $! > "$WORK/pid-$i"
        wait $! || true
      done ) &
    LOOPS+=($!)
  done
  for i in $(seq "$FLEET"); do
    until grep -q '"ready"' "$WORK/w-$i.log" 2>/dev/null; do sleep 0.05; done
  done
  out=$(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" submit --servers "$SERVERS" -f reverse \
    --count "$JOBS" --concurrency 32 'fleet job')
  stop_fleet
  echo "$(awk '/^rate:/ {print $2}' <<<"$out") $(cat "$WORK"/w-*.log | grep '"event":"exit"' | grep -c '"reason":"max-jobs"' || true)"
}

declare -A RATE EXITS
for round in $(seq "$ROUNDS"); do
  for max in $MAX_JOBS; do
    if [ $(( round % 2 )) = 1 ]; then order="$KINDS"; else order=$(tr ' ' '\n' <<<"$KINDS" | tac | tr '\n' ' '); fi
    for kind in $order; do
      echo "round $round: $kind, --max-jobs $max…" >&2
      read -r RATE[$kind,$max,$round] EXITS[$kind,$max,$round] < <(run_fleet "$kind" "$max")
    done
  done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
rate() { local r; for r in $(seq "$ROUNDS"); do echo "${RATE[$1,$2,$r]}"; done | median; }
exits() { local r; for r in $(seq "$ROUNDS"); do echo "${EXITS[$1,$2,$r]}"; done | median; }

echo
echo "Fleet of $FLEET workers, each leaving after --max-jobs N and respawned at once; $JOBS \`reverse\` jobs, 32 in" \
     "flight, one \`submit\` client; ours: $OURS$([ "$JITTER" = 0 ] || echo " (--max-jobs-jitter $JITTER)"); medians of $ROUNDS alternating" \
     "rounds; $(nproc) cores; $(date -u +%Y-%m-%d); load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "-"}'; }
if [ -z "$BASELINE" ]; then
  echo "| --max-jobs | ours jobs/s | PHP jobs/s | ours ÷ PHP | ours max-jobs exits | PHP max-jobs exits |"
  echo "|---|---|---|---|---|---|"
  for max in $MAX_JOBS; do
    a=$(rate ours "$max"); b=$(rate php "$max")
    echo "| $max | $a | $b | $(ratio "$a" "$b") | $(exits ours "$max") | $(exits php "$max") |"
  done
else
  echo "Baseline: $(basename "$BASELINE")."
  echo
  echo "| --max-jobs | ours jobs/s | PHP jobs/s | baseline jobs/s | ours ÷ PHP | baseline ÷ PHP | ours max-jobs exits | PHP max-jobs exits | baseline max-jobs exits |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for max in $MAX_JOBS; do
    a=$(rate ours "$max"); b=$(rate php "$max"); c=$(rate base "$max")
    echo "| $max | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$c" "$b") | $(exits ours "$max") | $(exits php "$max") |" \
         "$(exits base "$max") |"
  done
fi
