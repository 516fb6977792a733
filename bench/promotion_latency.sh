#!/usr/bin/env bash
# promotion_latency.sh: replica mode's promotion latency and steady upstream lag.
#
# Usage: bench/promotion_latency.sh [RUNS]
# Starts one sandbox with its operator (dev/sandbox up), applies a 3-instance RedisCluster `src`
# and a 3-instance RedisCluster `dr` in replica mode following it through its Service DNS name
# (src-leader.bench.svc.cluster.local, source.authSecretName src-auth, as seed 003), then:
#  1. RUNS times (default 20): checks that dr-leader refuses writes (READONLY), runs
#     `kubectl patch rediscluster dr --type merge -p '{"spec":{"replicaMode":{"promote":true}}}'`
#     and measures from the moment that command RETURNS to the first `SET` answered `OK` through
#     the dr-leader ClusterIP (a client retrying every 20 ms with a 500 ms timeout). Then waits
#     for status ReplicaMode=False/Promoted, demotes (promote:false) and waits until dr is back:
#     phase Replicating, ReplicaMode True/Enabled with the ordinary message (not "Cluster demoted"),
#     replication.linkStatus up, syncStatus PartialSync, and its leader `role:slave` with
#     `master_link_status:up`. Prints every run, then min / median / worst from the patch's return
#     and from its start, and the time of one SET through redis-cli (the client's own floor).
#  2. For LAG_SECONDS (default 25) a writer sends SETs at WRITE_RATE per second (default 5000,
#     VALUE_SIZE-byte values, 10,000 keys) through src-leader: a paced generator piped into one
#     redis-cli (redis-benchmark has no rate limit and takes the password only on its command
#     line). Every ~150 ms, over two persistent connections (no fork per read), it reads src's
#     primary's master_repl_offset, dr's leader's slave_repl_offset, then src's again: lag = mean
#     of the two src reads - the dr read (half the gap between the two src reads is printed as the
#     read skew). Meanwhile status.replication.lagBytes is sampled every 0.5 s. Prints the write
#     rate achieved and lag median / p99 / max in bytes.
# Only loopback addresses are contacted (ClusterIPs and pod IPs of the sandbox). Passwords come
# from the operator-generated Secrets, are passed in REDISCLI_AUTH and never printed.
# Everything it started is stopped on exit.
#
# Environment:
#   BUILD_DIR          where the binaries are built (default <repo>/build; dev/sandbox builds them)
#   RDR_SANDBOX_ROOT   sandbox state root (default /tmp/rdr-bench-sandboxes)
#   LAG_SECONDS        length of the lag phase (default 25; 0 skips it)
#   WRITE_RATE         writes per second of the lag phase's writer (default 5000)
#   VALUE_SIZE         bytes per value (default 64)
set -euo pipefail

# Internal mode: the paced writer, run by `setsid <this script> --writer HOST RATE SECONDS SIZE`
# so that it can be stopped by its process group. One reply per line on stdout.
if [[ "${1:-}" == "--writer" ]]; then
  host="$2" rate="$3" seconds="$4" value="$(head -c "$5" /dev/zero | tr '\0' v)"
  gen() {
    local start=${EPOCHREALTIME/./} now due sent=0 end=$((seconds * 1000000))
    while now=${EPOCHREALTIME/./}; ((now - start < end)); do
      due=$(((now - start) * rate / 1000000))
      while ((sent < due)); do
        printf 'SET bench:lag:%d %s\n' $((sent % 10000)) "$value"
        sent=$((sent + 1))
      done
      sleep 0.01
    done
  }
  gen | redis-cli --no-auth-warning -h "$host" -p 6379 2>&1
  exit 0
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init promotion_latency
name="$sandbox_name"
self="$repo/bench/$(basename "${BASH_SOURCE[0]}")"
runs="${1:-20}"
lag_seconds="${LAG_SECONDS:-25}"
write_rate="${WRITE_RATE:-5000}"
value_size="${VALUE_SIZE:-64}"

bench_require kubectl redis-cli setsid
bench_sandbox_up
k() { kubectl --kubeconfig "$kubeconfig" --request-timeout=10s -n bench "$@"; }
jp() { k get "$1" -o "jsonpath=$2" 2>/dev/null || true; }
# rcli PASSWORD HOST ARGS...: one command (HOST: a checked loopback address), 500 ms timeout.
rcli() {
  REDISCLI_AUTH="$1" timeout 0.5 redis-cli --no-auth-warning -h "$2" -p 6379 "${@:3}" 2>&1 | tr -d '\r'
}

k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: bench
---
apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: src
  namespace: bench
spec:
  instances: 3
EOF

