// RedisCluster JSON: defaults, every type error with its exact message, enum names, status shape.
#include "rdr/api/redis_cluster.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using testing::clusterManifest;

TEST(RedisClusterJsonTest, AbsentFieldsTakeTheCrdDefaults) {
  const auto cluster = parseRedisCluster(clusterManifest());
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(cluster->spec, RedisClusterSpec{});
  EXPECT_EQ(cluster->spec.instances, 3);
  EXPECT_EQ(cluster->spec.mode, ClusterMode::Standalone);
  EXPECT_EQ(cluster->spec.image_name, "redis:7.2");
  EXPECT_EQ(cluster->spec.min_sync_replicas, 0);
  EXPECT_EQ(cluster->spec.failover, (FailoverSpec{true, 3, 1}));
  EXPECT_FALSE(cluster->spec.sentinel);
  EXPECT_FALSE(cluster->spec.replica_mode);
  EXPECT_FALSE(cluster->spec.storage);
  EXPECT_TRUE(cluster->spec.resources.is_null());
  EXPECT_EQ(cluster->status, RedisClusterStatus{});
  EXPECT_EQ(toJson(*cluster), json::parse(R"({"apiVersion": "redis.io/v1", "kind": "RedisCluster",
              "metadata": {"name": "redis", "namespace": "default"},
              "spec": {"instances": 3, "mode": "standalone", "imageName": "redis:7.2",
                       "minSyncReplicas": 0,
                       "failover": {"enabled": true, "failureThreshold": 3,
                                    "probeIntervalSeconds": 1}}})"));
}

TEST(RedisClusterJsonTest, AbsentSpecIsAllDefaults) {
  json manifest = clusterManifest();
  manifest.erase("spec");
  const auto cluster = parseRedisCluster(manifest);
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(cluster->spec, RedisClusterSpec{});
}

TEST(RedisClusterJsonTest, PresentSentinelAndFailoverGetTheirSubFieldDefaults) {
  const auto cluster = parseRedisCluster(clusterManifest(R"({"spec": {"mode": "sentinel",
      "sentinel": {"quorum": 3}, "failover": {"enabled": false}}})"));
  ASSERT_TRUE(cluster) << cluster.error().message();
  ASSERT_TRUE(cluster->spec.sentinel);
  EXPECT_EQ(*cluster->spec.sentinel, (SentinelSpec{3, 3, 5000, 60000, std::nullopt}));
  EXPECT_EQ(cluster->spec.failover, (FailoverSpec{false, 3, 1}));
  EXPECT_EQ(toJson(cluster->spec)["sentinel"],
            json::parse(R"({"instances": 3, "quorum": 3, "downAfterMilliseconds": 5000,
                            "failoverTimeout": 60000})"));
}

TEST(RedisClusterJsonTest, ReplicaSourcePortDefaultsTo6379) {
  const auto cluster = parseRedisCluster(
      clusterManifest(R"({"spec": {"replicaMode": {"enabled": true, "source": {"host": "h"}}}})"));
  ASSERT_TRUE(cluster) << cluster.error().message();
  ASSERT_TRUE(cluster->spec.replica_mode);
  EXPECT_TRUE(cluster->spec.replica_mode->enabled);
  EXPECT_FALSE(cluster->spec.replica_mode->promote);
  ASSERT_TRUE(cluster->spec.replica_mode->source);
  EXPECT_EQ(*cluster->spec.replica_mode->source, (ReplicaSourceSpec{"", "h", 6379, ""}));
  EXPECT_EQ(toJson(cluster->spec)["replicaMode"], json::parse(R"({"enabled": true, "promote": false,
                            "source": {"host": "h", "port": 6379}})"));
}

TEST(RedisClusterJsonTest, StorageSizeIsAQuantityWrittenAsIntegerOrString) {
  const auto bytes = parseRedisCluster(clusterManifest(R"({"spec": {"storage": {"size": 1073741824}}})"));
  ASSERT_TRUE(bytes) << bytes.error().message();
  ASSERT_TRUE(bytes->spec.storage);
  EXPECT_EQ(bytes->spec.storage->size, "1073741824");
  const auto text = parseRedisCluster(clusterManifest(R"({"spec": {"storage": {"size": "1Gi"}}})"));
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(text->spec.storage->size, "1Gi");
}

