// The binary's exit codes and messages: 0 for --help/--version, 2 for bad flags and for running.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

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

// Runs the operator with `args` (no sockets: every test disables or avoids the endpoints). The
// output files are named after the test and the process, since ctest runs tests in parallel.
Outcome run(const std::string& args) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string stem = ::testing::TempDir() + "rdr_main_" + test->name() + "_" +
                           std::to_string(::getpid());
  const std::string out = stem + ".out";
  const std::string err = stem + ".err";
  const std::string command =
      std::string(RDR_OPERATOR_BINARY) + " " + args + " >" + out + " 2>" + err;
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

TEST(MainTest, RunningExitsTwoBecauseTheManagerIsNotWiredYet) {
  const Outcome running = run("--metrics-bind-address=0 --health-probe-bind-address=0");
  EXPECT_EQ(running.code, 2);
  EXPECT_NE(running.err.find("redis-dr-operator: the controller manager cannot run yet"),
            std::string::npos)
      << running.err;
}

} // namespace
