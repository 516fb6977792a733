// The parts of metav1.ObjectMeta the operator reads and writes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::api {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;

  bool operator==(const OwnerReference&) const = default;
};

struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::string creation_timestamp;                // RFC 3339, as the server wrote it; empty if unset
  std::optional<std::string> deletion_timestamp; // set once deletion was requested
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> finalizers;
  std::vector<OwnerReference> owner_references;

  bool operator==(const ObjectMeta&) const = default;
};

// Reads metadata; Invalid with the field path when a present field has the wrong type.
// Fields the operator does not model (managedFields, generateName ...) are ignored.
Result<ObjectMeta> parseObjectMeta(const nlohmann::json& metadata);

// Writes only the fields that are set (empty strings, zero generation and empty maps are omitted),
// so that parse -> serialise returns the original metadata of a manifest.
nlohmann::json toJson(const ObjectMeta& meta);

nlohmann::json toJson(const OwnerReference& ref);

} // namespace rdr::api