TEST(RedisClusterJsonTest, EveryFieldRoundTrips) {
  const json manifest = clusterManifest(R"({
    "metadata": {"generation": 4, "uid": "u-1", "labels": {"team": "a"}},
    "spec": {
      "instances": 5, "mode": "sentinel", "imageName": "redis:7.4",
      "storage": {"size": "10Gi", "storageClassName": "fast"},
      "resources": {"limits": {"memory": "1Gi"}},
      "nodeSelector": {"zone": "a"},
      "tolerations": [{"key": "k", "operator": "Exists"}],
      "affinity": {"podAntiAffinity": {}},
      "redis": {"maxmemory-policy": "allkeys-lru"},
      "authSecret": {"name": "pw"}, "minSyncReplicas": 2, "tlsSecret": {"name": "tls"},
      "sentinel": {"instances": 5, "quorum": 3, "downAfterMilliseconds": 1000,
                   "failoverTimeout": 30000, "masterName": "mymaster"},
      "failover": {"enabled": false, "failureThreshold": 5, "probeIntervalSeconds": 2},
      "replicaMode": {"enabled": true, "promote": true,
                      "source": {"clusterName": "east", "host": "10.0.0.1", "port": 6380,
                                 "authSecretName": "east-pw"}}},
    "status": {
      "phase": "Replicating", "instances": 5, "readyInstances": 4,
      "currentPrimary": "redis-0", "writeService": "redis-leader", "observedGeneration": 4,
      "conditions": [{"type": "Ready", "status": "True", "reason": "Ready", "message": "ok",
                      "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 4}],
      "instancesStatus": [
        {"name": "redis-0", "role": "primary", "podIP": "10.1.0.5", "ready": true,
         "masterLinkStatus": "up", "replicationOffset": 1200, "connectedReplicas": 4},
        {"name": "redis-1", "role": "replica", "ready": false, "masterLinkStatus": "down",
         "replicationOffset": 1000, "lagBytes": 200, "connectedReplicas": 0}],
      "replication": {"source": "10.0.0.1:6380", "linkStatus": "up", "syncStatus": "PartialSync",
                      "upstreamOffset": 1300, "offset": 1200, "lagBytes": 100,
                      "lastIOSecondsAgo": 1}}})");
  const auto cluster = parseRedisCluster(manifest);
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(toJson(*cluster), manifest) << toJson(*cluster).dump(2);
  EXPECT_EQ(cluster->status.instances_status[1].lag_bytes, 200);
  EXPECT_EQ(cluster->status.replication->sync_status, SyncStatus::PartialSync);
  const auto again = parseRedisCluster(toJson(*cluster));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, *cluster);
}

TEST(RedisClusterJsonTest, EmptyStatusIsOmittedAndAnyStatusIsWritten) {
  RedisCluster cluster;
  cluster.metadata.name = "redis";
  EXPECT_FALSE(toJson(cluster).contains("status"));
  cluster.status.observed_generation = 2;
  EXPECT_EQ(toJson(cluster)["status"],
            json::parse(R"({"instances": 0, "readyInstances": 0, "observedGeneration": 2})"));
}

struct ParseErrorCase {
  std::string name;
  json manifest;
  std::string message;

  friend void PrintTo(const ParseErrorCase& c, std::ostream* os) { *os << c.name; }
};

class RedisClusterParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(RedisClusterParseErrorTest, ReportsThePathAndTheTypes) {
  const auto cluster = parseRedisCluster(GetParam().manifest);
  ASSERT_FALSE(cluster) << GetParam().manifest.dump();
  EXPECT_EQ(cluster.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(cluster.error().message(), GetParam().message);
}

ParseErrorCase specCase(std::string name, std::string_view patch, std::string message) {
  return {std::move(name), clusterManifest(patch), std::move(message)};
}

INSTANTIATE_TEST_SUITE_P(
    TypeErrors, RedisClusterParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"NotAnObject", json::array(),
                       "RedisCluster: must be of type object, got array"},
        specCase("WrongApiVersion", R"({"apiVersion": "redis.io/v2"})",
                 R"(apiVersion: must be "redis.io/v1", got "redis.io/v2")"),
        specCase("WrongKind", R"({"kind": "Service"})",
                 R"(kind: must be "RedisCluster", got "Service")"),
        specCase("MetadataNotObject", R"({"metadata": ["x"]})",
                 "metadata: must be of type object, got array"),
        specCase("SpecNotObject", R"({"spec": "x"})", "spec: must be of type object, got string"),
        specCase("InstancesString", R"({"spec": {"instances": "3"}})",
                 "spec.instances: must be of type integer, got string"),
        specCase("InstancesFloat", R"({"spec": {"instances": 3.0}})",
                 "spec.instances: must be of type integer, got number"),
        specCase("InstancesTooBig", R"({"spec": {"instances": 99999999999}})",
                 "spec.instances: must be a 32-bit integer, got 99999999999"),
        specCase("ModeUnknown", R"({"spec": {"mode": "Sentinel"}})",
                 R"(spec.mode: unsupported value "Sentinel": supported values: "standalone", )"
                 R"("sentinel", "cluster")"),
        specCase("ModeNotString", R"({"spec": {"mode": 1}})",
                 "spec.mode: must be of type string, got integer"),
        specCase("ImageName", R"({"spec": {"imageName": true}})",
                 "spec.imageName: must be of type string, got boolean"),
        specCase("StorageNotObject", R"({"spec": {"storage": "100Gi"}})",
                 "spec.storage: must be of type object, got string"),
        specCase("StorageSize", R"({"spec": {"storage": {"size": true}}})",
                 "spec.storage.size: must be of type string or integer, got boolean"),
        specCase("StorageClass", R"({"spec": {"storage": {"size": "1Gi", "storageClassName": 1}}})",
                 "spec.storage.storageClassName: must be of type string, got integer"),
        specCase("Resources", R"({"spec": {"resources": []}})",
                 "spec.resources: must be of type object, got array"),
        specCase("NodeSelectorValue", R"({"spec": {"nodeSelector": {"zone": 1}}})",
                 "spec.nodeSelector.zone: must be of type string, got integer"),
        specCase("Tolerations", R"({"spec": {"tolerations": {}}})",
                 "spec.tolerations: must be of type array, got object"),
        specCase("Affinity", R"({"spec": {"affinity": "x"}})",
                 "spec.affinity: must be of type object, got string"),
        specCase("RedisValue", R"({"spec": {"redis": {"timeout": 300}}})",
                 "spec.redis.timeout: must be of type string, got integer"),
        specCase("AuthSecretName", R"({"spec": {"authSecret": {"name": 1}}})",
                 "spec.authSecret.name: must be of type string, got integer"),
        specCase("MinSyncReplicas", R"({"spec": {"minSyncReplicas": "1"}})",
                 "spec.minSyncReplicas: must be of type integer, got string"),
        specCase("TlsSecret", R"({"spec": {"tlsSecret": ["x"]}})",
                 "spec.tlsSecret: must be of type object, got array"),
        specCase("SentinelQuorum", R"({"spec": {"sentinel": {"quorum": "2"}}})",
                 "spec.sentinel.quorum: must be of type integer, got string"),
        specCase("SentinelMasterName", R"({"spec": {"sentinel": {"masterName": 1}}})",
                 "spec.sentinel.masterName: must be of type string, got integer"),
        specCase("FailoverEnabled", R"({"spec": {"failover": {"enabled": "true"}}})",
                 "spec.failover.enabled: must be of type boolean, got string"),
        specCase("FailoverThreshold", R"({"spec": {"failover": {"failureThreshold": 1.5}}})",
                 "spec.failover.failureThreshold: must be of type integer, got number"),
        specCase("ReplicaModeEnabled", R"({"spec": {"replicaMode": {"enabled": "yes"}}})",
                 "spec.replicaMode.enabled: must be of type boolean, got string"),
        specCase("ReplicaModePromote", R"({"spec": {"replicaMode": {"promote": 1}}})",
                 "spec.replicaMode.promote: must be of type boolean, got integer"),
        specCase("ReplicaSource", R"({"spec": {"replicaMode": {"source": "h:1"}}})",
                 "spec.replicaMode.source: must be of type object, got string"),
        specCase("ReplicaSourcePort",
                 R"({"spec": {"replicaMode": {"source": {"host": "h", "port": "6379"}}}})",
                 "spec.replicaMode.source.port: must be of type integer, got string"),
        specCase("ReplicaSourceHost", R"({"spec": {"replicaMode": {"source": {"host": 1}}}})",
                 "spec.replicaMode.source.host: must be of type string, got integer"),
        specCase("StatusNotObject", R"({"status": "Healthy"})",
                 "status: must be of type object, got string"),
        specCase("StatusPhase", R"({"status": {"phase": "Running"}})",
                 R"(status.phase: unsupported value "Running": supported values: "Creating", )"
                 R"("Healthy", "Replicating", "Degraded", "Promoting", "FailingOver", "Failed")"),
        specCase("StatusReadyInstances", R"({"status": {"readyInstances": "1"}})",
                 "status.readyInstances: must be of type integer, got string"),
        specCase("StatusConditionStatus",
                 R"({"status": {"conditions": [{"type": "Ready", "status": "Yes"}]}})",
                 R"(status.conditions[0].status: unsupported value "Yes": supported values: )"
                 R"("True", "False", "Unknown")"),
        specCase("StatusConditionType", R"({"status": {"conditions": [{"status": "True"}]}})",
                 "status.conditions[0].type: required"),
        specCase("StatusConditionNotObject", R"({"status": {"conditions": ["Ready"]}})",
                 "status.conditions[0]: must be of type object, got string"),
        specCase("StatusInstanceLag",
                 R"({"status": {"instancesStatus": [{"name": "a"}, {"lagBytes": "5"}]}})",
                 "status.instancesStatus[1].lagBytes: must be of type integer, got string"),
        specCase("StatusInstanceLink",
                 R"({"status": {"instancesStatus": [{"masterLinkStatus": "UP"}]}})",
                 R"(status.instancesStatus[0].masterLinkStatus: unsupported value "UP": )"
                 R"(supported values: "up", "down")"),
        specCase("StatusReplicationSync", R"({"status": {"replication": {"syncStatus": "Full"}}})",
                 R"(status.replication.syncStatus: unsupported value "Full": supported values: )"
                 R"("FullSync", "PartialSync")"),
        specCase("StatusReplicationOffset", R"({"status": {"replication": {"offset": "12"}}})",
                 "status.replication.offset: must be of type integer, got string")));

