// The replica-mode source probe: each problem sentence, the allowed-networks check, the resolver.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../fakes/fake_redis.h"
#include "rdr/controller/source_probe.h"

namespace rdr::controller {
namespace {

using redis::Endpoint;
using testing::FakeRedisConnector;

// Answers from a table; a name not in it does not exist (as glibc words it).
class FakeResolver final : public HostResolver {
public:
  std::map<std::string, std::vector<std::string>> names;
  std::vector<std::string> asked;

  // HostResolver
  Result<std::vector<std::string>> resolve(const std::string& host) override {
    asked.push_back(host);
    if (auto found = names.find(host); found != names.end()) {
      return found->second;
    }
    return Error(ErrorCode::NotFound, "cannot resolve " + host + ": Name or service not known");
  }
};

AllowedNetworks allowedOrDie(const std::string& text) {
  auto allowed = parseAllowedNetworks(text);
  EXPECT_TRUE(allowed.has_value()) << allowed.error().message();
  return allowed.value_or(AllowedNetworks{});
}

class SourceProbeTest : public ::testing::Test {
protected:
  SourceProbeTest() {
    resolver_.names["127.0.11.5"] = {"127.0.11.5"};
    resolver_.names["10.1.2.3"] = {"10.1.2.3"};
    connector_.addNode(source_, std::string("s3cret"));
  }

  SourceObservation probe(const std::string& host, const std::optional<std::string>& password,
                          const std::string& allowed = "127.0.0.0/8") {
    return probeSource(host, 6379, password, resolver_, connector_, allowedOrDie(allowed),
                       "prod-redis-auth");
  }

