// Object storage with etcd's revision semantics: one global revision, a bounded change log.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace rdr::sandbox {

// One persisted change, as watchers see it.
struct StoredEvent {
  std::uint64_t revision = 0;
  std::string storageKey;
  std::string type; // ADDED, MODIFIED, DELETED
  nlohmann::json object;   // the new state; for DELETED the last state with the deletion's RV
  nlohmann::json previous; // the state before (null for ADDED)
};

// The objects of one storage key by "<namespace>/<name>" (the order of etcd keys).
using ObjectMap = std::map<std::string, nlohmann::json>;

// Not thread-safe: the API server serializes access with its mutex.
class Storage {
public:
  explicit Storage(std::size_t historyLimit) : historyLimit_(historyLimit) {}

  static std::string objectKey(const std::string& ns, const std::string& name) { return ns + "/" + name; }

  std::uint64_t revision() const { return revision_; }
  // The newest revision no longer in the log (a watch or list from before it is 410 Expired).
  std::uint64_t compactedRevision() const { return compacted_; }
  const std::deque<StoredEvent>& events() const { return events_; }

  const nlohmann::json* get(const std::string& storageKey, const std::string& ns,
                            const std::string& name) const;
  // Objects of a storage key, in one namespace or all ("").
  std::vector<const nlohmann::json*> list(const std::string& storageKey, const std::string& ns) const;
  // The objects of a storage key as they were at `revision`, rebuilt from the log; nullopt when
  // the log no longer reaches back that far.
  std::optional<ObjectMap> snapshotAt(const std::string& storageKey, std::uint64_t revision) const;
  bool uidExists(const std::string& uid) const { return uids_.contains(uid); }
  // Every stored object (for garbage collection and namespace cleanup).
  std::vector<std::pair<std::string, nlohmann::json>> allObjects() const;

  // Writes: each assigns the next revision as metadata.resourceVersion and logs the change.
  const nlohmann::json& create(const std::string& storageKey, nlohmann::json object);
  const nlohmann::json& update(const std::string& storageKey, nlohmann::json object);
  // Removes an object; returns its last state carrying the deletion's resourceVersion.
  nlohmann::json remove(const std::string& storageKey, const std::string& ns, const std::string& name);
  // Drops the whole change log (fault injection: every older resourceVersion expires).
  void compact();

private:
  void record(StoredEvent event);

  std::size_t historyLimit_;
  std::uint64_t revision_ = 0;
  std::uint64_t compacted_ = 0;
  std::map<std::string, ObjectMap> objects_;
  std::unordered_map<std::string, std::string> uids_; // uid -> storage key
  std::deque<StoredEvent> events_;
};

// Small accessors for object metadata.
std::string metaString(const nlohmann::json& object, const char* field);
std::string objectNamespace(const nlohmann::json& object);
std::string objectName(const nlohmann::json& object);
std::uint64_t parseRevision(const std::string& text, bool* ok);

} // namespace rdr::sandbox
