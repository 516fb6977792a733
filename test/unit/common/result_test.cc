// Result<T>, Status and the propagation macros.
#include "rdr/common/result.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

Result<int> parsePositive(int value) {
  if (value <= 0) {
    return Error(ErrorCode::Invalid, "must be positive, got " + std::to_string(value));
  }
  return value;
}

Result<int> doubled(int value) {
  RDR_ASSIGN_OR_RETURN(int parsed, parsePositive(value));
  return parsed * 2;
}

Status check(int value) {
  RDR_RETURN_IF_ERROR(parsePositive(value));
  return okStatus();
}

TEST(ResultTest, HoldsValue) {
  const Result<int> result = parsePositive(3);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 3);
  EXPECT_EQ(result.value_or(7), 3);
}

TEST(ResultTest, HoldsErrorWithCodeAndMessage) {
  const Result<int> result = parsePositive(-1);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(result.error().message(), "must be positive, got -1");
  EXPECT_EQ(result.value_or(7), 7);
}

TEST(ResultTest, AssignOrReturnPropagatesTheError) {
  EXPECT_EQ(*doubled(4), 8);
  const auto failed = doubled(0);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(failed.error().is(ErrorCode::Invalid));
}

TEST(ResultTest, ReturnIfErrorPropagatesTheError) {
  EXPECT_TRUE(check(1));
  EXPECT_FALSE(check(-5));
  EXPECT_EQ(check(-5).error().message(), "must be positive, got -5");
}

TEST(ErrorTest, WrapPrefixesContextAndKeepsCode) {
  const Error error(ErrorCode::Transient, "connection refused");
  const Error wrapped = error.wrap("while promoting pod dr-redis-0");
  EXPECT_EQ(wrapped.message(), "while promoting pod dr-redis-0: connection refused");
  EXPECT_EQ(wrapped.code(), ErrorCode::Transient);
  EXPECT_EQ(wrapped.toString(), "while promoting pod dr-redis-0: connection refused (transient)");
}

TEST(ResultTest, MovesOutNonCopyableValues) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(5);
  std::unique_ptr<int> taken = std::move(result).value();
  EXPECT_EQ(*taken, 5);
}

} // namespace
} // namespace rdr
