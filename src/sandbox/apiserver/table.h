// Server-side printing: meta.k8s.io/v1 Table responses with printer columns and HumanDuration.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"

namespace rdr::sandbox {

struct ResourceType;

// apimachinery/pkg/util/duration HumanDuration: "119s", "2m5s", "10m", "3h", "2d3h", "2y10d" ...
std::string humanDuration(std::chrono::system_clock::duration d);

// What `includeObject` asks a row to carry.
enum class IncludeObject { None, Metadata, Object };

struct TableOptions {
  SystemTime now;
  IncludeObject include = IncludeObject::Metadata;
  bool headers = true; // false: columnDefinitions null (watch events after the first)
};

// A Table of objects (already presented as `type`); `listMeta` becomes the Table's metadata.
nlohmann::json toTable(const ResourceType& type, const std::vector<nlohmann::json>& objects,
                       const nlohmann::json& listMeta, const TableOptions& options);

} // namespace rdr::sandbox
