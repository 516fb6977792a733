// Validation: every rule of api.md with its exact path and message, valid and invalid cases.
#include "rdr/api/validation.h"

#include <functional>

#include <gtest/gtest.h>

#include "test_support.h"

namespace rdr::api {
namespace {

RedisCluster parseOrDie(std::string_view patch) {
  auto cluster = parseRedisCluster(testing::clusterManifest(patch));
  EXPECT_TRUE(cluster) << cluster.error().message();
  return cluster ? *cluster : RedisCluster{};
}

struct ClusterCase {
  std::string name;
  std::string patch; // JSON merge patch onto a minimal valid manifest
  std::vector<std::string> errors;

  friend void PrintTo(const ClusterCase& c, std::ostream* os) { *os << c.name; }
};

class RedisClusterValidationTest : public ::testing::TestWithParam<ClusterCase> {};

TEST_P(RedisClusterValidationTest, ReportsExactlyTheseErrors) {
  std::vector<std::string> actual;
  for (const auto& error : validate(parseOrDie(GetParam().patch))) {
    actual.push_back(error.toString());
  }
  EXPECT_EQ(actual, GetParam().errors);
}

const std::string kEnabled = R"("replicaMode": {"enabled": true, "source": {"host": "10.0.0.1"}})";

INSTANTIATE_TEST_SUITE_P(
    Rules, RedisClusterValidationTest,
    ::testing::Values(
        ClusterCase{"DefaultsAreValid", "{}", {}},
        ClusterCase{"OneInstance", R"({"spec": {"instances": 1}})", {}},
        ClusterCase{"FifteenInstances", R"({"spec": {"instances": 15}})", {}},
        ClusterCase{"ZeroInstances",
                    R"({"spec": {"instances": 0}})",
                    {"spec.instances: must be between 1 and 15, got 0"}},
        ClusterCase{"SixteenInstances",
                    R"({"spec": {"instances": 16}})",
                    {"spec.instances: must be between 1 and 15, got 16"}},
        ClusterCase{"ClusterModeAlone", R"({"spec": {"mode": "cluster"}})", {}},
        ClusterCase{"ClusterModeWithDisabledReplicaMode",
                    R"({"spec": {"mode": "cluster", "replicaMode": {"enabled": false}}})",
                    {}},
        ClusterCase{"ClusterModeWithReplicaMode",
                    R"({"spec": {"mode": "cluster", )" + kEnabled + "}}",
                    {R"(spec.mode: "cluster" cannot be combined with spec.replicaMode.enabled: )"
                     "disaster recovery of sharded clusters is a later milestone"}},
        ClusterCase{"StorageSize", R"({"spec": {"storage": {"size": "1Gi"}}})", {}},
        ClusterCase{"EmptyStorageSize",
                    R"({"spec": {"storage": {"size": ""}}})",
                    {"spec.storage.size: must not be empty"}},
        ClusterCase{"MissingStorageSize",
                    R"({"spec": {"storage": {"storageClassName": "fast"}}})",
                    {"spec.storage.size: must not be empty"}},
        ClusterCase{"UnmanagedDirectives",
                    R"({"spec": {"redis": {"maxmemory": "1gb", "appendonly": "yes",
                                           "min-replicas": "x", "portly": "1"}}})",
                    {}},
        ClusterCase{"ManagedDirectives",
                    R"({"spec": {"redis": {"REQUIREPASS": "x", "Port": "7000",
                                           "min-replicas-max-lag": "5", "slaveof": "a 1"}}})",
                    {R"(spec.redis.Port: "Port" is managed by the operator: Services and probes )"
                     "rely on port 6379",
                     R"(spec.redis.REQUIREPASS: "REQUIREPASS" is managed by the operator: the )"
                     "password comes from the Secret named by spec.authSecret",
                     R"(spec.redis.min-replicas-max-lag: "min-replicas-max-lag" is managed by )"
                     "the operator: it follows spec.minSyncReplicas",
                     R"(spec.redis.slaveof: "slaveof" is managed by the operator: the operator )"
                     "decides which node each pod replicates from (use spec.replicaMode for an "
                     "external source)"}},
        ClusterCase{"StorageSizeNotAQuantity",
                    R"({"spec": {"storage": {"size": "lots"}}})",
                    {R"(spec.storage.size: must be a Kubernetes quantity such as 100Gi, got "lots")"}},
        ClusterCase{"EmptyNames",
                    R"({"spec": {"imageName": "", "authSecret": {"name": ""},
                                 "tlsSecret": {"name": ""}}})",
                    {"spec.imageName: must not be empty", "spec.authSecret.name: must not be empty",
                     "spec.tlsSecret.name: must not be empty"}},
        ClusterCase{"DirectiveKeyNotAWord",
                    R"({"spec": {"redis": {"max memory": "1gb"}}})",
                    {"spec.redis.max memory: a redis.conf directive is one word of letters, "
                     "digits, '-' and '_'"}},
        ClusterCase{"DirectiveValueOnTwoLines",
                    R"({"spec": {"redis": {"maxmemory": "1gb\nrequirepass x"}}})",
                    {"spec.redis.maxmemory: the value must be a single line"}},
        ClusterCase{"ReadOnlyReplicasAreManaged",
                    R"({"spec": {"redis": {"replica-read-only": "no"}}})",
                    {R"(spec.redis.replica-read-only: "replica-read-only" is managed by the )"
                     "operator: a writable replica would be a second writer in the cluster"}},
        ClusterCase{
            "MinSyncReplicasHighest", R"({"spec": {"instances": 5, "minSyncReplicas": 4}})", {}},
        ClusterCase{"MinSyncReplicasEqualsInstances",
                    R"({"spec": {"instances": 3, "minSyncReplicas": 3}})",
                    {"spec.minSyncReplicas: must be between 0 and 2 (less than spec.instances, "
                     "3), got 3"}},
        ClusterCase{"MinSyncReplicasNegative",
                    R"({"spec": {"minSyncReplicas": -1}})",
                    {"spec.minSyncReplicas: must be between 0 and 2 (less than spec.instances, "
                     "3), got -1"}},
        ClusterCase{"MinSyncReplicasWithInvalidInstances",
                    R"({"spec": {"instances": 0, "minSyncReplicas": -2}})",
                    {"spec.instances: must be between 1 and 15, got 0",
                     "spec.minSyncReplicas: must be at least 0, got -2"}},
        ClusterCase{"SentinelDefaults", R"({"spec": {"mode": "sentinel", "sentinel": {}}})", {}},
        ClusterCase{"SentinelQuorumEqualsInstances",
                    R"({"spec": {"sentinel": {"instances": 5, "quorum": 5}}})",
                    {}},
        ClusterCase{"SentinelNoInstances",
                    R"({"spec": {"sentinel": {"instances": 0, "quorum": 0}}})",
                    {"spec.sentinel.instances: must be between 1 and 15, got 0",
                     "spec.sentinel.quorum: must be at least 1, got 0"}},
        ClusterCase{"SentinelQuorumAboveInstances",
                    R"({"spec": {"sentinel": {"instances": 3, "quorum": 4}}})",
                    {"spec.sentinel.quorum: must be between 1 and spec.sentinel.instances (3), "
                     "got 4"}},
        ClusterCase{"SentinelQuorumZero",
                    R"({"spec": {"sentinel": {"quorum": 0}}})",
                    {"spec.sentinel.quorum: must be between 1 and spec.sentinel.instances (3), "
                     "got 0"}},
        ClusterCase{"SentinelTimings",
                    R"({"spec": {"sentinel": {"downAfterMilliseconds": 0,
                                              "failoverTimeout": -1}}})",
                    {"spec.sentinel.downAfterMilliseconds: must be at least 1, got 0",
                     "spec.sentinel.failoverTimeout: must be at least 1, got -1"}},
        ClusterCase{"SentinelMasterName",
                    R"({"spec": {"sentinel": {"masterName": "my master"}}})",
                    {R"(spec.sentinel.masterName: must be non-empty without whitespace or quotes, got )"
                     R"("my master")"}},
        ClusterCase{"SentinelMasterNameWithAQuote",
                    R"({"spec": {"sentinel": {"masterName": "my\"master"}}})",
                    {R"(spec.sentinel.masterName: must be non-empty without whitespace or quotes, got "my"master")"}},
        ClusterCase{"SentinelEmptyMasterName",
                    R"({"spec": {"sentinel": {"masterName": ""}}})",
                    {R"(spec.sentinel.masterName: must be non-empty without whitespace or quotes, got "")"}},
        ClusterCase{"FailoverMinimums",
                    R"({"spec": {"failover": {"failureThreshold": 1, "probeIntervalSeconds": 1}}})",
                    {}},
        ClusterCase{"FailoverZeros",
                    R"({"spec": {"failover": {"failureThreshold": 0, "probeIntervalSeconds": 0}}})",
                    {"spec.failover.failureThreshold: must be between 1 and 100, got 0",
                     "spec.failover.probeIntervalSeconds: must be between 1 and 3600, got 0"}},
        ClusterCase{"ReplicaModeEnabled", "{\"spec\": {" + kEnabled + "}}", {}},
        ClusterCase{"ReplicaModeDisabledWithoutSource",
                    R"({"spec": {"replicaMode": {"enabled": false}}})",
                    {}},
        ClusterCase{"ReplicaModeEnabledWithoutSource",
                    R"({"spec": {"replicaMode": {"enabled": true}}})",
                    {"spec.replicaMode.source: required when spec.replicaMode.enabled is true"}},
        ClusterCase{"ReplicaModeEnabledWithoutHost",
                    R"({"spec": {"replicaMode": {"enabled": true, "source": {"port": 6380}}}})",
                    {"spec.replicaMode.source.host: required when spec.replicaMode.enabled is "
                     "true"}},
        ClusterCase{"ReplicaModeDisabledWithoutHost",
                    R"({"spec": {"replicaMode": {"source": {"port": 6380}}}})",
                    {}},
        ClusterCase{"SourcePortBounds",
                    R"({"spec": {"replicaMode": {"enabled": true,
                                                 "source": {"host": "h", "port": 65535}}}})",
                    {}},
        ClusterCase{"SourcePortTooHigh",
                    R"({"spec": {"replicaMode": {"enabled": true,
                                                 "source": {"host": "h", "port": 70000}}}})",
                    {"spec.replicaMode.source.port: must be between 1 and 65535, got 70000"}},
        ClusterCase{"SourcePortZero",
                    R"({"spec": {"replicaMode": {"source": {"host": "h", "port": 0}}}})",
                    {"spec.replicaMode.source.port: must be between 1 and 65535, got 0"}},
        ClusterCase{"Promote",
                    R"({"spec": {"replicaMode": {"enabled": true, "promote": true,
                                                 "source": {"host": "h"}}}})",
                    {}},
        ClusterCase{"PromoteWithoutEnabled",
                    R"({"spec": {"replicaMode": {"promote": true, "source": {"host": "h"}}}})",
                    {"spec.replicaMode.promote: requires spec.replicaMode.enabled to be true"}},
        ClusterCase{"AllErrorsInFieldOrder",
                    R"({"spec": {"instances": 20, "storage": {"size": ""},
                                 "failover": {"failureThreshold": 0},
                                 "replicaMode": {"promote": true,
                                                 "source": {"port": 0}}}})",
                    {"spec.instances: must be between 1 and 15, got 20",
                     "spec.storage.size: must not be empty",
                     "spec.failover.failureThreshold: must be between 1 and 100, got 0",
                     "spec.replicaMode.source.port: must be between 1 and 65535, got 0",
                     "spec.replicaMode.promote: requires spec.replicaMode.enabled to be "
                     "true"}}));

