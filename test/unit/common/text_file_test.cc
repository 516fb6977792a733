// trim() and readFile(), shared by every module.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rdr/common/file.h"
#include "rdr/common/text.h"

namespace rdr {
namespace {

TEST(TextTest, TrimRemovesAsciiBlanksAtBothEnds) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("token\n"), "token");
  EXPECT_EQ(trim(" \n\t"), "");
  EXPECT_EQ(trim(""), "");
}

TEST(FileTest, ReadsWholeFilesAndNamesTheMissingOne) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "rdr_file_test.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string("a\0b\n", 4);
  }
  const auto content = readFile(path);
  ASSERT_TRUE(content) << content.error().message();
  EXPECT_EQ(*content, std::string("a\0b\n", 4));
  std::filesystem::remove(path);
  const auto missing = readFile(path);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
  EXPECT_EQ(missing.error().message(), "cannot read " + path.string() + ": No such file or directory");
}

} // namespace
} // namespace rdr
