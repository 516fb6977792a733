// Cache: the informer's thread-safe store of objects by key, indexed by namespace and labels.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "rdr/kube/resource.h"

namespace rdr::runtime {

// What replace() changed, so the informer can call its handlers.
struct ReplaceDelta {
  std::vector<nlohmann::json> added;
  std::vector<std::pair<nlohmann::json, nlohmann::json>> updated; // (old, new)
  std::vector<nlohmann::json> deleted;                           // last known state
};

class Cache {
public:
  // @return the key of an object: metadata.namespace "/" metadata.name.
  static kube::ObjectKey keyOf(const nlohmann::json& object);

  // Inserts or replaces the object; @return the previous state, if any.
  std::optional<nlohmann::json> upsert(const nlohmann::json& object);
  // @return the removed state, if the key was present.
  std::optional<nlohmann::json> remove(const kube::ObjectKey& key);
  // Replaces the whole content (a relist); @return what was added, changed and vanished.
  ReplaceDelta replace(const std::vector<nlohmann::json>& objects);

  std::optional<nlohmann::json> get(const kube::ObjectKey& key) const;
  // @param namespace_ empty for all; @param label_selector as in kube::LabelSelector::parse.
  Result<std::vector<nlohmann::json>> list(const std::string& namespace_ = "",
                                           const std::string& label_selector = "") const;
  // @return the keys of objects carrying label `label` with `value` (the label index).
  std::vector<kube::ObjectKey> byLabel(const std::string& label, const std::string& value) const;
  std::vector<kube::ObjectKey> keys() const;
  std::size_t size() const;

private:
  void indexLocked(const kube::ObjectKey& key, const nlohmann::json& object);
  void unindexLocked(const kube::ObjectKey& key, const nlohmann::json& object);

  mutable std::mutex mutex_;
  std::map<kube::ObjectKey, nlohmann::json> objects_;
  std::map<std::string, std::set<kube::ObjectKey>> by_namespace_;
  std::map<std::pair<std::string, std::string>, std::set<kube::ObjectKey>> by_label_;
};

} // namespace rdr::runtime
