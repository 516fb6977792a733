#!/usr/bin/env bash
# failover_rto.sh: in-cluster failover time of a RedisCluster with the default failover settings.
#
# Usage: bench/failover_rto.sh [RUNS]
# Starts a sandbox with its operator (dev/sandbox up), applies a 3-instance RedisCluster, and RUNS
# times (default 20) for each fault:
#   kill    dev/sandbox fault kill-pod <primary> (SIGKILL of its redis-server)
#   freeze  dev/sandbox fault freeze-pod <primary> (SIGSTOP), thawed once a write succeeded
# measures the time from the fault to the first write accepted through the <name>-leader Service
# (a client retrying every 50 ms with a 500 ms timeout, as an application would), then waits until
# the cluster is Healthy again. Prints every run, then min / median / worst per fault.
# Everything it started is stopped on exit.
#
# Environment:
#   BUILD_DIR          where the binaries are built (default <repo>/build; dev/sandbox builds them)
#   RDR_SANDBOX_ROOT   sandbox state root (default /tmp/rdr-bench-sandboxes)
#   FAULTS             which faults to measure (default "kill freeze")
#   RDR_SANDBOX_RESTART_BACKOFF_MS  the node agent's first CrashLoopBackOff delay (default here
#                      1000). A killed primary that was promoted at runtime boots as a replica, so
#                      the operator leaves it to the kubelet's restart; with Kubernetes' 10 s doubling
#                      to 5 min each run would wait longer for the cluster to be Healthy again. The
#                      failover itself does not wait for the restart.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init failover_rto
name="$sandbox_name"
export RDR_SANDBOX_RESTART_BACKOFF_MS="${RDR_SANDBOX_RESTART_BACKOFF_MS:-1000}"
runs="${1:-20}"
faults="${FAULTS:-kill freeze}"

bench_require kubectl redis-cli
bench_sandbox_up
k() { kubectl --kubeconfig "$kubeconfig" -n bench "$@"; }
kubectl --kubeconfig "$kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: bench
EOF
k apply -f - >/dev/null <<EOF
apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: rto
  namespace: bench
spec:
  instances: 3
EOF

wait_healthy() {
  local deadline=$((SECONDS + 120)) phase=""
  while ((SECONDS < deadline)); do
    phase="$(k get rediscluster rto -o jsonpath='{.status.phase} {.status.readyInstances}' 2>/dev/null || true)"
    [[ "$phase" == "Healthy 3" ]] && return 0
    sleep 0.2
  done
  say "the cluster is not Healthy after 120 s (phase: $phase)"
  exit 1
}


wait_healthy
export REDISCLI_AUTH
REDISCLI_AUTH="$(k get secret rto-auth -o jsonpath='{.data.password}' | base64 -d)"
leader="$(k get service rto-leader -o jsonpath='{.spec.clusterIP}')"
say "cluster bench/rto is Healthy; the -leader Service is $leader:6379"

declare -A results
for fault in $faults; do
  values=()
  for run in $(seq "$runs"); do
    primary="$(k get rediscluster rto -o jsonpath='{.status.currentPrimary}')"
    start="$(now_ms)"
    case "$fault" in
    kill) "$repo/dev/sandbox" fault "$name" kill-pod "bench/$primary" >/dev/null ;;
    freeze) "$repo/dev/sandbox" fault "$name" freeze-pod "bench/$primary" >/dev/null ;;
    *) say "unknown fault $fault"; exit 2 ;;
    esac
    until [[ "$(timeout 0.5 redis-cli --no-auth-warning -h "$leader" -p 6379 SET rto "$run" 2>/dev/null)" == OK ]]; do
      sleep 0.05
      if (($(now_ms) - start > 120000)); then
        say "no write accepted 120 s after the $fault of $primary"
        exit 1
      fi
    done
    elapsed=$(($(now_ms) - start))
    values+=("$elapsed")
    echo "$fault run $run: primary $primary, first write after ${elapsed} ms, new primary $(k get rediscluster rto -o jsonpath='{.status.currentPrimary}')"
    if [[ "$fault" == freeze ]]; then
      "$repo/dev/sandbox" fault "$name" thaw-pod "bench/$primary" >/dev/null 2>&1 || true
    else
      # The killed pod restarts with CrashLoopBackOff, which doubles on every kill; a fresh pod
      # keeps every run alike (the operator re-creates it as a replica).
      k delete pod "$primary" --wait=false >/dev/null 2>&1 || true
    fi
    wait_healthy
  done
  sorted="$(printf '%s\n' "${values[@]}" | sort -n)"
  count="$(wc -l <<<"$sorted")"
  min="$(head -1 <<<"$sorted")"
  worst="$(tail -1 <<<"$sorted")"
  median="$(sed -n "$(((count + 1) / 2))p" <<<"$sorted")"
  results[$fault]="runs $count, min ${min} ms, median ${median} ms, worst ${worst} ms"
done

echo
echo "Failover time, fault to first write through the -leader Service (failureThreshold 3, probeIntervalSeconds 1):"
for fault in $faults; do
  echo "  $fault: ${results[$fault]}"
done
