// Every seed manifest (and every fragment merged into its manifest) is accepted by the CRDs.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "crd_fixture.h"
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;
using testing::kConnectionCrd;
using testing::kRedisClusterCrd;
using testing::kSeedDir;
using testing::loadCrdFile;
using testing::readText;
using testing::readYaml;

class SeedManifestTest : public ::testing::Test {
protected:
  SeedManifestTest()
      : redisCluster_(loadCrdFile(kRedisClusterCrd)), connection_(loadCrdFile(kConnectionCrd)) {}

  // The CRD version a manifest belongs to, or nullptr for other kinds.
  const CrdVersion* versionFor(const json& manifest) const {
    const std::string apiVersion = manifest.value("apiVersion", "");
    const std::string kind = manifest.value("kind", "");
    if (apiVersion == "redis.io/v1" && kind == "RedisCluster") {
      return redisCluster_.version("v1");
    }
    if (apiVersion == "redis.middleware.alauda.io/v1alpha1" && kind == "ActiveRedisConnection") {
      return connection_.version("v1alpha1");
    }
    return nullptr;
  }

  // Admits every RedisCluster/ActiveRedisConnection document of a file; returns how many.
  int expectAllAccepted(const std::filesystem::path& file) {
    const auto docs = parseYamlDocuments(readText(file));
    EXPECT_TRUE(docs) << file << ": " << docs.error().message();
    int checked = 0;
    for (const auto& doc : docs ? *docs : std::vector<json>{}) {
      const CrdVersion* version = versionFor(doc);
      if (version == nullptr) {
        continue;
      }
      expectAccepted(*version, doc, file.filename().string());
      ++checked;
    }
    return checked;
  }

  static void expectAccepted(const CrdVersion& version, const json& manifest,
                             const std::string& label) {
    const auto admitted = admit(version, manifest);
    EXPECT_TRUE(admitted.ok()) << label << ": " << aggregateMessage(admitted.errors);
    EXPECT_TRUE(admitted.unknownFields.empty())
        << label << ": unknown field " << admitted.unknownFields.front();
  }

  CustomResourceDefinition redisCluster_;
  CustomResourceDefinition connection_;
};

TEST_F(SeedManifestTest, EverySeedManifestIsAccepted) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSeedDir)) {
    if (entry.path().extension() == ".yaml") {
      checked += expectAllAccepted(entry.path());
    }
  }
  EXPECT_EQ(checked, 6) << "seed 000's connection and the five RedisClusters of seed 003";
}

TEST_F(SeedManifestTest, TheSeedConnectionKeepsItsStatusShape) {
  const json manifest = readYaml(kSeedDir / "000-c6-dest-conn.yaml");
  const auto admitted = admit(*connection_.version("v1alpha1"), manifest);
  ASSERT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  EXPECT_EQ(admitted.object["status"], manifest["status"]) << "nothing pruned or defaulted in status";
  EXPECT_TRUE(admitted.object["status"]["upstreamPeer"]["service_metadata"].is_null());
}

// The seeds' spec snippets merged (JSON merge patch) into the manifest each one modifies.
TEST_F(SeedManifestTest, EveryFragmentMergedIntoItsManifestIsAccepted) {
  const std::map<std::string, std::string> targets = {
      {"003-trigger-promotion.spec.yaml", "003-dr-redis.yaml"},
      {"003-failover-to-dr.spec.yaml", "003-redis-west.yaml"},
      {"003-min-sync-replicas.spec.yaml", "003-prod-redis.yaml"},
      {"003-tls.spec.yaml", "003-dr-redis.yaml"}};
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(kSeedDir / "fragments")) {
    const std::string name = entry.path().filename().string();
    const auto target = targets.find(name);
    ASSERT_NE(target, targets.end()) << "no target manifest for fragment " << name;
    json manifest = readYaml(kSeedDir / target->second);
    manifest.merge_patch(readYaml(entry.path()));
    const CrdVersion* version = versionFor(manifest);
    ASSERT_NE(version, nullptr) << name;
    expectAccepted(*version, manifest, name + " into " + target->second);
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), targets.size());
}

TEST_F(SeedManifestTest, PromotionFragmentsPromote) {
  json manifest = readYaml(kSeedDir / "003-dr-redis.yaml");
  manifest.merge_patch(readYaml(kSeedDir / "fragments" / "003-trigger-promotion.spec.yaml"));
  const auto admitted = admit(*redisCluster_.version("v1"), manifest);
  ASSERT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  EXPECT_EQ(admitted.object["spec"]["replicaMode"]["promote"], true);
  EXPECT_EQ(admitted.object["spec"]["replicaMode"]["source"]["clusterName"], "prod-redis-us-east");
}

TEST_F(SeedManifestTest, EverySampleManifestIsAccepted) {
  const auto samples = std::filesystem::path(RDR_SOURCE_DIR) / "config" / "samples";
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(samples)) {
    if (entry.path().extension() == ".yaml") {
      checked += expectAllAccepted(entry.path());
    }
  }
  EXPECT_GE(checked, 7) << "the seed manifests under config/samples/ (RedisClusters and the connection)";
}

} // namespace
} // namespace rdr::schema
