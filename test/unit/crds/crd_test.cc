// The two CRDs: names, versions, printer columns, descriptions and the defaults of api.md.
#include <gtest/gtest.h>

#include "crd_fixture.h"
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;
using testing::kConnectionCrd;
using testing::kRedisClusterCrd;
using testing::loadCrdFile;

std::vector<std::pair<std::string, std::string>> columns(const CrdVersion& version) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& column : version.printerColumns) {
    out.emplace_back(column.name, column.jsonPath);
  }
  return out;
}

// Every property of spec and status, and of their list items, explains itself to
// `kubectl explain` (map value schemas, which kubectl explain does not show, are not checked).
void expectDescriptions(const Schema& schema, const std::string& path) {
  for (const auto& [name, prop] : schema.properties) {
    EXPECT_FALSE(prop.description.empty()) << path + "." + name + " has no description";
    expectDescriptions(prop, path + "." + name);
  }
  if (schema.items) {
    expectDescriptions(*schema.items, path + "[]");
  }
}

TEST(RedisClusterCrdTest, HasTheNamesOfTheApiContract) {
  const auto crd = loadCrdFile(kRedisClusterCrd);
  EXPECT_EQ(crd.name, "redisclusters.redis.io");
  EXPECT_EQ(crd.group, "redis.io");
  EXPECT_TRUE(crd.namespaced());
  EXPECT_EQ(crd.names.kind, "RedisCluster");
  EXPECT_EQ(crd.names.plural, "redisclusters");
  EXPECT_EQ(crd.names.singular, "rediscluster");
  EXPECT_EQ(crd.names.listKind, "RedisClusterList");
  EXPECT_TRUE(crd.names.shortNames.empty()) << "rc belongs to replicationcontrollers";
  ASSERT_EQ(crd.versions.size(), 1u);
  const CrdVersion& v1 = crd.versions[0];
  EXPECT_EQ(v1.name, "v1");
  EXPECT_TRUE(v1.served && v1.storage);
  EXPECT_TRUE(v1.statusSubresource);
  EXPECT_EQ(columns(v1), (std::vector<std::pair<std::string, std::string>>{
                             {"Instances", ".spec.instances"},
                             {"Ready", ".status.readyInstances"},
                             {"Phase", ".status.phase"},
                             {"Primary", ".status.currentPrimary"},
                             {"Lag", ".status.replication.lagBytes"},
                             {"Age", ".metadata.creationTimestamp"}}));
  EXPECT_EQ(v1.printerColumns.back().type, "date");
  EXPECT_EQ(v1.printerColumns[4].type, "integer");
}

TEST(ActiveRedisConnectionCrdTest, HasTheNamesOfTheApiContract) {
  const auto crd = loadCrdFile(kConnectionCrd);
  EXPECT_EQ(crd.name, "activeredisconnections.redis.middleware.alauda.io");
  EXPECT_EQ(crd.group, "redis.middleware.alauda.io");
  EXPECT_TRUE(crd.namespaced());
  EXPECT_EQ(crd.names.kind, "ActiveRedisConnection");
  EXPECT_EQ(crd.names.plural, "activeredisconnections");
  ASSERT_NE(crd.version("v1alpha1"), nullptr);
  EXPECT_TRUE(crd.version("v1alpha1")->statusSubresource);
  // kubectl prints NAME first, then these columns: NAME INSTANCE STATUS MESSAGE AGE.
  EXPECT_EQ(columns(*crd.version("v1alpha1")), (std::vector<std::pair<std::string, std::string>>{
                                                   {"Instance", ".spec.instance"},
                                                   {"Status", ".status.status"},
                                                   {"Message", ".status.message"},
                                                   {"Age", ".metadata.creationTimestamp"}}));
}

TEST(CrdDescriptionTest, EveryFieldIsDescribed) {
  for (const char* file : {kRedisClusterCrd, kConnectionCrd}) {
    const auto crd = loadCrdFile(file);
    ASSERT_FALSE(crd.versions.empty()) << file;
    const Schema& root = crd.versions[0].schema;
    EXPECT_FALSE(root.description.empty()) << file;
    expectDescriptions(root.properties.at("spec"), std::string(file) + ":spec");
    expectDescriptions(root.properties.at("status"), std::string(file) + ":status");
  }
}

TEST(RedisClusterDefaultsTest, MinimalClusterGetsTheApiDefaults) {
  const auto crd = loadCrdFile(kRedisClusterCrd);
  const auto admitted = admit(crd.versions[0], json::parse(R"({
    "apiVersion": "redis.io/v1", "kind": "RedisCluster", "metadata": {"name": "x"}})"));
  ASSERT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  EXPECT_EQ(admitted.object["spec"], json::parse(R"({
    "instances": 3, "mode": "standalone", "imageName": "redis:7.2", "minSyncReplicas": 0,
    "failover": {"enabled": true, "failureThreshold": 3, "probeIntervalSeconds": 1}})"));
}

TEST(RedisClusterDefaultsTest, NestedBlocksGetTheirDefaultsWhenPresent) {
  const auto crd = loadCrdFile(kRedisClusterCrd);
  const auto admitted = admit(crd.versions[0], json::parse(R"({
    "apiVersion": "redis.io/v1", "kind": "RedisCluster", "metadata": {"name": "x"},
    "spec": {"mode": "sentinel", "sentinel": {}, "failover": {"enabled": false},
             "replicaMode": {"enabled": true, "source": {"host": "10.0.0.1"}}}})"));
  ASSERT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  const json& spec = admitted.object["spec"];
  EXPECT_EQ(spec["sentinel"], json::parse(R"({"instances": 3, "quorum": 2,
    "downAfterMilliseconds": 5000, "failoverTimeout": 60000})"));
  EXPECT_FALSE(spec["sentinel"].contains("masterName")) << "masterName defaults to the cluster name";
  EXPECT_EQ(spec["failover"], json::parse(
                                  R"({"enabled": false, "failureThreshold": 3, "probeIntervalSeconds": 1})"));
  EXPECT_EQ(spec["replicaMode"], json::parse(R"({"enabled": true, "promote": false,
    "source": {"host": "10.0.0.1", "port": 6379}})"));
}

TEST(ActiveRedisConnectionDefaultsTest, PauseDefaultsToFalse) {
  const auto crd = loadCrdFile(kConnectionCrd);
  const auto admitted = admit(crd.versions[0], json::parse(R"({
    "apiVersion": "redis.middleware.alauda.io/v1alpha1", "kind": "ActiveRedisConnection",
    "metadata": {"name": "c"}, "spec": {"addresses": ["redis.example.com:6379"], "instance": "c6"}})"));
  ASSERT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  EXPECT_EQ(admitted.object["spec"]["pause"], false);
}

} // namespace
} // namespace rdr::schema
