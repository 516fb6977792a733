// TokenSource: static tokens, file re-reads every minute and after a 401, failed re-reads.
#include "rdr/kube/token_source.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "unit/kube/temp_dir.h"

namespace rdr::kube {
namespace {

using namespace std::chrono_literals;

class TokenSourceTest : public ::testing::Test {
protected:
  std::string tokenOf(TokenSource& source) {
    auto token = source.token();
    EXPECT_TRUE(token) << token.error().message();
    return token ? *token : "<error>";
  }

  testing::TempDir dir_;
  rdr::testing::ManualClock clock_;
};

TEST_F(TokenSourceTest, ReturnsTheStaticToken) {
  TokenSource source("static", "", clock_);
  EXPECT_EQ(tokenOf(source), "static");
  EXPECT_FALSE(source.rotates());
}

TEST_F(TokenSourceTest, ReturnsNothingWithoutConfiguration) {
  TokenSource source("", "", clock_);
  EXPECT_EQ(tokenOf(source), "");
}

TEST_F(TokenSourceTest, RereadsTheFileAfterAMinute) {
  const std::string file = dir_.write("token", "first\n");
  TokenSource source("", file, clock_);
  EXPECT_TRUE(source.rotates());
  EXPECT_EQ(tokenOf(source), "first");
  dir_.write("token", "second\n");
  clock_.advance(59s);
  EXPECT_EQ(tokenOf(source), "first");
  clock_.advance(1s);
  EXPECT_EQ(tokenOf(source), "second");
}

TEST_F(TokenSourceTest, RereadsTheFileRightAfterInvalidate) {
  const std::string file = dir_.write("token", "first");
  TokenSource source("", file, clock_);
  EXPECT_EQ(tokenOf(source), "first");
  dir_.write("token", "rotated");
  EXPECT_EQ(tokenOf(source), "first");
  source.invalidate();
  EXPECT_EQ(tokenOf(source), "rotated");
}

TEST_F(TokenSourceTest, KeepsTheLastGoodTokenWhenTheFileDisappears) {
  const std::string file = dir_.write("token", "good");
  TokenSource source("", file, clock_);
  EXPECT_EQ(tokenOf(source), "good");
  std::filesystem::remove(file);
  clock_.advance(2min);
  EXPECT_EQ(tokenOf(source), "good");
  dir_.write("token", "   \n");
  source.invalidate();
  EXPECT_EQ(tokenOf(source), "good");
}

TEST_F(TokenSourceTest, FileWinsOverTheStaticTokenOnceRead) {
  const std::string missing = dir_.path() + "/token";
  TokenSource source("static", missing, clock_);
  EXPECT_EQ(tokenOf(source), "static");
  dir_.write("token", "from-file");
  clock_.advance(TokenSource::kRefreshPeriod);
  EXPECT_EQ(tokenOf(source), "from-file");
}

TEST_F(TokenSourceTest, IsUnauthorizedWithoutAnyToken) {
  TokenSource source("", dir_.path() + "/absent", clock_);
  const auto token = source.token();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code(), ErrorCode::Unauthorized);
  EXPECT_EQ(token.error().message(), "no bearer token in " + dir_.path() + "/absent: cannot read " +
                                         dir_.path() + "/absent: No such file or directory");
}

} // namespace
} // namespace rdr::kube
