// A sandbox started through `dev/sandbox up NAME --no-operator` for one test, and the real kubectl
// run against it with a private HOME (no shared discovery or HTTP cache).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace rdr::sandbox::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line with stdout and stderr captured separately.
CommandResult runShell(const std::string& command_line, const std::filesystem::path& scratch);

// Quotes a string for a POSIX shell.
std::string shellQuote(const std::string& text);

// Polls `condition` every 200 ms until it holds or the timeout passes; @return the last answer.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// A seed manifest of test/data/seeds/, verbatim.
std::string readSeed(const std::string& file);

class SandboxTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `kubectl --kubeconfig <sandbox> <arguments>` (arguments already shell-quoted as needed).
  CommandResult kubectl(const std::string& arguments);
  // kubectl with a manifest on stdin: `kubectl <arguments> -f -`.
  CommandResult kubectlWithInput(const std::string& arguments, const std::string& manifest);
  // `dev/sandbox <arguments>` with the test's environment.
  CommandResult devSandbox(const std::string& arguments);

  // Creates the namespace (through apply: kubectl create namespace sends protobuf).
  void createNamespace(const std::string& name);

  std::filesystem::path scratch_; // private HOME and command output files
  std::string name_;
  std::string kubeconfig_;
  CommandResult up_;
  bool started_ = false;
};

} // namespace rdr::sandbox::testing