TEST(ManagedDirectiveTest, KnowsEveryManagedDirectiveCaseInsensitively) {
  for (const char* directive :
       {"replicaof", "slaveof", "masterauth", "masteruser", "requirepass", "bind", "port", "dir",
        "daemonize", "cluster-enabled", "min-replicas-to-write", "min-replicas-max-lag",
        "min-slaves-to-write", "min-slaves-max-lag", "ReplicaOf", "MASTERAUTH", "Min-Replicas-X",
        "include", "user", "aclfile", "replica-read-only", "Slave-Read-Only", "rename-command"}) {
    EXPECT_TRUE(isManagedRedisDirective(directive)) << directive;
  }
  for (const char* directive :
       {"maxmemory", "maxmemory-policy", "appendonly", "save", "cluster-node-timeout",
        "min-replicas", "replica-lazy-flush", "dirs", "portal", "users", ""}) {
    EXPECT_FALSE(isManagedRedisDirective(directive)) << directive;
  }
}

TEST(FieldErrorTest, FormatsAndJoins) {
  const FieldError port{"spec.replicaMode.source.port", "must be between 1 and 65535, got 70000"};
  EXPECT_EQ(port.toString(),
            "spec.replicaMode.source.port: must be between 1 and 65535, got 70000");
  EXPECT_EQ(joinFieldErrors({}), "");
  EXPECT_EQ(joinFieldErrors({port}), port.toString());
  EXPECT_EQ(joinFieldErrors({{"a", "x"}, {"b", "y"}}), "a: x; b: y");
}