template <typename E, typename Parse>
void expectRoundTrips(const std::vector<E>& values, const std::vector<std::string>& names,
                      Parse parse) {
  ASSERT_EQ(values.size(), names.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(toString(values[i]), names[i]);
    const auto parsed = parse(names[i]);
    ASSERT_TRUE(parsed) << names[i];
    EXPECT_EQ(*parsed, values[i]) << names[i];
  }
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse("unknown"));
}

TEST(RedisClusterEnumTest, NamesRoundTrip) {
  expectRoundTrips<ClusterMode>(
      {ClusterMode::Standalone, ClusterMode::Sentinel, ClusterMode::Cluster},
      {"standalone", "sentinel", "cluster"}, parseClusterMode);
  expectRoundTrips<ClusterPhase>(
      {ClusterPhase::Creating, ClusterPhase::Healthy, ClusterPhase::Replicating,
       ClusterPhase::Degraded, ClusterPhase::Promoting, ClusterPhase::FailingOver,
       ClusterPhase::Failed},
      {"Creating", "Healthy", "Replicating", "Degraded", "Promoting", "FailingOver", "Failed"},
      parseClusterPhase);
  expectRoundTrips<LinkStatus>({LinkStatus::Up, LinkStatus::Down}, {"up", "down"}, parseLinkStatus);
  expectRoundTrips<SyncStatus>({SyncStatus::FullSync, SyncStatus::PartialSync},
                               {"FullSync", "PartialSync"}, parseSyncStatus);
}

TEST(RedisClusterEnumTest, EnumNamesAreCaseSensitiveLikeTheCrd) {
  EXPECT_FALSE(parseClusterMode("Standalone"));
  EXPECT_FALSE(parseLinkStatus("Up"));
  EXPECT_EQ(
      parseClusterMode("Cluster").error().message(),
      R"(unsupported value "Cluster": supported values: "standalone", "sentinel", "cluster")");
}

} // namespace
} // namespace rdr::api
