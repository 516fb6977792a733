#!/usr/bin/env bash
# sentinel_failover.sh: failover time of a mode: sentinel RedisCluster, as a Sentinel-aware client
# sees it.
#
# Usage: bench/sentinel_failover.sh [--restart-backoff-ms MS] [--down-after-ms MS] [RUNS]
# Starts one sandbox with its operator (dev/sandbox up), creates namespace production, the Secret
# prod-redis-auth (a random password) and seed 003's prod-redis (test/data/seeds/003-prod-redis.yaml:
# mode sentinel, 3 instances, 3 Sentinels with the default settings), then RUNS times (default
# 20, or $RUNS):
#  1. waits until the cluster is settled: phase Healthy with 3 ready instances, and every Sentinel
#     (asked on its pod IP) names the pod of status.currentPrimary, knows exactly the 2 other data
#     pods as replicas and the 2 other Sentinels (no stale entry the operator still has to RESET);
#  2. notes the primary the prod-redis-sentinel Service names and runs
#     `dev/sandbox fault <sandbox> kill-pod production/<primary>` (SIGKILL of its redis-server);
#  3. from just before that command, a client inside the sandbox (`dev/sandbox exec`, so that the
#     Service's cluster DNS name resolves) loops as a Sentinel-aware client does: it asks
#     prod-redis-sentinel.production.svc.cluster.local:26379 `SENTINEL get-master-addr-by-name
#     prod-redis`, then sends `SET` to the address named, each attempt a fresh redis-cli with a
#     500 ms timeout and a 50 ms pause between attempts, until a SET is answered OK by a master
#     other than the killed one. Figures: kill -> first write accepted through discovery, kill ->
#     the Service's Sentinels first name another address, and kill -> the operator's
#     status.currentPrimary moved (a `kubectl get -w` started before the kill). It also counts the
#     SENTINEL FAILOVER commands the operator sent (operator log), i.e. runs where the operator's
#     shortcut for a restarted, fenced primary fired;
#  4. deletes the killed pod (as bench/failover_rto.sh: a fresh pod per run keeps the
#     CrashLoopBackOff delay of every run alike; the operator re-creates it as a replica, with a
#     new IP, so every run also exercises the stale-entry cleanup, SENTINEL RESET).
# Prints every run, then min / median / worst of each figure.
# Only loopback addresses are contacted. The password goes to redis-cli in REDISCLI_AUTH and is
# never printed. Everything it started (the sandbox, its pods, the watchers) is stopped on exit.
#
# Options:
#   --restart-backoff-ms MS  the node agent's first CrashLoopBackOff delay (sets
#                      RDR_SANDBOX_RESTART_BACKOFF_MS). Default: not set, so the sandbox's default
#                      applies: the killed primary restarts after 10 s. (A real kubelet restarts a
#                      first crash at once and waits 10 s from the second: 0 imitates the first.)
#   --down-after-ms MS spec.sentinel.downAfterMilliseconds (default: not set, the CRD's 5000)
#   RUNS               kills to measure (default $RUNS, else 20)
# Environment:
#   BUILD_DIR          where the binaries are built (default <repo>/build; dev/sandbox builds them)
#   RDR_SANDBOX_BIN, RDR_OPERATOR_BIN  prebuilt binaries: dev/sandbox up then builds nothing
#   RDR_SANDBOX_ROOT   sandbox state root (default /tmp/rdr-bench-sandboxes)
#   RUNS               as the RUNS argument
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init sentinel_failover
name="$sandbox_name"
runs="${RUNS:-20}"
down_after=""
while (($# > 0)); do
  case "$1" in
  --restart-backoff-ms) export RDR_SANDBOX_RESTART_BACKOFF_MS="${2:?--restart-backoff-ms needs a value}"; shift 2 ;;
  --down-after-ms) down_after="${2:?--down-after-ms needs a value}"; shift 2 ;;
  -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
  -*) say "unknown option $1 (see --help)"; exit 2 ;;
  *) runs="$1"; shift ;;
  esac
done
[[ "$runs" =~ ^[0-9]+$ ]] || { say "RUNS must be a number, got '$runs'"; exit 2; }
[[ -z "$down_after" || "$down_after" =~ ^[0-9]+$ ]] || { say "--down-after-ms must be a number"; exit 2; }

ns=production
cluster=prod-redis
master_name=prod-redis # spec.sentinel.masterName is not set: the cluster's name
sentinel_dns="$cluster-sentinel.$ns.svc.cluster.local"
watcher=""
bench_on_exit() {
  if [[ -n "$watcher" ]]; then
    kill -TERM -- "-$watcher" 2>/dev/null || kill -TERM "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
  fi
}