struct ConnectionCase {
  std::string name;
  std::vector<std::string> addresses;
  std::string instance;
  std::vector<std::string> errors;

  friend void PrintTo(const ConnectionCase& c, std::ostream* os) { *os << c.name; }
};

class ConnectionValidationTest : public ::testing::TestWithParam<ConnectionCase> {};

TEST_P(ConnectionValidationTest, ReportsExactlyTheseErrors) {
  ActiveRedisConnection connection;
  connection.metadata.name = "conn";
  connection.spec.addresses = GetParam().addresses;
  connection.spec.instance = GetParam().instance;
  std::vector<std::string> actual;
  for (const auto& error : validate(connection)) {
    actual.push_back(error.toString());
  }
  EXPECT_EQ(actual, GetParam().errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ConnectionValidationTest,
    ::testing::Values(
        ConnectionCase{"Valid", {"192.168.1.11:30011"}, "c6-dest", {}},
        ConnectionCase{"DnsAndIpv6", {"redis.example.com:6379", "[fd00::1]:6380"}, "t", {}},
        ConnectionCase{"MissingInstance", {"10.0.0.1:6379"}, "", {"spec.instance: required"}},
        ConnectionCase{
            "NoAddresses", {}, "t", {"spec.addresses: must contain at least one address"}},
        ConnectionCase{"NoPort",
                       {"10.0.0.1:6379", "10.0.0.2"},
                       "t",
                       {R"(spec.addresses[1]: must be host:port (IPv6 as [addr]:port), got )"
                        R"("10.0.0.2")"}},
        ConnectionCase{"PortOutOfRange",
                       {"10.0.0.1:70000"},
                       "t",
                       {R"(spec.addresses[0]: port must be between 1 and 65535, got )"
                        R"("10.0.0.1:70000")"}},
        ConnectionCase{"UnbracketedIpv6",
                       {"fd00::1:6379"},
                       "t",
                       {R"(spec.addresses[0]: must be host:port (IPv6 as [addr]:port), got )"
                        R"("fd00::1:6379")"}},
        ConnectionCase{
            "Everything",
            {},
            "",
            {"spec.instance: required", "spec.addresses: must contain at least one address"}}));

} // namespace
} // namespace rdr::api
