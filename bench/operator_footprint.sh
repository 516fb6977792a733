#!/usr/bin/env bash
# operator_footprint.sh: the operator's idle RSS and CPU against a sandbox holding a few hundred objects.
#
# Usage: bench/operator_footprint.sh
# Starts a sandbox (dev/sandbox up NAME --no-operator), creates CONFIGMAPS ConfigMaps in namespace
# bench, the seed RedisClusters of test/data/seeds/ (namespaces default and production) and
# LIVE_CLUSTERS standalone clusters whose pods the sandbox runs, then
# starts redis-dr-operator against it. If the operator is still running after PROBE_SECONDS it
# waits until /readyz answers (at most READY_TIMEOUT s) plus SETTLE_SECONDS, and samples
# /proc/<pid> for SAMPLE_SECONDS: VmRSS (first, min, max, last), VmHWM, threads, and CPU
# (utime+stime) as a percentage of one core. If the operator exits with code 2 (the manager cannot
# run yet) it says so and measures nothing. Everything it started is stopped on exit.
#
# Environment:
#   BUILD_DIR          where redis-dr-operator and redis-dr-sandbox are built (default <repo>/build)
#   OPERATOR_BIN       the operator binary (default $BUILD_DIR/src/app/redis-dr-operator)
#   RDR_SANDBOX_ROOT   sandbox state root (default /tmp/rdr-bench-sandboxes)
#   CONFIGMAPS         ConfigMaps to create (default 300)
#   LIVE_CLUSTERS      standalone 3-instance RedisClusters to run and probe (default 3)
#   PROBE_SECONDS      how long the operator must stay up to count as running (default 5)
#   READY_TIMEOUT      seconds to wait for /readyz (default 60)
#   SETTLE_SECONDS     idle time before sampling (default 10)
#   SAMPLE_SECONDS     the measurement window (default 30)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init operator_footprint
name="$sandbox_name"
operator_bin="${OPERATOR_BIN:-$BUILD_DIR/src/app/redis-dr-operator}"
configmaps="${CONFIGMAPS:-300}"
live_clusters="${LIVE_CLUSTERS:-3}"
probe_seconds="${PROBE_SECONDS:-5}"
ready_timeout="${READY_TIMEOUT:-60}"
settle_seconds="${SETTLE_SECONDS:-10}"
sample_seconds="${SAMPLE_SECONDS:-30}"
operator_pid=""

bench_on_exit() {
  if [[ -n "$operator_pid" ]] && kill -0 "$operator_pid" 2>/dev/null; then
    kill -TERM "$operator_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$operator_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$operator_pid" 2>/dev/null || true
  fi
}

bench_require kubectl
[[ -x "$operator_bin" ]] || {
  say "no operator binary at $operator_bin (build it: cmake --build \$BUILD_DIR --target redis-dr-operator)"
  exit 1
}

# 1. The sandbox and its objects.
bench_sandbox_up --no-operator
export KUBECONFIG="$kubeconfig"
say "sandbox $name is up (KUBECONFIG=$kubeconfig)"

cat >"$work/namespaces.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: production
---
apiVersion: v1
kind: Namespace
metadata:
  name: bench
EOF
kubectl apply -f "$work/namespaces.yaml" >/dev/null

configmap_template='---
apiVersion: v1
kind: ConfigMap
metadata:
  name: bench-%05d
  namespace: bench
  labels:
    app.kubernetes.io/part-of: rdr-bench
data:
  redis.conf: |
    maxmemory 256mb
    maxmemory-policy allkeys-lru
  owner: bench-%05d
'
for ((i = 0; i < configmaps; i++)); do
  # shellcheck disable=SC2059 # the template is the format
  printf -- "$configmap_template" "$i" "$i"
done >"$work/configmaps.yaml"
kubectl create -f "$work/configmaps.yaml" >/dev/null

