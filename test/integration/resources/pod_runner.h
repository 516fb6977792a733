// Runs built data and Sentinel pods as real redis-server processes on loopback, as the sandbox's
// node agent does: the pod's own container command, its secretKeyRef environment, bind/port/dir
// overridden.
#pragma once

#include "support/loopback.h"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

namespace rdr::resources::testing {

// A Redis reply flattened to text: the string/status/integer value, or the error line.
struct Reply {
  bool error = false;
  std::string text;
};

// One hiredis connection to 127.0.0.1:<port>.
class RedisConnection {
public:
  explicit RedisConnection(int port);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  bool connected() const { return context_ != nullptr && context_->err == 0; }
  // Sends one command; a lost connection is reported as an error reply.
  Reply command(const std::vector<std::string>& argv);
  // CONFIG GET <name> -> value, or nothing when unknown.
  std::optional<std::string> configGet(const std::string& name);
  // The value of "<field>:" in INFO <section>, or "" when absent.
  std::string infoField(const std::string& section, const std::string& field);

private:
  redisContext* context_ = nullptr;
};

// Sends raw RESP from a socket bound to source_ip (a loopback address) to 127.0.0.1:<port> and
// returns what the server answered within a second: how a client Redis sees as non-local talks.
std::string exchangeFrom(const std::string& source_ip, int port, const std::string& payload);

using rdr::testing::freeLoopbackPort; // test/support/loopback.h
using rdr::testing::waitFor;

// Runs `sh -c <script>` with exactly the given environment (plus PATH); returns the exit status,
// or -1 when it did not finish within the timeout (then it is killed).
int runShell(const std::string& script, const std::map<std::string, std::string>& env,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct RunningPod {
  pid_t pid = -1;
  int port = 0;
  std::filesystem::path log;
};

// Starts pods and stops every one of them (SIGTERM, then SIGKILL) in stopAll() or on destruction.
class PodRunner {
public:
  // secrets: Secret name -> the value of its key "password", as the kubelet would inject it.
  PodRunner(std::filesystem::path work_dir, std::map<std::string, std::string> secrets);
  ~PodRunner();

  // Writes redis_conf to the pod's own directory with its `dir` line pointing at the pod's data
  // directory, replaces the ConfigMap mount path in the start script by that file, appends
  // `--bind 127.0.0.1 --port <free>` to the pod's args, and execs the container command with the
  // pod's secretKeyRef environment.
  // The pod's /tmp emptyDir is <work_dir>/<pod>/tmp, kept across starts like the kubelet keeps
  // it across container restarts. port 0: a free one.
  RunningPod start(const nlohmann::json& pod, const std::string& redis_conf, int port = 0);
  // Runs a Sentinel pod: replaces its /data emptyDir in the start script by <work_dir>/<pod>/data
  // (kept across starts, like the kubelet keeps an emptyDir across container restarts) and
  // appends `--bind 127.0.0.1 --port <port>` to its args (arguments come after the config file,
  // so they override its `port 26379`). port 0: a free one.
  RunningPod startSentinel(const nlohmann::json& pod, int port = 0);
  // SIGKILL, as a crash or an OOM kill: no shutdown save, no goodbye to replicas.
  void crash(const RunningPod& pod);
  // Waits until the server answers PING after AUTH with the pod's own password.
  bool waitUntilServing(const RunningPod& pod, const std::string& password);
  // True once the process has exited; sets exit_code when it exited normally.
  bool exited(const RunningPod& pod, int* exit_code);
  void stopAll();

private:
  // Appends the container's args and `--bind 127.0.0.1 --port <port or a free one>`, then execs.
  RunningPod launch(const nlohmann::json& container, std::vector<std::string> argv,
                    const std::map<std::string, std::string>& env,
                    const std::filesystem::path& dir, int port);

  std::filesystem::path work_dir_;
  std::map<std::string, std::string> secrets_;
  std::vector<pid_t> pids_;
};

std::string readText(const std::filesystem::path& path);

} // namespace rdr::resources::testing
