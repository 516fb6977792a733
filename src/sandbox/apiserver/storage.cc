// Object storage with etcd's revision semantics: one global revision, a bounded change log.
#include "sandbox/apiserver/storage.h"

#include <charconv>

namespace rdr::sandbox {

using nlohmann::json;

std::string metaString(const json& object, const char* field) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) {
    return "";
  }
  const auto value = meta->find(field);
  return value != meta->end() && value->is_string() ? value->get<std::string>() : "";
}

std::string objectNamespace(const json& object) { return metaString(object, "namespace"); }
std::string objectName(const json& object) { return metaString(object, "name"); }

std::uint64_t parseRevision(const std::string& text, bool* ok) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  *ok = ec == std::errc() && end == text.data() + text.size() && !text.empty();
  return value;
}

const json* Storage::get(const std::string& storageKey, const std::string& ns,
                         const std::string& name) const {
  const auto bucket = objects_.find(storageKey);
  if (bucket == objects_.end()) {
    return nullptr;
  }
  const auto it = bucket->second.find(objectKey(ns, name));
  return it == bucket->second.end() ? nullptr : &it->second;
}

std::vector<const json*> Storage::list(const std::string& storageKey, const std::string& ns) const {
  std::vector<const json*> out;
  const auto bucket = objects_.find(storageKey);
  if (bucket == objects_.end()) {
    return out;
  }
  for (const auto& [key, object] : bucket->second) {
    if (ns.empty() || objectNamespace(object) == ns) {
      out.push_back(&object);
    }
  }
  return out;
}

std::optional<ObjectMap> Storage::snapshotAt(const std::string& storageKey,
                                             std::uint64_t revision) const {
  if (revision < compacted_) {
    return std::nullopt;
  }
  ObjectMap snapshot;
  if (const auto bucket = objects_.find(storageKey); bucket != objects_.end()) {
    snapshot = bucket->second;
  }
  // Undo, newest first, every change of this storage key made after `revision`.
  for (auto it = events_.rbegin(); it != events_.rend() && it->revision > revision; ++it) {
    if (it->storageKey != storageKey) {
      continue;
    }
    const auto key = objectKey(objectNamespace(it->object), objectName(it->object));
    if (it->type == "ADDED") {
      snapshot.erase(key);
    } else {
      snapshot[key] = it->previous;
    }
  }
  return snapshot;
}

std::vector<std::pair<std::string, json>> Storage::allObjects() const {
  std::vector<std::pair<std::string, json>> out;
  for (const auto& [storageKey, bucket] : objects_) {
    for (const auto& [key, object] : bucket) {
      out.emplace_back(storageKey, object);
    }
  }
  return out;
}

const json& Storage::create(const std::string& storageKey, json object) {
  object["metadata"]["resourceVersion"] = std::to_string(revision_ + 1);
  const auto key = objectKey(objectNamespace(object), objectName(object));
  auto& slot = objects_[storageKey][key];
  slot = object;
  uids_[metaString(object, "uid")] = storageKey;
  record({revision_ + 1, storageKey, "ADDED", std::move(object), nullptr});
  return slot;
}

const json& Storage::update(const std::string& storageKey, json object) {
  object["metadata"]["resourceVersion"] = std::to_string(revision_ + 1);
  const auto key = objectKey(objectNamespace(object), objectName(object));
  auto& slot = objects_[storageKey][key];
  json previous = slot;
  slot = object;
  record({revision_ + 1, storageKey, "MODIFIED", std::move(object), std::move(previous)});
  return slot;
}

json Storage::remove(const std::string& storageKey, const std::string& ns, const std::string& name) {
  auto& bucket = objects_[storageKey];
  const auto it = bucket.find(objectKey(ns, name));
  if (it == bucket.end()) {
    return nullptr;
  }
  json previous = std::move(it->second);
  bucket.erase(it);
  uids_.erase(metaString(previous, "uid"));
  json last = previous;
  last["metadata"]["resourceVersion"] = std::to_string(revision_ + 1);
  record({revision_ + 1, storageKey, "DELETED", last, std::move(previous)});
  return last;
}

void Storage::compact() {
  compacted_ = revision_;
  events_.clear();
}

void Storage::record(StoredEvent event) {
  revision_ = event.revision;
  events_.push_back(std::move(event));
  // The log is bounded: what falls off makes its revision (and older ones) unservable.
  while (events_.size() > historyLimit_) {
    compacted_ = events_.front().revision;
    events_.pop_front();
  }
}

} // namespace rdr::sandbox