seeds=()
for file in "$repo"/test/data/seeds/*.yaml; do
  grep -q '^kind: RedisCluster$' "$file" && seeds+=("$file")
done
for file in "${seeds[@]}"; do
  kubectl apply -f "$file" >/dev/null
done
# The seed clusters are sentinel and replica-mode ones, which this version refuses; LIVE_CLUSTERS
# standalone clusters of 3 pods give the operator real Redis to probe every second.
for ((i = 0; i < live_clusters; i++)); do
  printf 'apiVersion: redis.io/v1\nkind: RedisCluster\nmetadata:\n  name: live-%d\n  namespace: bench\nspec:\n  instances: 3\n---\n' "$i"
done >"$work/live.yaml"
((live_clusters == 0)) || kubectl apply -f "$work/live.yaml" >/dev/null
clusters="$(kubectl get redisclusters -A --no-headers | wc -l)"
say "created $configmaps ConfigMaps, applied ${#seeds[@]} seed RedisCluster manifests and $live_clusters standalone clusters ($clusters RedisClusters exist)"

# 2. Can the operator run?
"$operator_bin" --kubeconfig "$kubeconfig" --leader-elect=false --metrics-bind-address=0 \
  --health-probe-bind-address=127.0.0.1:0 >"$work/operator.log" 2>&1 &
operator_pid=$!
started=$EPOCHREALTIME
ready_after="unknown"
probe_port=""
# /readyz 200 once the probe port is in the log: @return 0 and sets ready_after.
check_ready() {
  [[ "$ready_after" == "unknown" ]] || return 0
  if [[ -z "$probe_port" ]]; then
    probe_port="$(sed -n 's/.*Serving health probes on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/operator.log" | head -n 1)"
  fi
  [[ -n "$probe_port" ]] && command -v curl >/dev/null || return 1
  curl -sf --max-time 1 "http://127.0.0.1:$probe_port/readyz" >/dev/null || return 1
  ready_after="$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
}
for ((i = 0; i < probe_seconds * 10; i++)); do
  kill -0 "$operator_pid" 2>/dev/null || break
  check_ready || true
  sleep 0.1
done
if ! kill -0 "$operator_pid" 2>/dev/null; then
  code=0
  wait "$operator_pid" || code=$?
  operator_pid=""
  # Exit code 2 is also "the API server is unreachable": only the manager's refusal to run skips.
  if ((code == 2)) && grep -q 'cannot run yet' "$work/operator.log"; then
    echo "operator footprint: not measurable yet (the manager does not run)"
    echo "  redis-dr-operator exited with code 2 within ${probe_seconds}s; its last line:"
    echo "  $(tail -n 1 "$work/operator.log")"
    exit 0
  fi
  say "redis-dr-operator exited with code $code; its log:"
  cat "$work/operator.log" >&2
  exit 1
fi

# 3. Wait until it is ready (/readyz, when its probe port appears in the log) and idle.
deadline=$((SECONDS + ready_timeout))
until check_ready || ((SECONDS >= deadline)); do
  sleep 0.1
done
[[ "$ready_after" != "unknown" ]] || say "/readyz did not answer 200 within ${ready_timeout}s; sampling anyway"
sleep "$settle_seconds"
kill -0 "$operator_pid" 2>/dev/null || { say "the operator exited while settling; its log:"; cat "$work/operator.log" >&2; exit 1; }

# 4. Sample /proc/<pid>.
status_kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$operator_pid/status"; }
cpu_ticks() {
  local stat
  stat="$(<"/proc/$operator_pid/stat")"
  stat="${stat##*) }" # fields from 3 (state) on; utime and stime are fields 14 and 15
  awk '{ print $12 + $13 }' <<<"$stat"
}
hz="$(getconf CLK_TCK)"
rss_first="$(status_kib VmRSS)"
rss_min="$rss_first"
rss_max="$rss_first"
ticks_start="$(cpu_ticks)"
window_start=$EPOCHREALTIME
for ((s = 0; s < sample_seconds; s++)); do
  sleep 1
  kill -0 "$operator_pid" 2>/dev/null || { say "the operator exited during the measurement; its log:"; cat "$work/operator.log" >&2; exit 1; }
  rss="$(status_kib VmRSS)"
  ((rss < rss_min)) && rss_min="$rss"
  ((rss > rss_max)) && rss_max="$rss"
done
ticks_end="$(cpu_ticks)"
window_end=$EPOCHREALTIME
rss_last="$(status_kib VmRSS)"
hwm="$(status_kib VmHWM)"
threads="$(status_kib Threads)"
cpu_percent="$(awk -v t="$((ticks_end - ticks_start))" -v hz="$hz" -v a="$window_start" -v b="$window_end" \
  'BEGIN { printf "%.2f", 100 * (t / hz) / (b - a) }')"
window="$(awk -v a="$window_start" -v b="$window_end" 'BEGIN { printf "%.1f", b - a }')"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# 5. Stop the operator (SIGTERM) and report.
kill -TERM "$operator_pid"
stop_code=0
stopped=0
for _ in $(seq 100); do
  if ! kill -0 "$operator_pid" 2>/dev/null; then
    stopped=1
    break
  fi
  sleep 0.1
done
if ((stopped)); then
  wait "$operator_pid" || stop_code=$?
  operator_pid=""
  stop_note="exited with code $stop_code after SIGTERM"
else
  stop_note="still running 10 s after SIGTERM (killed)"
fi

echo "operator footprint: $configmaps ConfigMaps + $clusters RedisClusters, leader election off, $(nproc) CPUs"
# What the operator ran (controllers started, or none registered yet), from its log.
grep -iE 'controller' "$work/operator.log" | sed 's/^/  operator log: /' | head -n 5 || true
printf '  %-40s %s\n' "ready (/readyz 200) after start" "${ready_after} s" \
  "sampled window" "$window s (after ${settle_seconds} s idle)" \
  "idle VmRSS first / min / max / last" "$(mib "$rss_first") / $(mib "$rss_min") / $(mib "$rss_max") / $(mib "$rss_last") MiB" \
  "VmHWM (peak RSS since start)" "$(mib "$hwm") MiB" \
  "threads" "$threads" \
  "idle CPU (utime+stime)" "$cpu_percent % of one core ($((ticks_end - ticks_start)) ticks of 1/$hz s)" \
  "shutdown" "$stop_note"
echo "figure operator_idle_rss=$(mib "$rss_last") MiB"
echo "figure operator_idle_rss_max=$(mib "$rss_max") MiB"
echo "figure operator_peak_rss=$(mib "$hwm") MiB"
echo "figure operator_idle_cpu=$cpu_percent %"
echo "figure operator_threads=$threads threads"
[[ "$ready_after" == "unknown" ]] || echo "figure operator_ready_after=$ready_after s"
