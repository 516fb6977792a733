# bench/lib.sh: what every bench script shares: a private work dir and kubectl HOME, its own
# sandbox (dev/sandbox up), cleanup on every exit, messages. Sourced, never run.
#
# Use: `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; bench_init <bench name>`, then
#   bench_require TOOL...         exits with a message when a tool is missing;
#   bench_sandbox_up [ARGS...]    dev/sandbox up <sandbox_name> ARGS (e.g. --no-operator), sets
#                                 $kubeconfig; the sandbox goes down on exit;
#   bg_pids+=("$!")               a background job (its process group) to stop on exit;
#   bench_on_exit() { ...; }      an optional hook the script defines, run first on exit;
#   say MESSAGE                   "<bench name>: MESSAGE" on stderr;
#   wait_for SECONDS WHAT FUNCTION  polls FUNCTION every 0.2 s until it succeeds, else exits
#                                 saying WHAT was not reached and $why (FUNCTION sets it);
#   now_ms, is_loopback IP.
# Sets: repo, work, sandbox_name; exports BUILD_DIR, RDR_SANDBOX_ROOT (default
# /tmp/rdr-bench-sandboxes) and HOME (kubectl's discovery cache stays private).

bench_init() {
  bench_name="$1"
  repo="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
  export BUILD_DIR="${BUILD_DIR:-$repo/build}"
  export RDR_SANDBOX_ROOT="${RDR_SANDBOX_ROOT:-/tmp/rdr-bench-sandboxes}"
  sandbox_name="rdr-${bench_name//_/-}-$$" # a DNS label
  work="$(mktemp -d "/tmp/rdr-bench-$bench_name.XXXXXX")"
  export HOME="$work/home"
  mkdir -p "$HOME"
  sandbox_up=0
  bg_pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

say() { echo "$bench_name: $*" >&2; }

bench_cleanup() {
  local code=$? pid
  if declare -F bench_on_exit >/dev/null; then
    bench_on_exit || true
  fi
  for pid in "${bg_pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((sandbox_up)); then
    "$repo/dev/sandbox" down "$sandbox_name" >/dev/null 2>&1 || say "dev/sandbox down $sandbox_name failed"
  fi
  rm -rf "$work"
  exit "$code"
}

bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { say "$tool is not installed"; exit 1; }
  done
}

bench_sandbox_up() {
  local output
  sandbox_up=1
  output="$("$repo/dev/sandbox" up "$sandbox_name" "$@")"
  kubeconfig="$(sed -n 's/^KUBECONFIG=//p' <<<"$output")"
  [[ -f "$kubeconfig" ]] || { say "dev/sandbox up printed no kubeconfig: $output"; exit 1; }
}

now_ms() { local t="${EPOCHREALTIME/./}"; echo $((t / 1000)); }
is_loopback() { [[ "$1" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; }

why=""
wait_for() {
  local deadline=$((SECONDS + $1))
  until "$3"; do
    ((SECONDS < deadline)) || { say "$2 not reached after $1 s: $why"; exit 1; }
    sleep 0.2
  done
}