src_healthy() {
  why="$(jp rediscluster/src '{.status.phase} {.status.readyInstances}')"
  [[ "$why" == "Healthy 3" ]]
}
wait_for 120 "src Healthy" src_healthy
src_pass="$(k get secret src-auth -o jsonpath='{.data.password}' | base64 -d)"
src_leader="$(jp service/src-leader '{.spec.clusterIP}')"
is_loopback "$src_leader" || { say "src-leader has no loopback ClusterIP ('$src_leader')"; exit 1; }

k apply -f - >/dev/null <<EOF
apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: dr
  namespace: bench
spec:
  instances: 3
  replicaMode:
    enabled: true
    source:
      host: src-leader.bench.svc.cluster.local
      port: 6379
      clusterName: src
      authSecretName: src-auth
EOF

dr_pass=""
dr_leader_ip=""
# The DR cluster follows src again: status and its leader's own INFO agree.
dr_replicating() {
  local s info
  s="$(jp rediscluster/dr '{.status.phase}|{.status.conditions[?(@.type=="ReplicaMode")].reason}|{.status.conditions[?(@.type=="ReplicaMode")].message}|{.status.replication.linkStatus}|{.status.replication.syncStatus}|{.status.currentPrimary}')"
  why="$s"
  IFS='|' read -r phase reason message link sync primary <<<"$s" || true
  [[ "$phase" == Replicating && "$reason" == Enabled && "$message" != *demoted* &&
    "$link" == up && "$sync" == PartialSync && -n "$primary" ]] || return 1
  [[ -n "$dr_pass" ]] || dr_pass="$(k get secret dr-auth -o jsonpath='{.data.password}' | base64 -d)"
  dr_leader_ip="$(jp "pod/$primary" '{.status.podIP}')"
  is_loopback "$dr_leader_ip" || return 1
  info="$(rcli "$dr_pass" "$dr_leader_ip" INFO replication)" || true
  why="$why; $primary: $(grep -E '^(role|master_link_status|master_sync_in_progress):' <<<"$info" | tr '\n' ' ')"
  grep -qx role:slave <<<"$info" && grep -qx master_link_status:up <<<"$info" &&
    grep -qx master_sync_in_progress:0 <<<"$info"
}
dr_promoted() {
  why="$(jp rediscluster/dr '{.status.conditions[?(@.type=="ReplicaMode")].status}/{.status.conditions[?(@.type=="ReplicaMode")].reason} {.status.phase}')"
  [[ "$why" == "False/Promoted Healthy" ]]
}
start="$(now_ms)"
wait_for 120 "dr Replicating" dr_replicating
dr_leader="$(jp service/dr-leader '{.spec.clusterIP}')"
is_loopback "$dr_leader" || { say "dr-leader has no loopback ClusterIP ('$dr_leader')"; exit 1; }
say "src Healthy (src-leader $src_leader), dr Replicating after $(($(now_ms) - start)) ms (dr-leader $dr_leader)"

# stats LABEL UNIT P99 VALUES...: "LABEL: n N, min …, median …[, p99 …], max|worst …" (nearest rank).
stats() {
  printf '%s\n' "${@:4}" | sort -n | awk -v l="$1" -v u="$2" -v p99="$3" 'NF {v[++n] = $1}
    function r(p) { i = int(p * n + 0.999999); if (i < 1) i = 1; return v[i] }
    END { if (n == 0) { print "  " l ": no samples"; exit }
      printf "  %s: n %d, min %s%s, median %s%s", l, n, v[1], u, r(0.5), u
      if (p99) printf ", p99 %s%s, max %s%s\n", r(0.99), u, v[n], u; else printf ", worst %s%s\n", v[n], u }'
}

promo=() promo_start=() floor=()
for run in $(seq "$runs"); do
  reply="$(rcli "$dr_pass" "$dr_leader" SET bench:promo "$run")" || true
  [[ "$reply" == READONLY* ]] || { say "run $run: before the patch dr-leader answered '$reply', not READONLY"; exit 1; }
  t0="$(now_ms)"
  k patch rediscluster dr --type merge -p '{"spec":{"replicaMode":{"promote":true}}}' >/dev/null
  t1="$(now_ms)" attempts=1
  until [[ "$(rcli "$dr_pass" "$dr_leader" SET bench:promo "$run")" == OK ]]; do
    attempts=$((attempts + 1))
    (($(now_ms) - t1 < 60000)) || { say "run $run: no write accepted 60 s after the patch"; exit 1; }
    sleep 0.02
  done
  t2="$(now_ms)"
  promo+=("$((t2 - t1))") promo_start+=("$((t2 - t0))")
  rcli "$dr_pass" "$dr_leader" SET bench:promo "$run" >/dev/null # the client's own cost, for scale
  floor+=("$(($(now_ms) - t2))")
  wait_for 60 "status Promoted (run $run)" dr_promoted
  t3="$(now_ms)"
  k patch rediscluster dr --type merge -p '{"spec":{"replicaMode":{"promote":false}}}' >/dev/null
  t4="$(now_ms)"
  wait_for 120 "dr Replicating again after the demotion (run $run)" dr_replicating
  t5="$(now_ms)"
  echo "run $run: first write $((t2 - t1)) ms after the promote patch returned (attempt $attempts; patch took $((t1 - t0)) ms); status Promoted and Healthy after $((t3 - t1)) ms; Replicating again $((t5 - t4)) ms after the demote patch"
