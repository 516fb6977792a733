// Golden files: every object built for representative clusters, rendered as YAML, compared with
// test/data/golden/resources/<case>/. RDR_UPDATE_GOLDEN=1 rewrites the files instead. A cluster in
// mode: sentinel adds its Sentinel pods and Service (not yet part of the desired set).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "rdr/common/yaml.h"
#include "rdr/resources/desired_set.h"
#include "rdr/resources/sentinel.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct GoldenCase {
  std::string name;
  std::function<api::RedisCluster()> cluster;
  bool generate_password;

  friend void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }
};

fs::path goldenDir(const std::string& name) {
  return fs::path(RDR_TEST_DATA_DIR) / "golden" / "resources" / name;
}

// "<kind>-<name>.yaml", e.g. "pod-dr-redis-0.yaml".
std::string fileName(const json& object) {
  std::string kind = object.at("kind").get<std::string>();
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return kind + "-" + object.at("metadata").at("name").get<std::string>() + ".yaml";
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool updating() {
  const char* env = std::getenv("RDR_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, EveryBuiltObjectMatchesItsGoldenFile) {
  const auto cluster = GetParam().cluster();
  DesiredSetInputs inputs{defaultBootRoles(cluster), std::nullopt};
  if (GetParam().generate_password) {
    inputs.generated_password = testing::kGeneratedPassword;
  }
  const auto set = buildDesiredSet(cluster, inputs);
  ASSERT_TRUE(set) << set.error().toString();

  std::vector<json> objects = set->all();
  if (cluster.spec.mode == api::ClusterMode::Sentinel) {
    for (int i = 0; i < sentinelInstances(cluster); ++i) {
      const auto sentinel = buildSentinelPod(cluster, i);
      ASSERT_TRUE(sentinel) << sentinel.error().toString();
      objects.push_back(*sentinel);
    }
    objects.push_back(buildSentinelService(cluster));
  }

  const fs::path dir = goldenDir(GetParam().name);
  std::set<std::string> expected_files;
  for (const json& object : objects) {
    const std::string file = fileName(object);
    expected_files.insert(file);
    const std::string yaml = toYaml(object);
    // The YAML must read back as the same object (quoting of "true", "6379", "None" ...).
    const auto reparsed = parseYamlDocument(yaml);
    ASSERT_TRUE(reparsed) << file << ": " << reparsed.error().message();
    EXPECT_EQ(*reparsed, object) << file << " does not round-trip through YAML";

    if (updating()) {
      fs::create_directories(dir);
      std::ofstream(dir / file, std::ios::binary) << yaml;
      std::cout << "RDR_UPDATE_GOLDEN=1: wrote " << (dir / file).string() << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(dir / file))
        << (dir / file).string() << " is missing; run with RDR_UPDATE_GOLDEN=1 and review it";
    EXPECT_EQ(readFile(dir / file), yaml)
        << "golden file " << (dir / file).string()
        << " differs; if the change is intended, run with RDR_UPDATE_GOLDEN=1 and review the diff";
  }

  // A golden file for an object the builders no longer produce is a stale spec.
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (expected_files.count(file) == 0) {
      if (updating()) {
        fs::remove(entry.path());
        std::cout << "RDR_UPDATE_GOLDEN=1: removed stale " << entry.path().string() << "\n";
      } else {
        ADD_FAILURE() << entry.path().string() << " matches no built object";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Clusters, GoldenTest,
    ::testing::Values(GoldenCase{"standalone-pvc", testing::standaloneWithStorage, true},
                      GoldenCase{"dr-redis", testing::seedDrRedis, false},
                      GoldenCase{"emptydir-min-sync", testing::emptyDirWithMinSync, false},
                      GoldenCase{"prod-redis-sentinel", testing::seedProdRedis, false}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

} // namespace
} // namespace rdr::resources
