// decideDriver and drivenCluster: who drives a RedisCluster among the connections naming it.
#include <gtest/gtest.h>

#include "rdr/controller/connection_drive.h"

namespace rdr::controller {
namespace {

api::RedisCluster target() {
  api::RedisCluster cluster;
  cluster.metadata.name = "c6-dest";
  cluster.metadata.namespace_ = "default";
  cluster.spec.instances = 3;
  return cluster;
}

api::ActiveRedisConnection connection(const std::string& name, const std::string& created,
                                      std::vector<std::string> addresses = {"127.0.11.5:6379"}) {
  api::ActiveRedisConnection out;
  out.metadata.name = name;
  out.metadata.namespace_ = "default";
  out.metadata.creation_timestamp = created;
  out.spec.instance = "c6-dest";
  out.spec.addresses = std::move(addresses);
  out.spec.secret_name = "c6-dest-conn-password";
  return out;
}

struct Case {
  const char* name;
  std::function<void(api::RedisCluster&, std::vector<api::ActiveRedisConnection>&)> arrange;
  std::optional<std::string> driver;
  std::map<std::string, std::string> refused; // name -> a substring of the reason
};

TEST(DecideDriver, Rules) {
  const Case cases[] = {
      {"one valid connection drives", [](auto&, auto&) {}, "a", {}},
      {"rule 1: a malformed address drives nothing",
       [](auto&, auto& c) { c[0].spec.addresses = {"127.0.11.5"}; },
       std::nullopt,
       {{"a", "the spec is invalid: spec.addresses[0]: must be host:port"}}},
      {"rule 1: no address drives nothing", [](auto&, auto& c) { c[0].spec.addresses.clear(); },
       std::nullopt, {{"a", "spec.addresses: must contain at least one address"}}},
      {"rule 2: deleted without the finalizer drives nothing",
       [](auto&, auto& c) { c[0].metadata.deletion_timestamp = "2026-11-22T20:00:00Z"; },
       std::nullopt, {{"a", "being deleted"}}},
      {"rule 4: deleted with the finalizer still drives (detaching)",
       [](auto&, auto& c) {
         c[0].metadata.deletion_timestamp = "2026-11-22T20:00:00Z";
         c[0].metadata.finalizers = {std::string(kConnectionFinalizer)};
       },
       "a", {}},
      {"rule 3: the cluster's own replicaMode wins",
       [](auto& cluster, auto&) {
         cluster.spec.replica_mode = api::ReplicaModeSpec{true, std::nullopt, false};
       },
       std::nullopt, {{"a", "has spec.replicaMode enabled"}}},
      {"rule 4: the oldest of two drives, the other is refused naming it",
       [](auto&, auto& c) { c.push_back(connection("b", "2026-11-22T09:00:00Z")); }, "b",
       {{"a", "already follows the source of ActiveRedisConnection b"}}},
      {"rule 4: same age, the name decides",
       [](auto&, auto& c) { c.push_back(connection("0-first", "2026-11-22T10:00:00Z")); },
       "0-first", {{"a", "ActiveRedisConnection 0-first"}}},
      {"connections naming another cluster or namespace are ignored",
       [](auto&, auto& c) {
         c.push_back(connection("other", "2026-11-22T09:00:00Z"));
         c.back().spec.instance = "other";
         c.push_back(connection("elsewhere", "2026-11-22T09:00:00Z"));
         c.back().metadata.namespace_ = "prod";
       },
       "a", {}},
  };
  for (const Case& c : cases) {
    api::RedisCluster cluster = target();
    std::vector<api::ActiveRedisConnection> connections = {connection("a", "2026-11-22T10:00:00Z")};
    c.arrange(cluster, connections);
    const DriveDecision decision = decideDriver(cluster, connections);
    EXPECT_EQ(decision.driver, c.driver) << c.name;
    EXPECT_EQ(decision.refused.size(), c.refused.size()) << c.name;
    for (const auto& [name, reason] : c.refused) {
      ASSERT_TRUE(decision.refused.contains(name)) << c.name;
      EXPECT_NE(decision.refused.at(name).find(reason), std::string::npos)
          << c.name << ": " << decision.refused.at(name);
    }
  }
}

TEST(DrivenCluster, IsReplicaModeTowardsTheAddressAndPromotesOnDetach) {
  api::ActiveRedisConnection conn = connection("c6-dest-conn", "2026-11-22T10:00:00Z");
  const api::RedisCluster driven = drivenCluster(target(), conn, {"127.0.11.5", 6380});
  ASSERT_TRUE(driven.spec.replica_mode.has_value());
  EXPECT_TRUE(driven.spec.replica_mode->enabled);
  EXPECT_FALSE(driven.spec.replica_mode->promote);
  const api::ReplicaSourceSpec& source = *driven.spec.replica_mode->source;
  EXPECT_EQ(source.cluster_name, "ActiveRedisConnection c6-dest-conn");
  EXPECT_EQ(source.host, "127.0.11.5");
  EXPECT_EQ(source.port, 6380);
  EXPECT_EQ(source.auth_secret_name, "c6-dest-conn-password");

  conn.metadata.deletion_timestamp = "2026-11-22T20:00:00Z";
  EXPECT_TRUE(drivenCluster(target(), conn, {"127.0.11.5", 6380}).spec.replica_mode->promote);
}

TEST(ConnectionAddresses, ParsesInOrderAndNamesTheFirstBadOne) {
  auto parsed = connectionAddresses(connection("a", "", {"127.0.11.5:6379", "[fd00::1]:6380"}));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->at(1).host, "fd00::1");
  EXPECT_EQ(parsed->at(1).port, 6380);
  auto bad = connectionAddresses(connection("a", "", {"127.0.11.5:6379", "x:0"}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("spec.addresses[1]"), std::string::npos);
}

} // namespace
} // namespace rdr::controller
