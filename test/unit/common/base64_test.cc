// Base64: RFC 4648 test vectors, binary round trips and strict rejection of malformed input.
#include "rdr/common/base64.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

struct Vector {
  std::string plain;
  std::string encoded;
};

// RFC 4648 section 10.
const Vector kRfcVectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                              {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};

TEST(Base64Test, EncodesRfcVectors) {
  for (const auto& v : kRfcVectors) {
    EXPECT_EQ(base64Encode(v.plain), v.encoded) << v.plain;
  }
}

TEST(Base64Test, DecodesRfcVectors) {
  for (const auto& v : kRfcVectors) {
    const auto decoded = base64Decode(v.encoded);
    ASSERT_TRUE(decoded) << v.encoded << ": " << decoded.error().message();
    EXPECT_EQ(*decoded, v.plain);
  }
}

TEST(Base64Test, UsesPlusAndSlashForHighValues) {
  EXPECT_EQ(base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64Test, RoundTripsEveryByteValueAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    const auto decoded = base64Decode(base64Encode(bytes));
    ASSERT_TRUE(decoded) << decoded.error().message();
    ASSERT_EQ(*decoded, bytes) << "length " << bytes.size();
  }
}

TEST(Base64Test, RejectsLengthNotMultipleOfFour) {
  const auto decoded = base64Decode("Zm9");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), ErrorCode::Invalid);
  EXPECT_NE(decoded.error().message().find("multiple of 4"), std::string::npos);
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  for (const std::string text : {"Zm9v\n", "Zm-v", "Zm_v", "Zm v", "Zm9vYmF*"}) {
    const auto padded = text.size() % 4 == 0 ? text : text + std::string(4 - text.size() % 4, 'A');
    EXPECT_FALSE(base64Decode(padded)) << text;
  }
}

TEST(Base64Test, RejectsMisplacedPadding) {
  EXPECT_FALSE(base64Decode("Zg==Zg=="));
  EXPECT_FALSE(base64Decode("Z=g="));
  EXPECT_FALSE(base64Decode("===="));
  const auto decoded = base64Decode("Zm=v");
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message().find("offset 2"), std::string::npos)
      << decoded.error().message();
}

TEST(Base64Test, RejectsNonZeroBitsBeforePadding) {
  EXPECT_FALSE(base64Decode("Zh=="));  // "Zg==" with a dropped bit set
  EXPECT_FALSE(base64Decode("Zm9=")); // "Zm8=" with a dropped bit set
}

} // namespace
} // namespace rdr
