// Tests of the error mapping, command descriptions, redaction and Endpoint formatting.
#include <gtest/gtest.h>

#include <hiredis/read.h>

#include "rdr/redis/admin.h"
#include "redis/redis_error.h"

namespace rdr::redis {
namespace {

using namespace std::chrono_literals;

struct ClassifyCase {
  std::string reply;
  ErrorCode code;
};

class ClassifyRedisErrorTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyRedisErrorTest, MapsTheReplyPrefix) {
  EXPECT_EQ(classifyRedisError(GetParam().reply), GetParam().code) << GetParam().reply;
}

INSTANTIATE_TEST_SUITE_P(
    Replies, ClassifyRedisErrorTest,
    ::testing::Values(
        ClassifyCase{"LOADING Redis is loading the dataset in memory", ErrorCode::Transient},
        ClassifyCase{"BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                     "SHUTDOWN NOSAVE.",
                     ErrorCode::Transient},
        ClassifyCase{"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set "
                     "to 'no'.",
                     ErrorCode::Transient},
        ClassifyCase{"TRYAGAIN Multiple keys request during rehashing of slot",
                     ErrorCode::Transient},
        ClassifyCase{"NOREPLICAS Not enough good replicas to write.", ErrorCode::Transient},
        ClassifyCase{"ERR max number of clients reached", ErrorCode::Transient},
        ClassifyCase{"NOAUTH Authentication required.", ErrorCode::Unauthorized},
        ClassifyCase{"WRONGPASS invalid username-password pair or user is disabled.",
                     ErrorCode::Unauthorized},
        ClassifyCase{"NOPERM User ops has no permissions to run the 'replicaof' command",
                     ErrorCode::Forbidden},
        ClassifyCase{"ERR Unknown option or number of arguments for CONFIG SET - 'nope'",
                     ErrorCode::Invalid},
        ClassifyCase{"BUSYKEY Target key name already exists.", ErrorCode::Invalid},
        ClassifyCase{"BUSYGROUP Consumer Group name already exists", ErrorCode::Invalid},
        ClassifyCase{"READONLY You can't write against a read only replica.", ErrorCode::Invalid},
        ClassifyCase{"WRONGTYPE Operation against a key holding the wrong kind of value",
                     ErrorCode::Invalid},
        ClassifyCase{"", ErrorCode::Invalid}));

TEST(ClassifyAuthErrorTest, EveryRefusalIsUnauthorizedButLoadingIsTransient) {
  EXPECT_EQ(classifyAuthError("WRONGPASS invalid username-password pair or user is disabled."),
            ErrorCode::Unauthorized);
  EXPECT_EQ(classifyAuthError("ERR invalid password"), ErrorCode::Unauthorized);
  EXPECT_EQ(classifyAuthError("LOADING Redis is loading the dataset in memory"),
            ErrorCode::Transient);
}

TEST(ClassifyAuthErrorTest, RecognisesAServerWithoutPassword) {
  EXPECT_TRUE(isAuthWithoutPasswordConfigured(
      "ERR AUTH <password> called without any password configured for the default user. Are "
      "you sure your configuration is correct?"));
  EXPECT_TRUE(isAuthWithoutPasswordConfigured("ERR Client sent AUTH, but no password is set"));
  EXPECT_FALSE(isAuthWithoutPasswordConfigured("WRONGPASS invalid username-password pair"));
}

TEST(DescribeCommandTest, KeepsNameAndSubcommandButNeverValues) {
  EXPECT_EQ(describeCommand({"config", "set", "masterauth", "s3cret"}), "CONFIG SET masterauth");
  EXPECT_EQ(describeCommand({"CONFIG", "GET", "maxmemory"}), "CONFIG GET maxmemory");
  EXPECT_EQ(describeCommand({"AUTH", "user", "s3cret"}), "AUTH");
  EXPECT_EQ(describeCommand({"client", "pause", "100", "WRITE"}), "CLIENT PAUSE");
  EXPECT_EQ(describeCommand({"INFO", "replication"}), "INFO replication");
  EXPECT_EQ(describeCommand({"sentinel", "set", "mymaster", "auth-pass", "s3cret"}), "SENTINEL SET");
  EXPECT_EQ(describeCommand({"SET", "key", "value"}), "SET");
  EXPECT_EQ(describeCommand({}), "(empty command)");
}

TEST(RedactTest, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(redact("a pw b pw", {"pw"}), "a *** b ***");
  EXPECT_EQ(redact("nothing here", {"", "zz"}), "nothing here");
  EXPECT_EQ(redact("x-s3-y", {"s3", "y"}), "x-***-***");
}

TEST(DescribeTransportErrorTest, NamesRefusalTimeoutAndLoss) {
  EXPECT_EQ(describeTransportError(REDIS_ERR_IO, "Connection refused", 500ms),
            "connection refused");
  EXPECT_EQ(describeTransportError(REDIS_ERR_IO, "Resource temporarily unavailable", 1000ms),
            "timed out after 1000 ms");
  EXPECT_EQ(describeTransportError(REDIS_ERR_IO, "Connection timed out", 500ms),
            "timed out after 500 ms");
  EXPECT_EQ(describeTransportError(REDIS_ERR_EOF, "Server closed the connection", 1000ms),
            "connection lost (the server closed it)");
  EXPECT_EQ(describeTransportError(REDIS_ERR_IO, "Connection reset by peer", 1000ms),
            "connection lost (connection reset by peer)");
  EXPECT_EQ(describeTransportError(REDIS_ERR_OTHER, "Name or service not known", 1000ms),
            "name or service not known");
  EXPECT_EQ(describeTransportError(REDIS_ERR_PROTOCOL, "Protocol error, got \"H\"", 1000ms),
            "protocol error: Protocol error, got \"H\"");
}

TEST(EndpointTest, FormatsHostPortAndBracketsIpv6) {
  EXPECT_EQ((Endpoint{"10.0.0.1", 6379}).toString(), "10.0.0.1:6379");
  EXPECT_EQ((Endpoint{"cache-0.cache-headless.apps.svc.cluster.local", 6380}).toString(),
            "cache-0.cache-headless.apps.svc.cluster.local:6380");
  EXPECT_EQ((Endpoint{"fd00::1", 6379}).toString(), "[fd00::1]:6379");
  EXPECT_EQ((Endpoint{"::1", 7000}).toString(), "[::1]:7000");
  EXPECT_EQ((Endpoint{"[fd00::2]", 6379}).toString(), "[fd00::2]:6379");
}

TEST(EndpointTest, OrdersAndComparesByHostThenPort) {
  EXPECT_EQ((Endpoint{"a", 1}), (Endpoint{"a", 1}));
  EXPECT_LT((Endpoint{"a", 2}), (Endpoint{"b", 1}));
  EXPECT_LT((Endpoint{"a", 1}), (Endpoint{"a", 2}));
}

} // namespace
} // namespace rdr::redis
