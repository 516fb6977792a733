// Every seed manifest parses, validates, and round-trips through the C++ types; the spec
// fragments the seeds show on their own do too, merged into the manifest they belong to.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "rdr/api/active_redis_connection.h"
#include "rdr/api/derived.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/api/validation.h"
#include "rdr/common/yaml.h"
#include "test_support.h"

namespace rdr::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kSeeds = fs::path(RDR_TEST_DATA_DIR) / "seeds";

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json loadDocument(const fs::path& path) {
  const auto docs = parseYamlDocuments(readFile(path));
  EXPECT_TRUE(docs) << path << ": " << docs.error().message();
  EXPECT_EQ(docs ? docs->size() : 0u, 1u) << path;
  return docs && !docs->empty() ? (*docs)[0] : json();
}

std::vector<std::string> seedFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kSeeds)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SeedListTest, FindsTheSeedManifests) {
  // At least 5 RedisClusters, 1 ActiveRedisConnection and 1 Service (skipped below): an empty
  // list would instantiate no round-trip test at all.
  const auto files = seedFiles();
  EXPECT_GE(files.size(), 7u);
  EXPECT_NE(std::find(files.begin(), files.end(), "000-c6-dest-conn.yaml"), files.end());
  EXPECT_NE(std::find(files.begin(), files.end(), "003-dr-redis.yaml"), files.end());
}

class SeedRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SeedRoundTripTest, ParsesValidatesAndRoundTrips) {
  const json seed = loadDocument(kSeeds / GetParam());
  const std::string kind = seed.value("kind", "");
  if (kind == "RedisCluster") {
    const auto cluster = parseRedisCluster(seed);
    ASSERT_TRUE(cluster) << cluster.error().message();
    EXPECT_EQ(joinFieldErrors(validate(*cluster)), "");
    const json out = toJson(*cluster);
    EXPECT_EQ(testing::subsetMismatch(seed, out), "") << out.dump(2);
    const auto again = parseRedisCluster(out);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, *cluster);
    EXPECT_FALSE(out.contains("status"));
  } else if (kind == "ActiveRedisConnection") {
    const auto connection = parseActiveRedisConnection(seed);
    ASSERT_TRUE(connection) << connection.error().message();
    EXPECT_EQ(joinFieldErrors(validate(*connection)), "");
    EXPECT_EQ(toJson(*connection), seed) << toJson(*connection).dump(2);
    const auto again = parseActiveRedisConnection(toJson(*connection));
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, *connection);
  } else {
    EXPECT_EQ(kind, "Service") << "a seed of a kind this test does not know";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedRoundTripTest, ::testing::ValuesIn(seedFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param.substr(0, info.param.size() - 5)) {
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           }
                           return name;
                         });

TEST(SeedValuesTest, DrRedisMeansWhatSeed003Says) {
  const auto cluster = parseRedisCluster(loadDocument(kSeeds / "003-dr-redis.yaml"));
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(cluster->spec.instances, 3);
  EXPECT_EQ(cluster->spec.mode, ClusterMode::Standalone);
  EXPECT_EQ(cluster->spec.storage, (StorageSpec{"100Gi", std::nullopt}));
  EXPECT_EQ(cluster->spec.auth_secret, SecretRef{"dr-redis-auth"});
  ASSERT_TRUE(cluster->spec.replica_mode);
  EXPECT_EQ(
      cluster->spec.replica_mode->source,
      (ReplicaSourceSpec{"prod-redis-us-east", "prod-redis-leader.production.svc.cluster.local",
                         6379, "prod-redis-auth"}));
  EXPECT_EQ(replicationIntent(*cluster), ReplicationIntent::FollowSource);
  EXPECT_EQ(replicaModeCondition(*cluster).message,
            "Cluster is replicating from prod-redis-us-east "
            "(prod-redis-leader.production.svc.cluster.local:6379)");
}

TEST(SeedValuesTest, ConnectionStatusIsSeed000s) {
  const auto connection =
      parseActiveRedisConnection(loadDocument(kSeeds / "000-c6-dest-conn.yaml"));
  ASSERT_TRUE(connection) << connection.error().message();
  EXPECT_TRUE(connection->spec.pause);
  EXPECT_EQ(connection->spec.secret_name, "c6-dest-conn-password");
  EXPECT_EQ(connection->status.status, ConnectionState::Failed);
  EXPECT_EQ(connection->status.message, "shard 0 status is Disconnected; shard 1 status is "
                                        "Disconnected; shard 2 status is Disconnected");
  ASSERT_EQ(connection->status.shards.size(), 3u);
  EXPECT_EQ(connection->status.shards[2],
            (ShardStatus{2, "0", "0", ShardLinkStatus::Disconnected, "PartialSync"}));
  ASSERT_EQ(connection->metadata.owner_references.size(), 1u);
  EXPECT_EQ(connection->metadata.owner_references[0].kind, "ActiveRedis");
}

struct FragmentCase {
  std::string fragment; // under seeds/fragments/
  std::string base;     // the manifest it is merged into; "" = a minimal manifest
  ReplicationIntent intent;

  friend void PrintTo(const FragmentCase& c, std::ostream* os) { *os << c.fragment; }
};

class SeedFragmentTest : public ::testing::TestWithParam<FragmentCase> {};

TEST_P(SeedFragmentTest, MergedIntoItsManifestValidatesAndRoundTrips) {
  json manifest =
      GetParam().base.empty() ? testing::clusterManifest() : loadDocument(kSeeds / GetParam().base);
  const json fragment = loadDocument(kSeeds / "fragments" / GetParam().fragment);
  ASSERT_TRUE(fragment.contains("spec")) << fragment.dump();
  manifest.merge_patch(fragment);
  const auto cluster = parseRedisCluster(manifest);
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(joinFieldErrors(validate(*cluster)), "");
  EXPECT_EQ(testing::subsetMismatch(manifest, toJson(*cluster)), "");
  const auto again = parseRedisCluster(toJson(*cluster));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, *cluster);
  EXPECT_EQ(toString(replicationIntent(*cluster)), toString(GetParam().intent));
}

INSTANTIATE_TEST_SUITE_P(
    Fragments, SeedFragmentTest,
    ::testing::Values(FragmentCase{"003-trigger-promotion.spec.yaml", "003-dr-redis.yaml",
                                   ReplicationIntent::Promoted},
                      FragmentCase{"003-failover-to-dr.spec.yaml", "003-redis-west.yaml",
                                   ReplicationIntent::Promoted},
                      FragmentCase{"003-min-sync-replicas.spec.yaml", "003-prod-redis.yaml",
                                   ReplicationIntent::Standalone},
                      FragmentCase{"003-tls.spec.yaml", "", ReplicationIntent::FollowSource}));

TEST(SeedFragmentTest, TlsFragmentNamesTheSourceByAddress) {
  json manifest = testing::clusterManifest();
  manifest.merge_patch(loadDocument(kSeeds / "fragments" / "003-tls.spec.yaml"));
  const auto cluster = parseRedisCluster(manifest);
  ASSERT_TRUE(cluster) << cluster.error().message();
  EXPECT_EQ(cluster->spec.tls_secret, SecretRef{"redis-tls"});
  EXPECT_EQ(replicaModeCondition(*cluster).message,
            "Cluster is replicating from redis.us-east.example.com:6379 "
            "(redis.us-east.example.com:6379)");
}

} // namespace
} // namespace rdr::api
