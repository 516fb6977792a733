// The sandbox fixture: up in SetUp, down in TearDown (always), kubectl with a private HOME.
#include "sandbox_fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool onPath(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

} // namespace

std::string shellQuote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult runShell(const std::string& command_line, const fs::path& scratch) {
  const fs::path out = scratch / "command.out";
  const fs::path err = scratch / "command.err";
  const std::string wrapped = "( " + command_line + " ) </dev/null >" + shellQuote(out.string()) +
                              " 2>" + shellQuote(err.string());
  const int status = std::system(wrapped.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = readFile(out);
  result.err = readFile(err);
  return result;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return condition();
}

std::string readSeed(const std::string& file) {
  return readFile(fs::path(RDR_TEST_DATA_DIR) / "seeds" / file);
}

void SandboxTest::SetUp() {
  if (!onPath("kubectl")) {
    GTEST_SKIP() << "kubectl is not on PATH";
  }
  static std::atomic<int> counter{0};
  name_ = "e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string pattern = (fs::temp_directory_path() / "rdr-e2e-sandbox-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  scratch_ = pattern;
  fs::create_directories(scratch_ / "home");
  up_ = devSandbox("up " + name_ + " --no-operator");
  started_ = true; // down even when up failed half-way
  ASSERT_EQ(up_.exit_code, 0) << up_.err;
  ASSERT_TRUE(up_.out.starts_with("KUBECONFIG=")) << up_.out;
  kubeconfig_ = up_.out.substr(std::string("KUBECONFIG=").size());
  while (!kubeconfig_.empty() && kubeconfig_.back() == '\n') {
    kubeconfig_.pop_back();
  }
}

void SandboxTest::TearDown() {
  if (started_) {
    // Always: `up` cleans up after itself when it fails, but a half-started sandbox must not stay.
    const CommandResult down = devSandbox("down " + name_);
    if (up_.exit_code == 0) {
      EXPECT_EQ(down.exit_code, 0) << down.err;
    }
  }
  if (!scratch_.empty()) {
    std::error_code ec;
    fs::remove_all(scratch_, ec);
  }
}

CommandResult SandboxTest::devSandbox(const std::string& arguments) {
  const std::string command = "RDR_SANDBOX_BIN=" + shellQuote(RDR_SANDBOX_BINARY) + " " +
                              shellQuote(std::string(RDR_SOURCE_DIR) + "/dev/sandbox") + " " +
                              arguments;
  return runShell(command, scratch_);
}

CommandResult SandboxTest::kubectl(const std::string& arguments) {
  const std::string command = "HOME=" + shellQuote((scratch_ / "home").string()) +
                              " KUBECONFIG= kubectl --kubeconfig " + shellQuote(kubeconfig_) +
                              " --request-timeout=30s " + arguments;
  return runShell(command, scratch_);
}

CommandResult SandboxTest::kubectlWithInput(const std::string& arguments,
                                            const std::string& manifest) {
  const fs::path input = scratch_ / "manifest.yaml";
  std::ofstream(input) << manifest;
  return kubectl(arguments + " -f " + shellQuote(input.string()));
}

void SandboxTest::createNamespace(const std::string& name) {
  const CommandResult created = kubectlWithInput(
      "apply", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
}

} // namespace rdr::sandbox::testing
