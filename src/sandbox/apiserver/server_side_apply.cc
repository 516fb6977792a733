// Server-side apply, minimal: merge plus per-manager field ownership recorded in managedFields.
#include "sandbox/apiserver/server_side_apply.h"

#include <set>
#include <vector>

namespace rdr::sandbox {
namespace {

using nlohmann::json;
using FieldPath = std::vector<std::string>;

// Leaf paths of an applied configuration, without what the server owns (apiVersion, kind,
// metadata.name/namespace and the rest of metadata but labels and annotations).
void collectPaths(const json& node, FieldPath& prefix, std::set<FieldPath>& out) {
  for (const auto& [key, value] : node.items()) {
    if (prefix.empty() && (key == "apiVersion" || key == "kind")) {
      continue;
    }
    if (prefix.size() == 1 && prefix[0] == "metadata" && key != "labels" && key != "annotations" &&
        key != "finalizers" && key != "ownerReferences") {
      continue;
    }
    prefix.push_back(key);
    if (value.is_object() && !value.empty()) {
      collectPaths(value, prefix, out);
    } else {
      out.insert(prefix);
    }
    prefix.pop_back();
  }
}

std::set<FieldPath> pathsOf(const json& applied, bool ignoreStatus) {
  std::set<FieldPath> out;
  FieldPath prefix;
  json copy = applied;
  if (ignoreStatus && copy.is_object()) {
    copy.erase("status");
  }
  if (copy.is_object()) {
    collectPaths(copy, prefix, out);
  }
  return out;
}

json fieldsV1(const std::set<FieldPath>& paths) {
  json out = json::object();
  for (const auto& path : paths) {
    json* node = &out;
    for (const auto& part : path) {
      node = &(*node)["f:" + part];
      if (node->is_null()) {
        *node = json::object();
      }
    }
  }
  return out;
}

void pathsFromFields(const json& fields, FieldPath& prefix, std::set<FieldPath>& out) {
  for (const auto& [key, value] : fields.items()) {
    if (key.rfind("f:", 0) != 0) {
      continue;
    }
    prefix.push_back(key.substr(2));
    if (value.is_object() && !value.empty()) {
      pathsFromFields(value, prefix, out);
    } else {
      out.insert(prefix);
    }
    prefix.pop_back();
  }
}

std::set<FieldPath> ownedBy(const json& live, const std::string& manager, bool* found) {
  std::set<FieldPath> out;
  *found = false;
  if (!live.is_object() || !live.contains("metadata") || !live["metadata"].contains("managedFields")) {
    return out;
  }
  for (const auto& entry : live["metadata"]["managedFields"]) {
    if (entry.value("manager", std::string()) == manager && entry.value("operation", std::string()) == "Apply") {
      FieldPath prefix;
      pathsFromFields(entry.value("fieldsV1", json::object()), prefix, out);
      *found = true;
    }
  }
  return out;
}

json merged(json live, const json& applied) {
  if (!applied.is_object() || !live.is_object()) {
    return applied;
  }
  for (const auto& [key, value] : applied.items()) {
    if (value.is_null()) {
      continue;
    }
    live[key] = value.is_object() && live.contains(key) ? merged(live[key], value) : value;
  }
  return live;
}

void erasePath(json& object, const FieldPath& path) {
  json* node = &object;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node->is_object() || !node->contains(path[i])) {
      return;
    }
    node = &(*node)[path[i]];
  }
  if (node->is_object()) {
    node->erase(path.back());
  }
}

} // namespace

json serverSideApply(const json& live, const json& applied, const ApplyContext& context) {
  const auto now = pathsOf(applied, context.ignoreStatus);
  json result = live.is_null() ? applied : merged(live, applied);
  // 1. What this manager dropped since its last apply, unless another Apply manager owns it.
  bool had = false;
  const auto before = ownedBy(live, context.manager, &had);
  std::set<FieldPath> others;
  if (live.is_object() && live.contains("metadata") && live["metadata"].contains("managedFields")) {
    for (const auto& entry : live["metadata"]["managedFields"]) {
      if (entry.value("manager", std::string()) != context.manager && entry.value("operation", std::string()) == "Apply") {
        FieldPath prefix;
        pathsFromFields(entry.value("fieldsV1", json::object()), prefix, others);
      }
    }
  }
  for (const auto& path : before) {
    if (!now.contains(path) && !others.contains(path)) {
      erasePath(result, path);
    }
  }
  // 2. The manager's entry, replaced in place (or appended).
  json entry = {{"manager", context.manager}, {"operation", "Apply"}, {"apiVersion", context.apiVersion},
                {"time", context.now}, {"fieldsType", "FieldsV1"}, {"fieldsV1", fieldsV1(now)}};
  json entries = json::array();
  bool replaced = false;
  if (live.is_object() && live.contains("metadata") && live["metadata"].contains("managedFields") &&
      live["metadata"]["managedFields"].is_array()) {
    for (const auto& existing : live["metadata"]["managedFields"]) {
      if (existing.value("manager", std::string()) == context.manager &&
          existing.value("operation", std::string()) == "Apply") {
        entries.push_back(entry);
        replaced = true;
      } else {
        entries.push_back(existing);
      }
    }
  }
  if (!replaced) {
    entries.push_back(entry);
  }
  result["metadata"]["managedFields"] = entries;
  return result;
}

void keepManagedFields(const json& old, json& desired) {
  if (!desired["metadata"].contains("managedFields") && old.contains("metadata") &&
      old["metadata"].contains("managedFields")) {
    desired["metadata"]["managedFields"] = old["metadata"]["managedFields"];
  }
}

} // namespace rdr::sandbox
