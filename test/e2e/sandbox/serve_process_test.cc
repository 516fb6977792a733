// The redis-dr-sandbox binary on its own: serve writes its kubeconfig and pid, and a SIGTERM
// stops it cleanly (exit 0, pid and kubeconfig removed).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;

bool waitFor(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

TEST(SandboxServeTest, WritesKubeconfigAndStopsCleanlyOnSigterm) {
  std::string pattern = (fs::temp_directory_path() / "rdr-sandbox-serve-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path state = fs::path(pattern) / "state";
  const std::string crds = std::string(RDR_SOURCE_DIR) + "/crds";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl(RDR_SANDBOX_BINARY, RDR_SANDBOX_BINARY, "serve", "--name", "serve-test", "--state-dir",
            state.c_str(), "--address", "127.0.0.1", "--port", "0", "--crds", crds.c_str(),
            "--insecure-http-port", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const bool serving =
      waitFor([&] { return fs::exists(state / "kubeconfig"); }, std::chrono::seconds(30));
  EXPECT_TRUE(serving);
  EXPECT_TRUE(fs::exists(state / "pid"));
  std::ifstream kubeconfig(state / "kubeconfig");
  const std::string text((std::istreambuf_iterator<char>(kubeconfig)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("server: \"https://127.0.0.1:"), std::string::npos) << text;
  EXPECT_EQ(text.find("127.0.0.1:0\""), std::string::npos) << text; // the bound port, not 0
  EXPECT_TRUE(fs::exists(state / "token"));
  EXPECT_TRUE(fs::exists(state / "ca.crt"));
  ::kill(child, SIGTERM);
  int status = 0;
  const bool exited = waitFor([&] { return ::waitpid(child, &status, WNOHANG) == child; },
                              std::chrono::seconds(20));
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  EXPECT_TRUE(exited);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_FALSE(fs::exists(state / "pid"));
  EXPECT_FALSE(fs::exists(state / "kubeconfig"));
  fs::remove_all(pattern);
}

TEST(SandboxServeTest, RefusesANameThatIsNotADnsLabel) {
  const std::string command = std::string(RDR_SANDBOX_BINARY) +
                              " serve --name Bad_Name --state-dir /nonexistent --address "
                              "127.0.0.1 --port 0 --crds " +
                              RDR_SOURCE_DIR + "/crds 2>/dev/null";
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "status " << status;
}

} // namespace
} // namespace rdr::sandbox