done
if ((runs > 0)); then
  echo "Promotion latency, first write accepted through dr-leader (ms):"
  stats "from the promote patch's return" " ms" "" "${promo[@]}"
  stats "from the promote patch's start" " ms" "" "${promo_start[@]}"
  stats "one SET through redis-cli once promoted (the client's floor)" " ms" "" "${floor[@]}"
fi

# resp_open HOST PASSWORD: a persistent connection (fd in $resp_fd), authenticated; no fork per
# command afterwards, so two offsets read one after the other are ~0.1 ms apart, not ~10 ms.
resp_open() {
  is_loopback "$1" || { say "refusing to contact non-loopback address '$1'"; exit 1; }
  exec {resp_fd}<>"/dev/tcp/$1/6379"
  printf '*2\r\n%s4\r\nAUTH\r\n%s%d\r\n%s\r\n' '$' '$' "${#2}" "$2" >&"$resp_fd"
  local reply=""
  IFS= read -r -t 2 reply <&"$resp_fd" || true
  [[ "$reply" == $'+OK\r' ]] || { say "AUTH on $1 failed"; exit 1; }
}
# resp_offset FD FIELD: sets $offset to FIELD of INFO replication read on FD.
resp_offset() {
  local len body
  printf 'INFO replication\r\n' >&"$1"
  IFS= read -r -t 2 len <&"$1" || return 1
  len="${len#\$}" && len="${len%$'\r'}"
  IFS= read -r -t 2 -N "$((len + 2))" body <&"$1" || return 1
  [[ "$body" =~ $2:([0-9]+) ]] && offset="${BASH_REMATCH[1]}"
}

if ((lag_seconds > 0)); then
  export LC_ALL=C # read -N counts bytes
  src_primary_ip="$(jp "pod/$(jp rediscluster/src '{.status.currentPrimary}')" '{.status.podIP}')"
  resp_open "$src_primary_ip" "$src_pass" && src_fd="$resp_fd"
  resp_open "$dr_leader_ip" "$dr_pass" && dr_fd="$resp_fd"
  resp_offset "$src_fd" master_repl_offset && off_before="$offset"
  REDISCLI_AUTH="$src_pass" setsid "$self" --writer "$src_leader" "$write_rate" "$lag_seconds" \
    "$value_size" >"$work/writer.out" 2>&1 &
  writer_pid=$!
  bg_pids+=("$writer_pid")
  (while :; do jp rediscluster/dr '{.status.replication.lagBytes}'; echo; sleep 0.5; done) \
    >"$work/oplag.out" 2>/dev/null &
  bg_pids+=("$!")
  load_start="$(now_ms)"
  lags=() skews=()
  sleep 1 # let the writer reach its rate
  while kill -0 "$writer_pid" 2>/dev/null && (($(now_ms) - load_start < (lag_seconds - 1) * 1000)); do
    if ! { resp_offset "$src_fd" master_repl_offset && s1="$offset" &&
      resp_offset "$dr_fd" slave_repl_offset && d="$offset" &&
      resp_offset "$src_fd" master_repl_offset && s2="$offset"; }; then
      say "reading the replication offsets failed"
      exit 1
    fi
    lags+=("$(((s1 + s2) / 2 - d))")
    skews+=("$(((s2 - s1) / 2))")
    sleep 0.15
  done
  wait "$writer_pid" 2>/dev/null || true
  load_ms=$(($(now_ms) - load_start))
  resp_offset "$src_fd" master_repl_offset && off_after="$offset"
  kill "${bg_pids[-1]}" 2>/dev/null || true
  acked="$(grep -cx OK "$work/writer.out" || true)"
  other="$(grep -vx OK "$work/writer.out" | head -n 1 || true)"
  [[ -z "$other" ]] || say "the writer got a reply other than OK: $other"
  mapfile -t oplags < <(grep -E '^[0-9]+$' "$work/oplag.out" || true)
  echo "Steady upstream lag of dr's leader under a sustained writer on src-leader:"
  echo "  writes: $acked acknowledged in $((load_ms / 1000)).$(((load_ms % 1000) / 100)) s = $((acked * 1000 / load_ms))/s (target $write_rate/s, ${value_size}-byte values); src's replication stream $(((off_after - off_before) * 1000 / load_ms)) bytes/s"
  stats "lag (src offset - dr leader offset)" " B" 1 "${lags[@]}"
  stats "read skew (half the src offset growth around the dr read)" " B" 1 "${skews[@]}"
  stats "status.replication.lagBytes (every 0.5 s)" " B" 1 "${oplags[@]}"
fi

