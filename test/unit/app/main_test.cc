// The binary's exit codes and messages: 0 for --help/--version, 2 for bad flags and for an API
// server that cannot be found or reached.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "support/loopback.h"

namespace {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// Files named after the test and the process, since ctest runs tests in parallel.
std::string scratchStem() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "rdr_main_" + test->name() + "_" + std::to_string(::getpid());
}

// Runs the operator with `args` (every test disables the metrics and probe endpoints), after
// `environment` (e.g. "env -u KUBECONFIG ").
Outcome run(const std::string& args, const std::string& environment = "") {
  const std::string stem = scratchStem();
  const std::string out = stem + ".out";
  const std::string err = stem + ".err";
  const std::string command =
      environment + std::string(RDR_OPERATOR_BINARY) + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  Outcome result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return result;
}

TEST(MainTest, VersionAndHelpExitZero) {
  const Outcome version = run("--version");
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("redis-dr-operator ", 0), 0u) << version.out;
  const Outcome help = run("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--leader-election-retry-period DURATION"), std::string::npos);
}

TEST(MainTest, BadFlagsExitTwoWithTheMessageAndAUsageHint) {
  const Outcome bad = run("--log-format=xml");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err, "redis-dr-operator: invalid value \"xml\" for flag --log-format: unknown log "
                     "format \"xml\" (accepted: text, json)\n"
                     "Run 'redis-dr-operator --help' for usage.\n");
}

const std::string kNoEndpoints = " --metrics-bind-address=0 --health-probe-bind-address=0";

TEST(MainTest, AnUnreachableApiServerExitsTwoNamingIt) {
  const int port = rdr::testing::freeLoopbackPort(); // nothing listens there
  ASSERT_GT(port, 0);
  const std::string kubeconfig = scratchStem() + ".kubeconfig";
  const std::string server = "https://127.0.0.1:" + std::to_string(port);
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                               "clusters: [{name: k, cluster: {server: \""
                            << server
                            << "\", insecure-skip-tls-verify: true}}]\n"
                               "users: [{name: u, user: {token: t}}]\n"
                               "contexts: [{name: c, context: {cluster: k, user: u}}]\n";
  const Outcome running = run("--kubeconfig=" + kubeconfig + kNoEndpoints);
  std::remove(kubeconfig.c_str());
  EXPECT_EQ(running.code, 2);
  EXPECT_EQ(running.out, "");
  EXPECT_NE(running.err.find("\nredis-dr-operator: cannot reach the Kubernetes API server at " +
                             server + ": "),
            std::string::npos)
      << running.err;
}

TEST(MainTest, AKubeconfigThatDoesNotExistExitsTwoNamingIt) {
  const std::string missing = scratchStem() + ".missing-kubeconfig";
  const Outcome running = run("--kubeconfig=" + missing + kNoEndpoints);
  EXPECT_EQ(running.code, 2);
  EXPECT_NE(running.err.find("\nredis-dr-operator: cannot load the kubeconfig \"" + missing + "\""),
            std::string::npos)
      << running.err;
}

TEST(MainTest, NoKubeconfigNoHomeConfigAndNoClusterExitsTwoNamingWhatWasTried) {
  const std::string home = scratchStem() + ".home";
  std::filesystem::create_directories(home);
  const Outcome running = run(kNoEndpoints, "env -u KUBECONFIG -u KUBERNETES_SERVICE_HOST "
                                            "-u KUBERNETES_SERVICE_PORT HOME=" + home + " ");
  std::filesystem::remove_all(home);
  EXPECT_EQ(running.code, 2);
  EXPECT_NE(running.err.find("\nredis-dr-operator: no Kubernetes API server to connect to: "
                             "--kubeconfig and $KUBECONFIG are unset, " + home +
                             "/.kube/config does not exist, and the in-cluster config is "
                             "unavailable ("),
            std::string::npos)
      << running.err;
}

} // namespace