bench_require kubectl redis-cli setsid timeout
bench_sandbox_up
operator_log="$RDR_SANDBOX_ROOT/sandboxes/$name/operator.log"
k() { kubectl --kubeconfig "$kubeconfig" --request-timeout=10s -n "$ns" "$@"; }
jp() { k get "$1" -o "jsonpath=$2" 2>/dev/null || true; }
# sentinel IP ARGS...: one command to the Sentinel listening on IP:26379 (no password), 1 s timeout.
sentinel() {
  is_loopback "$1" || return 1
  timeout 1 env -u REDISCLI_AUTH redis-cli -h "$1" -p 26379 "${@:2}" 2>/dev/null | tr -d '\r'
}

password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
kubectl --kubeconfig "$kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
EOF
k create secret generic "$cluster-auth" --from-literal=password="$password" >/dev/null
{
  cat "$repo/test/data/seeds/003-prod-redis.yaml"
  echo
  if [[ -n "$down_after" ]]; then
    printf '  sentinel:\n    downAfterMilliseconds: %s\n' "$down_after"
  fi
} | k apply -f - >/dev/null
export REDISCLI_AUTH="$password"


# settled: Healthy, and every Sentinel agrees with the status and knows nothing stale. Sets
# $primary, $primary_ip, $data_ips and $sentinel_ips.
primary="" primary_ip="" data_ips=() sentinel_ips=()
settled() {
  local status pods line ip pod role
  status="$(jp "rediscluster/$cluster" '{.status.phase} {.status.readyInstances} {.status.currentPrimary}')"
  why="status: $status"
  read -r phase ready primary <<<"$status" || true
  [[ "$phase" == Healthy && "$ready" == 3 && -n "$primary" ]] || return 1
  pods="$(k get pods -l "redis.io/cluster=$cluster" -o \
    'jsonpath={range .items[*]}{.metadata.name} {.status.podIP} {.metadata.labels.app\.kubernetes\.io/component}{"\n"}{end}' 2>/dev/null)" || return 1
  data_ips=() sentinel_ips=() primary_ip=""
  while read -r pod ip role; do
    [[ -n "$pod" ]] || continue
    is_loopback "$ip" || { why="pod $pod has no loopback IP yet"; return 1; }
    if [[ "$role" == sentinel ]]; then
      sentinel_ips+=("$ip")
    else
      data_ips+=("$ip")
      [[ "$pod" != "$primary" ]] || primary_ip="$ip"
    fi
  done <<<"$pods"
  if ((${#data_ips[@]} != 3 || ${#sentinel_ips[@]} != 3)) || [[ -z "$primary_ip" ]]; then
    why="pods: $(tr '\n' ';' <<<"$pods")"
    return 1
  fi
  for ip in "${sentinel_ips[@]}"; do
    local named replicas others
    named="$(sentinel "$ip" SENTINEL get-master-addr-by-name "$master_name" | head -n 1)"
    [[ "$named" == "$primary_ip" ]] || { why="Sentinel $ip names '$named', the primary $primary is $primary_ip"; return 1; }
    replicas="$(sentinel "$ip" SENTINEL replicas "$master_name" | awk 'prev == "ip" {print} {prev = $0}' | sort | tr '\n' ' ')"
    local want=""
    for line in "${data_ips[@]}"; do
      [[ "$line" == "$primary_ip" ]] || want+="$line"$'\n'
    done
    want="$(sort <<<"${want%$'\n'}" | tr '\n' ' ')"
    [[ "$replicas" == "$want" ]] || { why="Sentinel $ip knows replicas '$replicas', the pods are '$want'"; return 1; }
    others="$(sentinel "$ip" SENTINEL sentinels "$master_name" | awk 'prev == "ip" {print} {prev = $0}' | wc -l)"
    ((others == 2)) || { why="Sentinel $ip knows $others other Sentinels"; return 1; }
  done
}

start="$(now_ms)"
wait_for 180 "the cluster settled" settled
settings="$(sentinel "${sentinel_ips[0]}" SENTINEL master "$master_name" |
  awk 'prev ~ /^(quorum|down-after-milliseconds|failover-timeout|parallel-syncs)$/ {printf "%s %s, ", prev, $0} {prev = $0}')"
say "$ns/$cluster settled after $(($(now_ms) - start)) ms: primary $primary ($primary_ip); Sentinel settings: ${settings%, }; restart backoff ${RDR_SANDBOX_RESTART_BACKOFF_MS:-the sandbox default (10000)} ms"

# The client, run inside the sandbox's mount namespace: $1 the killed primary's IP, $2 the
# deadline (epoch ms), $3 the Service's DNS name, $4 the master name. Prints "<first named ms>
# <first write ms> <address> <attempts>" (epoch ms). The Sentinels get no password (they have none).
# shellcheck disable=SC2016 # expanded by the inner bash
client='
  old="$1" deadline="$2" named="" attempts=0
  ms() { local t="${EPOCHREALTIME/./}"; echo $((t / 1000)); }
  while :; do
    attempts=$((attempts + 1))
    addr="$(timeout 0.5 env -u REDISCLI_AUTH redis-cli -h "$3" -p 26379 SENTINEL get-master-addr-by-name "$4" 2>/dev/null | head -n 1 | tr -d "\r")"
    if [[ "$addr" =~ ^127\.[0-9.]+$ && "$addr" != "$old" ]]; then
      [[ -n "$named" ]] || named="$(ms)"
      if [[ "$(timeout 0.5 redis-cli --no-auth-warning -h "$addr" -p 6379 SET bench:sentinel "$attempts" 2>/dev/null | tr -d "\r")" == OK ]]; then
        echo "$named $(ms) $addr $attempts"
        exit 0
      fi
    fi
    (($(ms) < deadline)) || { echo "none"; exit 1; }
    sleep 0.05
  done'

# stats LABEL VALUES...: "LABEL: n N, min …, median …, worst …" (ms; nearest-rank median).
stats() {
  printf '%s\n' "${@:2}" | sort -n | awk -v l="$1" 'NF {v[++n] = $1}
    END { if (n == 0) { print "  " l ": no samples"; exit }
      printf "  %s: n %d, min %d ms, median %d ms, worst %d ms\n", l, n, v[1], v[int((n + 1) / 2)], v[n] }'
}

forced_count() { grep -c '(SENTINEL FAILOVER)' "$operator_log" 2>/dev/null || true; }

writes=() nameds=() moves=() settles=() forced_runs=0
for run in $(seq "$runs"); do
  wait_for 180 "the cluster settled before run $run" settled
  old_primary="$primary" old_ip="$primary_ip"
  named="$("$repo/dev/sandbox" exec "$name" -- timeout 1 env -u REDISCLI_AUTH redis-cli -h "$sentinel_dns" -p 26379 \
    SENTINEL get-master-addr-by-name "$master_name" 2>/dev/null | head -n 1 | tr -d '\r')"
  [[ "$named" == "$old_ip" ]] || { say "run $run: the Service's Sentinel names '$named', not $old_ip ($old_primary)"; exit 1; }
  forced_before="$(forced_count)"
  # currentPrimary as the API shows it, stamped on arrival.
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'kubectl --kubeconfig "$1" -n "$2" get rediscluster "$3" -w \
      -o "jsonpath={.status.currentPrimary}{\"\n\"}" 2>/dev/null |
    while IFS= read -r line; do t="${EPOCHREALTIME/./}"; echo "$((t / 1000)) $line"; done' \
    _ "$kubeconfig" "$ns" "$cluster" >"$work/watch.out" &
  watcher=$!
  sleep 0.3 # the watch is open
  t0="$(now_ms)"
  "$repo/dev/sandbox" fault "$name" kill-pod "$ns/$old_primary" >/dev/null 2>&1
  result="$("$repo/dev/sandbox" exec "$name" -- bash -c "$client" _ "$old_ip" "$((t0 + 120000))" \
    "$sentinel_dns" "$master_name")" || { say "run $run: no write accepted by a new master 120 s after killing $old_primary"; exit 1; }
  read -r t_named t_write new_ip attempts <<<"$result"
  moved=""
  for _ in $(seq 150); do # the status may lag the client: up to 30 s more
    moved="$(awk -v old="$old_primary" '$2 != "" && $2 != old {print $1 " " $2; exit}' "$work/watch.out")"
    [[ -z "$moved" ]] || break
    sleep 0.2
  done
  kill -TERM -- "-$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  watcher=""
  [[ -n "$moved" ]] || { say "run $run: status.currentPrimary still names $old_primary 30 s after the first write"; exit 1; }
  read -r t_moved new_primary <<<"$moved"
  forced=$(($(forced_count) - forced_before))
  ((forced == 0)) || forced_runs=$((forced_runs + 1))
  writes+=("$((t_write - t0))") nameds+=("$((t_named - t0))") moves+=("$((t_moved - t0))")
  # A fresh pod for the next run (its CrashLoopBackOff starts over); re-created as a replica.
  k delete pod "$old_primary" --wait=false >/dev/null 2>&1 || true
  wait_for 180 "the cluster settled after run $run" settled
  settles+=("$(($(now_ms) - t0))")
  echo "run $run: killed $old_primary ($old_ip); Sentinel named $new_ip after $((t_named - t0)) ms; first write after $((t_write - t0)) ms (attempt $attempts); status.currentPrimary $new_primary after $((t_moved - t0)) ms; SENTINEL FAILOVER sent by the operator: $forced; settled again after ${settles[-1]} ms"
done

if ((runs > 0)); then
  echo
  echo "Sentinel failover, kill-pod of the primary (down-after-milliseconds ${down_after:-5000}, restart backoff ${RDR_SANDBOX_RESTART_BACKOFF_MS:-10000} ms):"
  stats "kill -> first write accepted through Sentinel discovery" "${writes[@]}"
  stats "kill -> the Sentinel Service names the new primary" "${nameds[@]}"
  stats "kill -> status.currentPrimary moved" "${moves[@]}"
  stats "kill -> settled again (killed pod re-created, Sentinels clean)" "${settles[@]}"
  echo "  runs where the operator sent SENTINEL FAILOVER (restarted primary shortcut): $forced_runs of $runs"
fi
