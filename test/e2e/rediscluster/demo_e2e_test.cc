// The README's main job, `dev/demo`, end to end: the whole DR drill on two fresh sandboxes with
// private names and state, which must exit 0; both sandboxes are stopped afterwards.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "../sandbox/sandbox_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

TEST(DemoE2eTest, TheDrDrillRunsToTheEnd) {
  if (std::system("command -v kubectl >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "kubectl or redis-cli is not on PATH";
  }
  std::string pattern = (fs::temp_directory_path() / "rdr-e2e-demo-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path scratch = pattern;
  fs::create_directories(scratch / "home");
  const std::string suffix = std::to_string(::getpid());
  const std::string env = "HOME=" + shellQuote((scratch / "home").string()) +
                          " RDR_SANDBOX_ROOT=" + shellQuote((scratch / "sandboxes").string()) +
                          " RDR_SANDBOX_BIN=" + shellQuote(RDR_SANDBOX_BINARY) +
                          " RDR_OPERATOR_BIN=" + shellQuote(RDR_OPERATOR_BINARY) +
                          " DEMO_EAST=demo-e-" + suffix + " DEMO_WEST=demo-w-" + suffix;
  const std::string repo = RDR_SOURCE_DIR;
  const CommandResult demo = runShell(env + " " + shellQuote(repo + "/dev/demo"), scratch);
  for (const std::string side : {"demo-e-", "demo-w-"}) {
    const CommandResult down =
        runShell(env + " " + shellQuote(repo + "/dev/sandbox") + " down " + side + suffix, scratch);
    EXPECT_EQ(down.exit_code, 0) << down.err;
  }
  EXPECT_EQ(demo.exit_code, 0) << demo.out << demo.err;
  EXPECT_NE(demo.out.find("promotion time"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("keys lost"), std::string::npos) << demo.out;
  std::error_code ec;
  fs::remove_all(scratch, ec);
}

} // namespace
} // namespace rdr::sandbox::testing
