# shellcheck shell=bash
# Sourced by the benchmarks: bench_gearmand DIR starts a gearmand of their own on a free loopback port in
# 20000-29999, logging to DIR/gearmand.log, and returns once it accepts connections. Sets PORT, SERVERS and
# GEARMAND_PID (the caller's cleanup kills it).
bench_gearmand() {
  local dir=$1 _
  for PORT in $(shuf -i 20000-29999 -n 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
  done
  SERVERS="127.0.0.1:$PORT"
  gearmand --listen=127.0.0.1 --port="$PORT" --log-file="$dir/gearmand.log" --verbose=ERROR &
  GEARMAND_PID=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0; sleep 0.05; done
  echo "gearmand did not start on port $PORT (see $dir/gearmand.log)" >&2
  return 1
}
