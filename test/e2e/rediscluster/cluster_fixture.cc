// ClusterSandboxTest: operator process control, kubectl queries and redis-cli helpers.
#include "cluster_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

} // namespace

void ClusterSandboxTest::SetUp() {
  SandboxTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) {
    return;
  }
  if (std::system("command -v redis-cli >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "redis-cli is not on PATH";
  }
  createNamespace("apps");
  startOperator();
}

void ClusterSandboxTest::TearDown() {
  killOperator();
  // Pods are stopped by `dev/sandbox down` (SandboxTest::TearDown).
  SandboxTest::TearDown();
}

void ClusterSandboxTest::startOperator() {
  const fs::path log = scratch_ / ("operator-" + std::to_string(operator_starts_++) + ".log");
  // Inside the sandbox's mount namespace (as dev/sandbox starts it), so that cluster DNS names
  // such as prod-redis-leader.production.svc.cluster.local resolve for the operator too.
  std::vector<std::string> args;
  std::ifstream pid_file(fs::path(kubeconfig_).parent_path() / "pid");
  std::string sandbox_pid;
  pid_file >> sandbox_pid;
  if (::geteuid() == 0 && !sandbox_pid.empty() &&
      std::system("command -v nsenter >/dev/null 2>&1") == 0) {
    args = {"/usr/bin/nsenter", "--mount=/proc/" + sandbox_pid + "/ns/mnt", "--"};
  }
  for (const std::string& arg : {std::string(RDR_OPERATOR_BINARY),
                                   std::string("--kubeconfig"),
                                   kubeconfig_,
                                   std::string("--metrics-bind-address"),
                                   std::string("127.0.0.1:0"),
                                   std::string("--health-probe-bind-address"),
                                   std::string("0"),
                                   std::string("--allowed-source-networks=127.0.0.0/8"),
                                   std::string("--log-level"),
                                   std::string("debug")}) {
    args.push_back(arg);
  }
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int spawned =
      posix_spawn(&operator_pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ASSERT_EQ(spawned, 0) << "cannot start " << RDR_OPERATOR_BINARY;
}

void ClusterSandboxTest::killOperator() {
  if (operator_pid_ <= 0) {
    return;
  }
  ::kill(operator_pid_, SIGKILL);
  int status = 0;
  ::waitpid(operator_pid_, &status, 0);
  operator_pid_ = -1;
}

std::string ClusterSandboxTest::operatorLog() const {
  std::ifstream in(scratch_ / ("operator-" + std::to_string(operator_starts_ - 1) + ".log"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ClusterSandboxTest::metrics() {
  std::smatch match;
  const std::string log = operatorLog();
  static const std::regex kServing(R"(Serving metrics on ([0-9.]+):([0-9]+)/metrics)");
  if (!std::regex_search(log, match, kServing)) {
    return "";
  }
  return runShell("curl -sf http://" + match[1].str() + ":" + match[2].str() + "/metrics", scratch_)
      .out;
}

std::string ClusterSandboxTest::jsonpath(const std::string& what, const std::string& path) {
  const CommandResult result =
      kubectl("-n " + ns_ + " get " + what + " -o " + shellQuote("jsonpath=" + path));
  return result.exit_code == 0 ? trimmed(result.out) : "";
}

void ClusterSandboxTest::applyCluster(const std::string& name, int instances) {
  const std::string manifest = "apiVersion: redis.io/v1\nkind: RedisCluster\nmetadata:\n  name: " +
                               name + "\n  namespace: " + ns_ + "\nspec:\n  instances: " +
                               std::to_string(instances) + "\n";
  const CommandResult applied = kubectlWithInput("apply", manifest);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
}

void ClusterSandboxTest::waitForPhase(const std::string& cluster, const std::string& phase,
                                      std::chrono::seconds timeout) {
  std::string last;
  const bool reached = eventually(
      [&] {
        last = jsonpath("rediscluster " + cluster,
                        "{.status.phase} {.status.observedGeneration} {.metadata.generation}");
        std::istringstream fields(last);
        std::string seen, observed, generation;
        fields >> seen >> observed >> generation;
        return seen == phase && observed == generation;
      },
      timeout);
  ASSERT_TRUE(reached) << "RedisCluster " << cluster << " is not " << phase << " after "
                       << timeout.count() << " s (phase, observedGeneration, generation: " << last
                       << ")\nstatus: "
                       << kubectl("-n " + ns_ + " get rediscluster " + cluster + " -o yaml").out
                       << "\noperator log tail:\n"
                       << operatorLog().substr(operatorLog().size() > 4000 ? operatorLog().size() - 4000 : 0);
}

std::string ClusterSandboxTest::password(const std::string& cluster) {
  const std::string encoded = jsonpath("secret " + cluster + "-auth", "{.data.password}");
  return trimmed(runShell("echo " + shellQuote(encoded) + " | base64 -d", scratch_).out);
}

CommandResult ClusterSandboxTest::redisCli(const std::string& cluster, const std::string& host,
                                           const std::string& arguments, const std::string& input) {
  std::string command = "REDISCLI_AUTH=" + shellQuote(password(cluster)) +
                        " timeout 10 redis-cli --no-auth-warning -h " + shellQuote(host) +
                        " -p 6379 " + arguments;
  if (!input.empty()) {
    const fs::path file = scratch_ / "redis-input.txt";
    std::ofstream(file) << input;
    command += " < " + shellQuote(file.string());
  }
  return runShell(command, scratch_);
}

void ClusterSandboxTest::writeKeys(const std::string& cluster, const std::string& host, int first,
                                   int count, int replicas) {
  std::string input;
  for (int i = first; i < first + count; ++i) {
    input += "SET key:" + std::to_string(i) + " value-" + std::to_string(i) + "\n";
  }
  input += "WAIT " + std::to_string(replicas) + " 5000\n";
  const CommandResult written = redisCli(cluster, host, "", input);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  ASSERT_EQ(written.out.find("ERR"), std::string::npos) << written.out;
  const std::string last_line = trimmed(written.out.substr(written.out.rfind('\n', written.out.size() - 2) + 1));
  // WAIT answers how many replicas acknowledged: at least the ones asked for (a DR leader
  // following this cluster counts too).
  int acknowledged = -1;
  try {
    acknowledged = std::stoi(last_line);
  } catch (const std::exception&) {
  }
  ASSERT_GE(acknowledged, replicas) << "WAIT answered " << last_line;
}

int ClusterSandboxTest::countKeys(const std::string& cluster, const std::string& host) {
  const CommandResult size = redisCli(cluster, host, "DBSIZE");
  try {
    return size.exit_code == 0 ? std::stoi(trimmed(size.out)) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

std::string ClusterSandboxTest::role(const std::string& cluster, const std::string& pod_ip) {
  const CommandResult info = redisCli(cluster, pod_ip, "INFO replication");
  const auto at = info.out.find("role:");
  if (info.exit_code != 0 || at == std::string::npos) {
    return "";
  }
  return trimmed(info.out.substr(at + 5, info.out.find('\n', at) - at - 5));
}

CommandResult ClusterSandboxTest::sentinelCli(const std::string& host,
                                             const std::string& arguments) {
  return runShell("timeout 10 redis-cli -h " + shellQuote(host) + " -p 26379 " + arguments, scratch_);
}

std::string ClusterSandboxTest::sentinelMasterAddress(const std::string& host,
                                                      const std::string& master) {
  const CommandResult named =
      sentinelCli(host, "SENTINEL get-master-addr-by-name " + shellQuote(master));
  if (named.exit_code != 0 || named.out.empty() || named.out.starts_with("ERR") ||
      named.out.find("Could not connect") != std::string::npos) {
    return "?";
  }
  std::istringstream lines(named.out);
  std::string ip, port;
  std::getline(lines, ip);
  std::getline(lines, port);
  ip = trimmed(ip);
  port = trimmed(port);
  return ip.empty() ? "" : ip + ":" + port;
}

std::string ClusterSandboxTest::sentinelMasterField(const std::string& host,
                                                    const std::string& master,
                                                    const std::string& field) {
  const CommandResult fields = sentinelCli(host, "SENTINEL master " + shellQuote(master));
  std::istringstream lines(fields.out);
  std::string name, value;
  while (std::getline(lines, name) && std::getline(lines, value)) {
    if (trimmed(name) == field) {
      return trimmed(value);
    }
  }
  return "";
}

std::vector<std::string> ClusterSandboxTest::sentinelKnownIps(const std::string& host,
                                                              const std::string& master) {
  std::vector<std::string> ips;
  for (const char* kind : {"replicas", "sentinels"}) {
    // Raw output flattens the nested arrays: field and value lines alternate per entry.
    const CommandResult listed =
        sentinelCli(host, std::string("SENTINEL ") + kind + " " + shellQuote(master));
    std::istringstream lines(listed.out);
    std::string name, value;
    while (std::getline(lines, name) && std::getline(lines, value)) {
      if (trimmed(name) == "ip") {
        ips.push_back(trimmed(value));
      }
    }
  }
  return ips;
}

std::string ClusterSandboxTest::podNames(const std::string& selector) {
  return jsonpath("pods -l " + shellQuote(selector), "{.items[*].metadata.name}");
}

std::string ClusterSandboxTest::podIp(const std::string& pod) {
  return jsonpath("pod " + pod, "{.status.podIP}");
}

std::string ClusterSandboxTest::clusterIp(const std::string& service) {
  return jsonpath("service " + service, "{.spec.clusterIP}");
}

CommandResult ClusterSandboxTest::fault(const std::string& action, const std::string& target) {
  return devSandbox("fault " + name_ + " " + action + " " + target);
}

bool ClusterSandboxTest::eventually(const std::function<bool()>& condition,
                                    std::chrono::milliseconds timeout) {
  return testing::eventually(condition, timeout);
}

} // namespace rdr::sandbox::testing
