// The contract between crds/ and api/: the API server (the CRD schema) and the operator (the C++
// types) must default every manifest identically and accept or refuse the same specs, or the
// operator would act on a spec the server stored differently, or accept one the server refused.
#include <filesystem>

#include <gtest/gtest.h>

#include "rdr/api/active_redis_connection.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/api/validation.h"
#include "rdr/schema/validator.h"
#include "unit/crds/crd_fixture.h"

namespace rdr {
namespace {

using nlohmann::json;
using schema::testing::crdDocument;
using schema::testing::kConnectionCrd;
using schema::testing::kRedisClusterCrd;

class ApiCrdContractTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto cluster = schema::loadCrd(crdDocument(kRedisClusterCrd));
    ASSERT_TRUE(cluster) << cluster.error().message();
    cluster_crd_ = std::move(*cluster);
    auto connection = schema::loadCrd(crdDocument(kConnectionCrd));
    ASSERT_TRUE(connection) << connection.error().message();
    connection_crd_ = std::move(*connection);
  }

  schema::Admission admitCluster(const json& manifest) const {
    return schema::admit(*cluster_crd_.version("v1"), manifest);
  }

  // Every RedisCluster/ActiveRedisConnection document of the seeds and the samples.
  static std::vector<std::pair<std::string, json>> manifests(std::string_view kind) {
    std::vector<std::pair<std::string, json>> out;
    const std::filesystem::path roots[] = {std::filesystem::path(RDR_TEST_DATA_DIR) / "seeds",
                                           std::filesystem::path(RDR_SOURCE_DIR) / "config"};
    for (const auto& root : roots) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".yaml") {
          continue;
        }
        const auto docs = parseYamlDocuments(schema::testing::readText(entry.path()));
        EXPECT_TRUE(docs) << entry.path() << ": " << docs.error().message();
        for (const auto& doc : docs ? *docs : std::vector<json>{}) {
          if (doc.is_object() && doc.value("kind", "") == kind) {
            out.emplace_back(entry.path().filename().string(), doc);
          }
        }
      }
    }
    return out;
  }

  schema::CustomResourceDefinition cluster_crd_;
  schema::CustomResourceDefinition connection_crd_;
};

// Minimal and partial specs: each default must come out the same from both sides.
const char* const kSpecsForDefaults[] = {
    R"({})",
    R"({"instances": 5})",
    R"({"mode": "sentinel", "sentinel": {}})",
    R"({"mode": "sentinel", "sentinel": {"quorum": 3, "masterName": "mymaster"}})",
    R"({"failover": {"enabled": false}})",
    R"({"replicaMode": {}})",
    R"({"replicaMode": {"enabled": true, "source": {"host": "10.0.0.1"}}})",
    R"({"replicaMode": {"enabled": true, "promote": true,
        "source": {"host": "h", "port": 7000, "clusterName": "c", "authSecretName": "s"}}})",
    R"({"storage": {"size": "1Gi"}, "authSecret": {"name": "a"}, "minSyncReplicas": 1,
        "redis": {"maxmemory": "1gb"}, "nodeSelector": {"zone": "a"}})",
};

json clusterWithSpec(const std::string& spec) {
  return {{"apiVersion", "redis.io/v1"},
          {"kind", "RedisCluster"},
          {"metadata", {{"name", "c"}, {"namespace", "default"}}},
          {"spec", json::parse(spec)}};
}

TEST_F(ApiCrdContractTest, CrdAndCppDefaultSyntheticSpecsIdentically) {
  for (const char* spec : kSpecsForDefaults) {
    const json manifest = clusterWithSpec(spec);
    const auto admitted = admitCluster(manifest);
    ASSERT_TRUE(admitted.ok()) << spec << ": " << schema::aggregateMessage(admitted.errors);
    const auto parsed = api::parseRedisCluster(manifest);
    ASSERT_TRUE(parsed) << spec << ": " << parsed.error().message();
    EXPECT_EQ(api::toJson(parsed->spec), admitted.object["spec"]) << spec;
  }
}

TEST_F(ApiCrdContractTest, CrdAndCppDefaultEverySeedAndSampleIdentically) {
  const auto clusters = manifests("RedisCluster");
  ASSERT_GE(clusters.size(), 5u);
  for (const auto& [file, manifest] : clusters) {
    const auto admitted = admitCluster(manifest);
    ASSERT_TRUE(admitted.ok()) << file << ": " << schema::aggregateMessage(admitted.errors);
    const auto parsed = api::parseRedisCluster(manifest);
    ASSERT_TRUE(parsed) << file << ": " << parsed.error().message();
    EXPECT_EQ(api::toJson(parsed->spec), admitted.object["spec"]) << file;
    EXPECT_TRUE(api::validate(*parsed).empty()) << file << ": "
                                                << api::joinFieldErrors(api::validate(*parsed));
  }
}

