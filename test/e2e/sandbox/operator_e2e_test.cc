// The operator against sandboxes: `dev/sandbox up` starts it holding the Lease, and two replicas
// hand the Lease over on SIGTERM (release), on SIGKILL (expiry) and exit when it is taken away.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sandbox_fixture.h"

extern char** environ;

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kLease = "redis-dr-operator-leader";

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether process `pid` runs: it exists and is not a zombie left for its reaper.
bool alive(const std::string& pid) {
  const std::string stat = readText("/proc/" + pid + "/stat");
  const auto end = stat.rfind(") ");
  return end != std::string::npos && end + 2 < stat.size() && stat[end + 2] != 'Z';
}

// One redis-dr-operator process started by the test, logging to <scratch>/<name>.log.
struct OperatorProcess {
  std::string name; // also $POD_NAME, so its identity is "<name>_<hex>"
  fs::path log;
  pid_t pid = -1;
  int exit_status = -1; // waitpid status once reaped

  bool running() const { return pid > 0 && exit_status == -1; }
};

class OperatorE2eTest : public SandboxTest {
protected:
  void TearDown() override {
    for (OperatorProcess& process : processes_) {
      stopProcess(process, SIGKILL);
    }
    if (!operator_sandbox_.empty()) {
      devSandboxWithOperator("down " + operator_sandbox_);
    }
    SandboxTest::TearDown();
  }

  // `dev/sandbox` with both prebuilt binaries, so that it builds nothing.
  CommandResult devSandboxWithOperator(const std::string& arguments) {
    return runShell("RDR_SANDBOX_BIN=" + shellQuote(RDR_SANDBOX_BINARY) +
                        " RDR_OPERATOR_BIN=" + shellQuote(RDR_OPERATOR_BINARY) + " " +
                        shellQuote(std::string(RDR_SOURCE_DIR) + "/dev/sandbox") + " " +
                        arguments,
                    scratch_);
  }

  CommandResult kubectlAt(const std::string& kubeconfig, const std::string& arguments) {
    return runShell("HOME=" + shellQuote((scratch_ / "home").string()) +
                        " KUBECONFIG= kubectl --kubeconfig " + shellQuote(kubeconfig) +
                        " --request-timeout=10s " + arguments,
                    scratch_);
  }

  // The Lease's holder in the sandbox, "" when released or absent.
  std::string holder(const std::string& kubeconfig) {
    const CommandResult got = kubectlAt(kubeconfig, "get lease -n kube-system " + kLease +
                                                        " -o jsonpath={.spec.holderIdentity}");
    return got.exit_code == 0 ? trimmed(got.out) : "";
  }

