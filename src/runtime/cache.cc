// Cache: objects by key plus namespace and label indexes, replaced wholesale on relists.
#include "rdr/runtime/cache.h"

#include "rdr/kube/label_selector.h"

namespace rdr::runtime {
namespace {

const nlohmann::json& labelsOf(const nlohmann::json& object) {
  static const nlohmann::json kNone = nlohmann::json::object();
  if (object.contains("metadata") && object.at("metadata").contains("labels") &&
      object.at("metadata").at("labels").is_object()) {
    return object.at("metadata").at("labels");
  }
  return kNone;
}

} // namespace

kube::ObjectKey Cache::keyOf(const nlohmann::json& object) {
  const nlohmann::json& meta = object.value("metadata", nlohmann::json::object());
  return {meta.value("namespace", ""), meta.value("name", "")};
}

void Cache::indexLocked(const kube::ObjectKey& key, const nlohmann::json& object) {
  by_namespace_[key.namespace_].insert(key);
  for (const auto& [label, value] : labelsOf(object).items()) {
    if (value.is_string()) {
      by_label_[{label, value.get<std::string>()}].insert(key);
    }
  }
}

void Cache::unindexLocked(const kube::ObjectKey& key, const nlohmann::json& object) {
  by_namespace_[key.namespace_].erase(key);
  for (const auto& [label, value] : labelsOf(object).items()) {
    if (value.is_string()) {
      auto it = by_label_.find({label, value.get<std::string>()});
      if (it != by_label_.end()) {
        it->second.erase(key);
        if (it->second.empty()) {
          by_label_.erase(it);
        }
      }
    }
  }
}

std::optional<nlohmann::json> Cache::upsert(const nlohmann::json& object) {
  std::lock_guard lock(mutex_);
  const kube::ObjectKey key = keyOf(object);
  std::optional<nlohmann::json> previous;
  if (auto it = objects_.find(key); it != objects_.end()) {
    previous = it->second;
    unindexLocked(key, it->second);
  }
  objects_[key] = object;
  indexLocked(key, object);
  return previous;
}

std::optional<nlohmann::json> Cache::remove(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return std::nullopt;
  }
  nlohmann::json previous = std::move(it->second);
  objects_.erase(it);
  unindexLocked(key, previous);
  return previous;
}

ReplaceDelta Cache::replace(const std::vector<nlohmann::json>& objects) {
  std::lock_guard lock(mutex_);
  ReplaceDelta delta;
  std::map<kube::ObjectKey, nlohmann::json> next;
  for (const nlohmann::json& object : objects) {
    next[keyOf(object)] = object;
  }
  for (const auto& [key, object] : objects_) {
    if (!next.contains(key)) {
      delta.deleted.push_back(object);
    }
  }
  for (const auto& [key, object] : next) {
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      delta.added.push_back(object);
    } else {
      delta.updated.emplace_back(it->second, object);
    }
  }
  objects_ = std::move(next);
  by_namespace_.clear();
  by_label_.clear();
  for (const auto& [key, object] : objects_) {
    indexLocked(key, object);
  }
  return delta;
}

std::optional<nlohmann::json> Cache::get(const kube::ObjectKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return std::nullopt;
  }
  return it->second;
}

Result<std::vector<nlohmann::json>> Cache::list(const std::string& namespace_,
                                                const std::string& label_selector) const {
  RDR_ASSIGN_OR_RETURN(const kube::LabelSelector selector, kube::LabelSelector::parse(label_selector));
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  auto consider = [&](const kube::ObjectKey& key) {
    const nlohmann::json& object = objects_.at(key);
    if (selector.matchesObject(object)) {
      out.push_back(object);
    }
  };
  if (namespace_.empty()) {
    for (const auto& [key, object] : objects_) {
      consider(key);
    }
  } else if (auto it = by_namespace_.find(namespace_); it != by_namespace_.end()) {
    for (const kube::ObjectKey& key : it->second) {
      consider(key);
    }
  }
  return out;
}

std::vector<kube::ObjectKey> Cache::byLabel(const std::string& label,
                                            const std::string& value) const {
  std::lock_guard lock(mutex_);
  auto it = by_label_.find({label, value});
  if (it == by_label_.end()) {
    return {};
  }
  return {it->second.begin(), it->second.end()};
}

std::vector<kube::ObjectKey> Cache::keys() const {
  std::lock_guard lock(mutex_);
  std::vector<kube::ObjectKey> out;
  for (const auto& [key, object] : objects_) {
    out.push_back(key);
  }
  return out;
}

std::size_t Cache::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

} // namespace rdr::runtime