TEST_F(ApiCrdContractTest, ConnectionsAgreeToo) {
  const auto connections = manifests("ActiveRedisConnection");
  ASSERT_GE(connections.size(), 2u);
  for (const auto& [file, manifest] : connections) {
    const auto admitted = schema::admit(*connection_crd_.version("v1alpha1"), manifest);
    ASSERT_TRUE(admitted.ok()) << file << ": " << schema::aggregateMessage(admitted.errors);
    const auto parsed = api::parseActiveRedisConnection(manifest);
    ASSERT_TRUE(parsed) << file << ": " << parsed.error().message();
    EXPECT_TRUE(api::validate(*parsed).empty()) << file;
    EXPECT_EQ(api::toJson(*parsed)["spec"], admitted.object["spec"]) << file;
  }
}

// Specs both sides must refuse. The C++ side may refuse at parse time (types, enums) or in
// validate() (ranges, cross-field rules); the CRD side is the API server's 422.
const char* const kInvalidSpecs[] = {
    R"({"instances": 0})",
    R"({"instances": 16})",
    R"({"instances": "three"})",
    R"({"mode": "foo"})",
    R"({"minSyncReplicas": 3})",
    R"({"minSyncReplicas": -1})",
    R"({"instances": 5, "minSyncReplicas": 5})",
    R"({"replicaMode": {"enabled": true}})",
    R"({"replicaMode": {"enabled": true, "source": {"port": 6379}}})",
    R"({"replicaMode": {"enabled": true, "source": {"host": "h", "port": 0}}})",
    R"({"replicaMode": {"enabled": true, "source": {"host": "h", "port": 70000}}})",
    R"({"replicaMode": {"promote": true, "source": {"host": "h"}}})",
    R"({"replicaMode": {"enabled": "yes", "source": {"host": "h"}}})",
    R"({"mode": "cluster", "replicaMode": {"enabled": true, "source": {"host": "h"}}})",
    R"({"mode": "sentinel", "sentinel": {"instances": 3, "quorum": 4}})",
    R"({"failover": {"failureThreshold": 0}})",
    R"({"failover": {"probeIntervalSeconds": 0}})",
    R"({"storage": {}})",
    R"({"storage": {"size": "lots"}})",
    R"({"imageName": ""})",
    R"({"authSecret": {"name": ""}})",
    R"({"tlsSecret": {"name": ""}})",
    R"({"failover": {"failureThreshold": 101}})",
    R"({"failover": {"probeIntervalSeconds": 3601}})",
    R"({"mode": "sentinel", "sentinel": {"instances": 16, "quorum": 2}})",
    R"({"mode": "sentinel", "sentinel": {"downAfterMilliseconds": 3000000000}})",
    R"({"mode": "sentinel", "sentinel": {"failoverTimeout": 0}})",
    R"({"mode": "sentinel", "sentinel": {"masterName": ""}})",
};

TEST_F(ApiCrdContractTest, BothSidesRefuseTheSameInvalidSpecs) {
  for (const char* spec : kInvalidSpecs) {
    const json manifest = clusterWithSpec(spec);
    EXPECT_FALSE(admitCluster(manifest).ok()) << "the CRD accepts " << spec;
    const auto parsed = api::parseRedisCluster(manifest);
    const bool cpp_refuses = !parsed || !api::validate(*parsed).empty();
    EXPECT_TRUE(cpp_refuses) << "the C++ types accept " << spec;
  }
}

// Specs both sides must accept: the edges of every range.
const char* const kValidEdgeSpecs[] = {
    R"({"instances": 1})",
    R"({"instances": 15, "minSyncReplicas": 14})",
    R"({"replicaMode": {"enabled": true, "source": {"host": "h", "port": 1}}})",
    R"({"replicaMode": {"enabled": true, "source": {"host": "h", "port": 65535}}})",
    R"({"replicaMode": {"enabled": false, "source": {"host": "h"}}})",
    R"({"replicaMode": {"enabled": false}})",
    R"({"mode": "cluster", "replicaMode": {"enabled": false}})",
    R"({"mode": "sentinel", "sentinel": {"instances": 5, "quorum": 5}})",
    R"({"storage": {"size": 1073741824}})",
    R"({"storage": {"size": "1.5Gi", "storageClassName": ""}})",
    R"({"failover": {"failureThreshold": 100, "probeIntervalSeconds": 3600}})",
    R"({"mode": "sentinel", "sentinel": {"instances": 15, "quorum": 15,
        "downAfterMilliseconds": 2147483647, "failoverTimeout": 2147483647}})",
};

TEST_F(ApiCrdContractTest, BothSidesAcceptTheEdgesOfEveryRange) {
  for (const char* spec : kValidEdgeSpecs) {
    const json manifest = clusterWithSpec(spec);
    const auto admitted = admitCluster(manifest);
    EXPECT_TRUE(admitted.ok()) << spec << ": " << schema::aggregateMessage(admitted.errors);
    const auto parsed = api::parseRedisCluster(manifest);
    ASSERT_TRUE(parsed) << spec << ": " << parsed.error().message();
    EXPECT_TRUE(api::validate(*parsed).empty())
        << spec << ": " << api::joinFieldErrors(api::validate(*parsed));
  }
}

} // namespace
} // namespace rdr
