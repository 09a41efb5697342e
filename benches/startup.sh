#!/usr/bin/env bash
# The skeleton's footprint: how soon `secunity serve` answers GET /healthz on a fresh SQLite data
# directory, and its resident memory once idle.
#
# Each run starts the release binary on a new empty data directory (so the time includes
# creating the SQLite file, applying the migrations and generating the secret key), polls
# /healthz with curl until it answers 200, waits IDLE_SECONDS, then reads VmRSS (and VmHWM, the
# peak) from /proc/PID/status and stops the server with SIGTERM.
#
# The time is measured from just before the spawn to the first 200, polling as fast as curl
# starts (a few ms each): the figure is an upper bound by about one poll.
#
# Usage: cargo build --release && bash benches/startup.sh
# Settings: SECUNITY_BIN (default target/release/secunity), RUNS (default 7), IDLE_SECONDS (2).
# Prints one line per run and, as its last line, the figures as one JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${SECUNITY_BIN:-target/release/secunity}
runs=${RUNS:-7}
idle=${IDLE_SECONDS:-2}
if [ ! -x "$bin" ]; then
  echo "no $bin: run 'cargo build --release' first" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

times=()
rss=()
hwm=()
for run in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  port=$(free_port)
  start=$(date +%s%N)
  SECUNITY_DATA_DIR="$dir" SECUNITY_BIND="127.0.0.1:$port" RUST_LOG=warn \
    "$bin" serve >"$dir/log" 2>&1 &
  pid=$!
  code=000
  deadline=$((start + 10000000000))
  while [ "$code" != 200 ]; do
    if [ "$(date +%s%N)" -gt "$deadline" ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "run $run: no 200 from /healthz within 10 s; log:" >&2
      cat "$dir/log" >&2
      kill "$pid" 2>/dev/null || true
      exit 1
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
  done
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  sleep "$idle"
  r=$(kib VmRSS "$pid")
  h=$(kib VmHWM "$pid")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  times+=("$ms")
  rss+=("$r")
  hwm+=("$h")
  printf 'run %d: /healthz 200 after %d ms; idle VmRSS %.1f MiB (peak %.1f MiB)\n' \
    "$run" "$ms" "$(echo "$r / 1024" | bc -l)" "$(echo "$h / 1024" | bc -l)"
done

t_min=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
t_med=$(printf '%s\n' "${times[@]}" | median)
t_max=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
rss_med=$(printf '%s\n' "${rss[@]}" | median)
hwm_max=$(printf '%s\n' "${hwm[@]}" | sort -n | tail -1)
rss_mb=$(printf '%.1f' "$(echo "$rss_med / 1024" | bc -l)")
hwm_mb=$(printf '%.1f' "$(echo "$hwm_max / 1024" | bc -l)")
echo "startup to first 200: min $t_min ms, median $t_med ms, max $t_max ms over $runs runs; idle VmRSS median $rss_mb MiB"
load=$(cut -d' ' -f1 /proc/loadavg)
printf '{"bench":"startup","backend":"sqlite","runs":%d,"healthz_ms_min":%s,"healthz_ms_median":%s,"healthz_ms_max":%s,"idle_rss_mb":%s,"peak_rss_mb":%s,"cpus":%d,"load_1m":%s}\n' \
  "$runs" "$t_min" "$t_med" "$t_max" "$rss_mb" "$hwm_mb" "$(nproc)" "$load"