  // Polls the holder until `accept` says yes or `limit` passes. @return the holder and the time
  // it took (limit exceeded: the last holder seen and a duration above the limit).
  template <typename Accept>
  std::pair<std::string, milliseconds> waitForHolder(Accept accept, milliseconds limit) {
    const auto start = Clock::now();
    std::string seen;
    while (true) {
      seen = holder(kubeconfig_);
      const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      if (accept(seen) || elapsed > limit) {
        return {seen, elapsed};
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  }

  // Starts an operator with short leader-election durations against the fixture's sandbox.
  OperatorProcess& startOperator(const std::string& name) {
    OperatorProcess process;
    process.name = name;
    process.log = scratch_ / (name + ".log");
    const std::vector<std::string> args = {
        RDR_OPERATOR_BINARY,
        "--kubeconfig=" + kubeconfig_,
        "--leader-elect",
        "--leader-election-namespace=kube-system",
        "--leader-election-lease-duration=2s",
        "--leader-election-renew-deadline=1500ms",
        "--leader-election-retry-period=500ms",
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0"};
    std::vector<std::string> env = {"POD_NAME=" + name, "PATH=/usr/bin:/bin"};
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const std::string& entry : env) {
      envp.push_back(const_cast<char*>(entry.c_str()));
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, process.log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawned =
        posix_spawn(&process.pid, RDR_OPERATOR_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(spawned, 0) << "cannot start " << RDR_OPERATOR_BINARY;
    processes_.push_back(process);
    return processes_.back();
  }

  // Reaps the process if it ended within `limit`. @return whether it did.
  static bool waitForExit(OperatorProcess& process, milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (process.running()) {
      int status = 0;
      const pid_t reaped = ::waitpid(process.pid, &status, WNOHANG);
      if (reaped == process.pid) {
        process.exit_status = status;
        return true;
      }
      if (Clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }

  static void stopProcess(OperatorProcess& process, int signal) {
    if (process.running()) {
      ::kill(process.pid, signal);
      if (!waitForExit(process, milliseconds(10'000))) {
        ::kill(process.pid, SIGKILL);
        waitForExit(process, milliseconds(10'000));
      }
    }
  }

  static bool ownedBy(const std::string& holder, const OperatorProcess& process) {
    return holder.rfind(process.name + "_", 0) == 0;
  }

  std::deque<OperatorProcess> processes_; // a deque: references stay valid as it grows
  std::string operator_sandbox_;
};

TEST_F(OperatorE2eTest, UpStartsTheOperatorHoldingTheLeaseAndDownStopsIt) {
  operator_sandbox_ = name_ + "-op";
  const CommandResult up = devSandboxWithOperator("up " + operator_sandbox_);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_TRUE(up.out.starts_with("KUBECONFIG=")) << up.out;
  EXPECT_EQ(std::count(up.out.begin(), up.out.end(), '\n'), 1) << up.out;
  const std::string kubeconfig = trimmed(up.out.substr(std::string("KUBECONFIG=").size()));
  const fs::path state = fs::path(kubeconfig).parent_path();
  const std::string pid = trimmed(readText(state / "operator.pid"));
  ASSERT_FALSE(pid.empty());
  EXPECT_TRUE(alive(pid)) << pid;

  // `up` waited for /readyz; the Lease follows within the first attempt.
  std::string held;
  for (int i = 0; i < 50 && held.empty(); ++i) {
    held = holder(kubeconfig);
    if (held.empty()) {
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  EXPECT_FALSE(held.empty()) << readText(state / "operator.log");
  const std::string address = trimmed(readText(state / "address"));
  const std::string port = trimmed(readText(state / "operator.port"));
  const CommandResult ready = runShell("curl -sf http://" + address + ":" + port + "/readyz",
                                       scratch_);
  EXPECT_EQ(ready.exit_code, 0) << ready.err;
  EXPECT_EQ(ready.out, "ok");
  const std::string log = readText(state / "operator.log");
  EXPECT_NE(log.find("Started the controller rediscluster-controller."), std::string::npos) << log;
  const CommandResult listed = devSandboxWithOperator("ls");
  EXPECT_NE(listed.out.find(" " + pid + "\n"), std::string::npos) << listed.out;

  const CommandResult down = devSandboxWithOperator("down " + operator_sandbox_);
  EXPECT_EQ(down.exit_code, 0) << down.err;
  operator_sandbox_.clear();
  EXPECT_FALSE(alive(pid)) << "the operator " << pid << " outlived down";
  EXPECT_FALSE(fs::exists(state));
}

TEST_F(OperatorE2eTest, TwoReplicasHandTheLeaseOverOnSigtermAndAfterSigkill) {
  OperatorProcess& a = startOperator("replica-a");
  OperatorProcess& b = startOperator("replica-b");
  const std::string first =
      waitForHolder([](const std::string& h) { return !h.empty(); }, milliseconds(10'000)).first;
  ASSERT_FALSE(first.empty()) << readText(a.log) << readText(b.log);
  ASSERT_TRUE(ownedBy(first, a) || ownedBy(first, b)) << first;
  OperatorProcess& leader = ownedBy(first, a) ? a : b;
  OperatorProcess& standby = ownedBy(first, a) ? b : a;
  // Exactly one leads: the holder stays for longer than a lease, and only it logged leading.
  std::this_thread::sleep_for(milliseconds(2'500));
  EXPECT_EQ(holder(kubeconfig_), first);
  EXPECT_NE(readText(leader.log).find("became the leader"), std::string::npos);
  EXPECT_EQ(readText(standby.log).find("became the leader"), std::string::npos);
  ASSERT_TRUE(standby.running());

  // SIGTERM: the leader releases the Lease, the standby takes it well within a lease duration.
  ::kill(leader.pid, SIGTERM);
  auto [second, handover] = waitForHolder(
      [&](const std::string& h) { return ownedBy(h, standby); }, milliseconds(3'000));
  EXPECT_TRUE(ownedBy(second, standby)) << "holder " << second << " after " << handover.count()
                                        << " ms\n" << readText(standby.log);
  std::cerr << "SIGTERM handover took " << handover.count() << " ms (lease 2000 ms)\n";
  ASSERT_TRUE(waitForExit(leader, milliseconds(5'000)));
  EXPECT_TRUE(WIFEXITED(leader.exit_status) && WEXITSTATUS(leader.exit_status) == 0)
      << readText(leader.log);
  EXPECT_NE(readText(leader.log).find("Released the lease"), std::string::npos);

  // SIGKILL: nothing is released; a new standby takes over once the lease has expired.
  OperatorProcess& replacement = startOperator("replica-c");
  std::this_thread::sleep_for(milliseconds(1'500)); // it has seen the live lease
  ASSERT_TRUE(ownedBy(holder(kubeconfig_), standby));
  ::kill(standby.pid, SIGKILL);
  auto [third, expiry] = waitForHolder(
      [&](const std::string& h) { return ownedBy(h, replacement); }, milliseconds(6'000));
  EXPECT_TRUE(ownedBy(third, replacement)) << "holder " << third << " after " << expiry.count()
                                           << " ms\n" << readText(replacement.log);
  std::cerr << "SIGKILL takeover took " << expiry.count() << " ms (lease 2000 ms)\n";
  // Not before expiry: the replacement last saw a renewal at most ~1.1 s before the kill.
  EXPECT_GE(expiry.count(), 800);
  EXPECT_TRUE(waitForExit(standby, milliseconds(2'000)));
}

TEST_F(OperatorE2eTest, ALeaderWhoseLeaseIsTakenExitsNonZeroAtOnce) {
  OperatorProcess& only = startOperator("replica-a");
  const std::string held =
      waitForHolder([&](const std::string& h) { return ownedBy(h, only); }, milliseconds(10'000))
          .first;
  ASSERT_TRUE(ownedBy(held, only)) << readText(only.log);
  // Someone else writes the Lease: renewals conflict and the record is another's, unexpired.
  const CommandResult taken = kubectl(
      "patch lease -n kube-system " + kLease + " --type=merge -p " +
      shellQuote(R"({"spec":{"holderIdentity":"intruder","leaseDurationSeconds":60}})"));
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  // Renew deadline 1.5 s, retry 0.5 s: the process ends soon after, with code 1.
  ASSERT_TRUE(waitForExit(only, milliseconds(6'000))) << readText(only.log);
  EXPECT_TRUE(WIFEXITED(only.exit_status) && WEXITSTATUS(only.exit_status) == 1)
      << readText(only.log);
  EXPECT_NE(readText(only.log).find("Lost the lease kube-system/" + kLease), std::string::npos)
      << readText(only.log);
  EXPECT_EQ(holder(kubeconfig_), "intruder");
}

} // namespace
} // namespace rdr::sandbox::testing
