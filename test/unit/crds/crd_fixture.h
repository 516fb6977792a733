// Test helpers: the project's CRDs and seed manifests, loaded from the source tree.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "rdr/common/yaml.h"
#include "rdr/schema/crd.h"

namespace rdr::schema::testing {

inline const std::filesystem::path kCrdDir = std::filesystem::path(RDR_SOURCE_DIR) / "crds";
inline const std::filesystem::path kSeedDir = std::filesystem::path(RDR_TEST_DATA_DIR) / "seeds";
inline constexpr const char* kRedisClusterCrd = "redisclusters.redis.io.yaml";
inline constexpr const char* kConnectionCrd = "activeredisconnections.redis.middleware.alauda.io.yaml";

inline std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The single document of a YAML file.
inline nlohmann::json readYaml(const std::filesystem::path& path) {
  const auto doc = parseYamlDocument(readText(path));
  EXPECT_TRUE(doc) << path << ": " << doc.error().message();
  return doc ? *doc : nlohmann::json();
}

inline nlohmann::json crdDocument(const char* file) { return readYaml(kCrdDir / file); }

inline CustomResourceDefinition loadCrdFile(const char* file) {
  const auto crd = loadCrd(crdDocument(file));
  EXPECT_TRUE(crd) << file << ": " << crd.error().message();
  return crd ? *crd : CustomResourceDefinition{};
}

} // namespace rdr::schema::testing