  FakeResolver resolver_;
  FakeRedisConnector connector_;
  const Endpoint source_{"127.0.11.5", 6379};
};

TEST_F(SourceProbeTest, ReadsAHealthySourceThroughItsName) {
  resolver_.names["prod-redis-leader.production.svc.cluster.local"] = {"127.0.11.5"};
  ASSERT_TRUE(connector_.write(source_, 1234).has_value());

  const auto observed = probe("prod-redis-leader.production.svc.cluster.local", "s3cret");

  EXPECT_EQ(observed.problem, "");
  EXPECT_EQ(observed.address, "prod-redis-leader.production.svc.cluster.local:6379");
  EXPECT_EQ(observed.resolved, std::vector<std::string>{"127.0.11.5"});
  EXPECT_TRUE(observed.resolvable);
  EXPECT_TRUE(observed.allowed);
  EXPECT_TRUE(observed.reachable);
  EXPECT_EQ(observed.connected, "127.0.11.5:6379");
  ASSERT_TRUE(observed.node.has_value());
  EXPECT_EQ(observed.node->role, replication::NodeRole::Master);
  EXPECT_EQ(observed.node->offset, 1234);
  EXPECT_EQ(observed.node->replid, connector_.node(source_).replid());
  ASSERT_TRUE(observed.stats.has_value());
  EXPECT_EQ(observed.stats->sync_full, 0);
  EXPECT_EQ(connector_.commands(), (std::vector<std::string>{
                                       "127.0.11.5:6379 INFO replication",
                                       "127.0.11.5:6379 INFO stats",
                                       "127.0.11.5:6379 INFO cluster",
                                   }));
}

TEST_F(SourceProbeTest, ANameThatDoesNotResolve) {
  const auto observed = probe("prod-redis-leader.production.svc.cluster.local", "s3cret");
  EXPECT_FALSE(observed.resolvable);
  EXPECT_FALSE(observed.reachable);
  EXPECT_EQ(observed.problem, "the source prod-redis-leader.production.svc.cluster.local:6379 "
                              "cannot be resolved (Name or service not known)");
  EXPECT_TRUE(connector_.commands().empty());
}

TEST_F(SourceProbeTest, ANameThatResolvesToNothing) {
  resolver_.names["empty.example"] = {};
  const auto observed = probe("empty.example", "s3cret");
  EXPECT_FALSE(observed.resolvable);
  EXPECT_EQ(observed.problem, "the source empty.example:6379 cannot be resolved (no address)");
}

TEST_F(SourceProbeTest, AnAddressOutsideTheAllowedNetworksIsNeverContacted) {
  connector_.addNode({"10.1.2.3", 6379}); // it would answer: the probe must not ask
  const auto observed = probe("10.1.2.3", std::nullopt);
  EXPECT_TRUE(observed.resolvable);
  EXPECT_FALSE(observed.allowed);
  EXPECT_FALSE(observed.reachable);
  EXPECT_FALSE(observed.connected.has_value());
  EXPECT_EQ(observed.problem,
            "the source 10.1.2.3:6379 resolves outside --allowed-source-networks (127.0.0.0/8): "
            "refused");
  EXPECT_TRUE(connector_.commands().empty());
}

TEST_F(SourceProbeTest, EveryResolvedAddressMustBeAllowedNotJustTheFirst) {
  // The leader pod resolves the name itself and may pick the second address.
  resolver_.names["two.example"] = {"127.0.11.5", "10.1.2.3"};
  const auto observed = probe("two.example", "s3cret");
  EXPECT_FALSE(observed.allowed);
  EXPECT_EQ(observed.problem, "the source two.example:6379 resolves to 10.1.2.3, outside "
                              "--allowed-source-networks (127.0.0.0/8): refused");
  EXPECT_TRUE(connector_.commands().empty());
}

TEST_F(SourceProbeTest, ConnectsToTheFirstResolvedAddress) {
  connector_.addNode({"127.0.11.6", 6379}, std::string("s3cret"));
  resolver_.names["two.example"] = {"127.0.11.6", "127.0.11.5"};
  const auto observed = probe("two.example", "s3cret");
  EXPECT_EQ(observed.problem, "");
  EXPECT_EQ(observed.connected, "127.0.11.6:6379");
  for (const std::string& command : connector_.commands()) {
    EXPECT_TRUE(command.starts_with("127.0.11.6:6379 ")) << command;
  }
}

TEST_F(SourceProbeTest, AWrongPasswordNamesTheSecret) {
  const auto observed = probe("127.0.11.5", "not-the-password");
  EXPECT_FALSE(observed.reachable);
  EXPECT_EQ(observed.problem,
            "the source 127.0.11.5:6379 refuses the password in Secret prod-redis-auth");
  EXPECT_EQ(observed.problem.find("not-the-password"), std::string::npos);
}

TEST_F(SourceProbeTest, AWrongPasswordWithoutASecretName) {
  const auto observed = probeSource("127.0.11.5", 6379, std::string("nope"), resolver_, connector_,
                                    allowedOrDie(""));
  EXPECT_EQ(observed.problem, "the source 127.0.11.5:6379 refuses the password it was given");
}

TEST_F(SourceProbeTest, NoPasswordForAProtectedSource) {
  const auto observed = probe("127.0.11.5", std::nullopt);
  EXPECT_FALSE(observed.reachable);
  EXPECT_EQ(observed.problem,
            "the source 127.0.11.5:6379 requires a password and none was given "
            "(replicaMode.source.authSecretName names the Secret that holds it)");
}

TEST_F(SourceProbeTest, AnUnreachableSource) {
  connector_.setReachable(source_, false);
  const auto observed = probe("127.0.11.5", "s3cret");
  EXPECT_TRUE(observed.resolvable);
  EXPECT_TRUE(observed.allowed);
  EXPECT_FALSE(observed.reachable);
  EXPECT_FALSE(observed.node.has_value());
  EXPECT_EQ(observed.problem, "the source 127.0.11.5:6379 is not reachable: connection refused");
}

TEST_F(SourceProbeTest, ASourceThatIsItselfAReplica) {
  auto admin = connector_.admin(source_, {std::nullopt, std::string("s3cret")});
  ASSERT_TRUE(admin->replicaOf({"10.0.0.9", 6379}).has_value());
  connector_.clearCommands();

  const auto observed = probe("127.0.11.5", "s3cret");
  EXPECT_TRUE(observed.reachable);
  ASSERT_TRUE(observed.node.has_value());
  EXPECT_EQ(observed.node->role, replication::NodeRole::Replica);
  EXPECT_EQ(observed.problem, "the source 127.0.11.5:6379 is itself a replica (of 10.0.0.9:6379); "
                              "point replicaMode.source at its primary");
}

// A Redis Cluster node holds one shard of the data: following it is refused, clearly.
TEST_F(SourceProbeTest, AShardedSourceIsNotSupportedYet) {
  connector_.setConfig(source_, "cluster-enabled", "yes");
  const auto observed = probe("127.0.11.5", "s3cret");
  EXPECT_TRUE(observed.reachable);
  EXPECT_EQ(observed.problem, "the source 127.0.11.5:6379 is a Redis Cluster node "
                              "(cluster_enabled:1): sharded sources are not supported by this "
                              "version of redis-dr-operator yet");
}

TEST_F(SourceProbeTest, AnOtherErrorReplyIsReportedWithRedisText) {
  connector_.failNext(source_, Error(ErrorCode::Invalid, "ERR unknown command 'INFO'"));
  const auto observed = probe("127.0.11.5", "s3cret");
  EXPECT_EQ(observed.problem, "the source 127.0.11.5:6379 answered INFO replication with an "
                              "error: ERR unknown command 'INFO'");
}

TEST_F(SourceProbeTest, AnyAllowsEveryAddress) {
  connector_.addNode({"10.1.2.3", 6379});
  const auto observed = probe("10.1.2.3", std::nullopt, "");
  EXPECT_EQ(observed.problem, "");
  EXPECT_TRUE(observed.reachable);
}

TEST_F(SourceProbeTest, IPv6SourcesAreRefusedByAnIPv4OnlyList) {
  resolver_.names["fd00::5"] = {"fd00::5"};
  connector_.addNode({"fd00::5", 6379});
  const auto observed = probe("fd00::5", std::nullopt);
  EXPECT_EQ(observed.address, "[fd00::5]:6379");
  EXPECT_FALSE(observed.allowed);
  EXPECT_EQ(observed.problem, "the source [fd00::5]:6379 resolves outside "
                              "--allowed-source-networks (127.0.0.0/8): refused");
  EXPECT_TRUE(connector_.commands().empty());
}

TEST_F(SourceProbeTest, IPv6SourcesInsideAnIPv6Entry) {
  resolver_.names["fd00::5"] = {"fd00::5"};
  connector_.addNode({"fd00::5", 6379});
  const auto observed = probe("fd00::5", std::nullopt, "127.0.0.0/8,fd00::/8");
  EXPECT_EQ(observed.problem, "");
  EXPECT_EQ(observed.connected, "[fd00::5]:6379");
  EXPECT_TRUE(observed.reachable);
}

TEST(AllowedNetworksTest, ContainsChecksEachFamily) {
  const AllowedNetworks allowed = allowedOrDie("127.0.0.0/8,fd00:10::/28");
  EXPECT_FALSE(allowed.any);
  EXPECT_TRUE(allowed.contains("127.0.11.5"));
  EXPECT_FALSE(allowed.contains("128.0.0.1"));
  EXPECT_TRUE(allowed.contains("fd00:1f::1"));     // /28: the 4 bits after fd00:1 are free
  EXPECT_FALSE(allowed.contains("fd00:20::1"));
  EXPECT_TRUE(allowed.contains("::ffff:127.0.0.1")); // IPv4-mapped: checked as IPv4
  EXPECT_FALSE(allowed.contains("::ffff:10.0.0.1"));
  EXPECT_FALSE(allowed.contains("::1"));
  EXPECT_TRUE(allowed.contains("fd00:10::1%eth0")); // the zone is not part of the address
  EXPECT_FALSE(allowed.contains("not-an-ip"));
  EXPECT_EQ(allowed.toString(), "127.0.0.0/8,fd00:10::/28");
  EXPECT_TRUE(AllowedNetworks{}.contains("10.1.2.3"));
  EXPECT_EQ(AllowedNetworks{}.toString(), "any");
}

struct AllowedCase {
  std::string text;
  bool ok;
  bool any;
  std::string expected; // toString() when ok, else the error message
};

class ParseAllowedNetworksTest : public ::testing::TestWithParam<AllowedCase> {};

TEST_P(ParseAllowedNetworksTest, Parses) {
  const AllowedCase& c = GetParam();
  const auto parsed = parseAllowedNetworks(c.text);
  ASSERT_EQ(parsed.has_value(), c.ok) << c.text;
  if (c.ok) {
    EXPECT_EQ(parsed->any, c.any) << c.text;
    EXPECT_EQ(parsed->toString(), c.expected) << c.text;
  } else {
    EXPECT_TRUE(parsed.error().is(ErrorCode::Invalid));
    EXPECT_EQ(parsed.error().message(), c.expected) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseAllowedNetworksTest,
    ::testing::Values(
        AllowedCase{"", true, true, "any"}, AllowedCase{"  ", true, true, "any"},
        AllowedCase{"0.0.0.0/0", true, true, "any"},
        AllowedCase{"0.0.0.0/0,::/0", true, true, "any"},
        AllowedCase{"127.0.0.0/8", true, false, "127.0.0.0/8"},
        AllowedCase{" 127.0.0.0/8 , 10.0.0.0/8 ", true, false, "127.0.0.0/8,10.0.0.0/8"},
        AllowedCase{"FD00::/8", true, false, "fd00::/8"},
        AllowedCase{"::/0", true, false, "::/0"},
        AllowedCase{"0.0.0.0/0,fd00::/8", true, false, "0.0.0.0/0,fd00::/8"},
        AllowedCase{"10.0.0.1/33", false, false,
                    "\"10.0.0.1/33\" is not an IPv4 CIDR (a.b.c.d/n with n in 0..32)"},
        AllowedCase{"127.0.0.0/8,10.0.0.1/8", false, false,
                    "the CIDR \"10.0.0.1/8\" has host bits set after the prefix (the network is "
                    "10.0.0.0/8)"},
        AllowedCase{"127.0.0.1", false, false,
                    "\"127.0.0.1\" is not an IPv4 CIDR (a.b.c.d/n with n in 0..32)"},
        AllowedCase{"banana", false, false,
                    "\"banana\" is not an IPv4 CIDR (a.b.c.d/n with n in 0..32)"},
        AllowedCase{"127.0.0.0/8,,10.0.0.0/8", false, false,
                    "empty entry in \"127.0.0.0/8,,10.0.0.0/8\" (CIDRs separated by commas)"},
        AllowedCase{"127.0.0.0/8,", false, false,
                    "empty entry in \"127.0.0.0/8,\" (CIDRs separated by commas)"},
        AllowedCase{"fd00::1/64", false, false,
                    "the CIDR \"fd00::1/64\" has host bits set after the prefix (the network is "
                    "fd00::/64)"},
        AllowedCase{"fd00::/129", false, false,
                    "\"fd00::/129\" is not an IPv6 CIDR (addr/n with n in 0..128)"},
        AllowedCase{"fd00::/064", false, false,
                    "\"fd00::/064\" is not an IPv6 CIDR (addr/n with n in 0..128)"},
        AllowedCase{"fe80::%eth0/64", false, false,
                    "\"fe80::%eth0/64\" is not an IPv6 CIDR (addr/n with n in 0..128)"}));

TEST(SystemResolverTest, ResolvesLiteralsNamesAndReportsUnknownNames) {
  const auto resolver = makeSystemResolver();
  const auto literal = resolver->resolve("127.0.0.1");
  ASSERT_TRUE(literal.has_value()) << literal.error().message();
  EXPECT_EQ(*literal, std::vector<std::string>{"127.0.0.1"});
  const auto v6 = resolver->resolve("[::1]");
  ASSERT_TRUE(v6.has_value()) << v6.error().message();
  EXPECT_EQ(*v6, std::vector<std::string>{"::1"});

  const auto localhost = resolver->resolve("localhost");
  ASSERT_TRUE(localhost.has_value()) << localhost.error().message();
  const bool loopback = std::any_of(localhost->begin(), localhost->end(), [](const auto& ip) {
    return ip == "127.0.0.1" || ip == "::1";
  });
  EXPECT_TRUE(loopback) << "localhost resolved to " << localhost->front();

  const auto unknown = resolver->resolve("no-such-host.invalid");
  ASSERT_FALSE(unknown.has_value());
  if (unknown.error().is(ErrorCode::Transient)) {
    GTEST_SKIP() << "no resolver answers here: " << unknown.error().message();
  }
  EXPECT_TRUE(unknown.error().is(ErrorCode::NotFound)) << unknown.error().toString();
  EXPECT_TRUE(unknown.error().message().starts_with("cannot resolve no-such-host.invalid: "))
      << unknown.error().message();
}

} // namespace
} // namespace rdr::controller
