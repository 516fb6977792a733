// Helpers shared by the api/ tests: manifests from JSON text, and the "subset" comparison.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rdr::api::testing {

// A minimal valid RedisCluster manifest with `patch` applied as a JSON merge patch (RFC 7386).
inline nlohmann::json clusterManifest(std::string_view patch = "{}") {
  nlohmann::json manifest = {{"apiVersion", "redis.io/v1"},
                             {"kind", "RedisCluster"},
                             {"metadata", {{"name", "redis"}, {"namespace", "default"}}},
                             {"spec", nlohmann::json::object()}};
  manifest.merge_patch(nlohmann::json::parse(patch));
  return manifest;
}

// A minimal valid ActiveRedisConnection manifest with `patch` merged in.
inline nlohmann::json connectionManifest(std::string_view patch = "{}") {
  nlohmann::json manifest = {{"apiVersion", "redis.middleware.alauda.io/v1alpha1"},
                             {"kind", "ActiveRedisConnection"},
                             {"metadata", {{"name", "conn"}, {"namespace", "default"}}},
                             {"spec", {{"addresses", {"10.0.0.1:6379"}}, {"instance", "target"}}}};
  manifest.merge_patch(nlohmann::json::parse(patch));
  return manifest;
}

// Empty when every field of `expected` is present in `actual` with the same value (arrays
// element by element, same length); otherwise the path of the first difference.
inline std::string subsetMismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                                  const std::string& path = "") {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      return path.empty() ? "<root>" : path;
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const std::string here = path.empty() ? it.key() : path + "." + it.key();
      if (!actual.contains(it.key())) {
        return here + " (missing)";
      }
      std::string mismatch = subsetMismatch(it.value(), actual.at(it.key()), here);
      if (!mismatch.empty()) {
        return mismatch;
      }
    }
    return "";
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      return path + " (array length)";
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      std::string mismatch =
          subsetMismatch(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
      if (!mismatch.empty()) {
        return mismatch;
      }
    }
    return "";
  }
  return expected == actual ? "" : path + " (" + expected.dump() + " != " + actual.dump() + ")";
}

} // namespace rdr::api::testing
