// FakeKubeClient: an in-memory kube::Client with API-server semantics and failure hooks for tests.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/kube/client.h"

namespace rdr::testing {

enum class Verb { Get, List, Create, Update, UpdateStatus, Patch, Remove, Watch };

// One request the fake received, for assertions ("the informer re-watched from RV 7").
struct RecordedCall {
  Verb verb;
  std::string resource; // qualified name, "pods" or "leases.coordination.k8s.io"
  std::string namespace_;
  std::string name;
  std::string resource_version; // list/watch option, or the body's metadata.resourceVersion
  int limit = 0;
  std::string continue_token;
  nlohmann::json body; // create/update/patch body
};

// Semantics (docs: /work/shared/reference/kubernetes-api.md §1.3-1.6, §2.2-2.8):
// 1. One global resourceVersion counter; every persisted write takes the next value.
// 2. A write whose result equals the stored object is a no-op: same RV, no watch event.
// 3. generation starts at 1 and moves when anything outside metadata (and outside status when the
//    resource has a status subresource, the default) changes, and when deletion marks an object.
// 4. With a status subresource the main endpoint ignores .status and /status takes only .status.
// 5. Watches from "" or "0" replay the current state as ADDED; from "N" they replay the logged
//    events after N; N older than the kept history gives one in-stream ERROR 410 and the end.
// 6. Lists with an RV older than the kept history fail with Expired (a compacted exact list).
// 7. Label selectors as in kube::LabelSelector; field selectors metadata.name/namespace only.
//    A watched object that stops matching arrives as DELETED, one that starts matching as ADDED.
// 8. Not emulated: server-side apply (Unsupported), strategic merge for CRs (Unsupported; core
//    kinds get a plain merge patch), dry runs, managedFields, garbage collection.
class FakeKubeClient final : public kube::Client {
public:
  explicit FakeKubeClient(const Clock& clock = SystemClock::instance());
  ~FakeKubeClient() override;

  // kube::Client
  Result<nlohmann::json> get(const kube::Resource& resource, const kube::ObjectKey& key) override;
  Result<kube::ListResult> list(const kube::Resource& resource, const std::string& namespace_,
                                const kube::ListOptions& options) override;
  Result<nlohmann::json> create(const kube::Resource& resource,
                                const nlohmann::json& object) override;
  Result<nlohmann::json> update(const kube::Resource& resource,
                                const nlohmann::json& object) override;
  Result<nlohmann::json> updateStatus(const kube::Resource& resource,
                                      const nlohmann::json& object) override;
  Result<nlohmann::json> patch(const kube::Resource& resource, const kube::ObjectKey& key,
                               kube::PatchType type, const nlohmann::json& patch,
                               const kube::PatchOptions& options = {},
                               const std::string& subresource = "") override;
  Status remove(const kube::Resource& resource, const kube::ObjectKey& key,
                const kube::DeleteOptions& options = {}) override;
  Result<std::unique_ptr<kube::WatchStream>> watch(const kube::Resource& resource,
                                                   const std::string& namespace_,
                                                   const kube::WatchOptions& options) override;

  // Test hooks.
  // The next `times` calls of `verb` fail with `code` (and are still recorded).
  void failNext(Verb verb, ErrorCode code, int times = 1,
                std::string message = "injected failure from FakeKubeClient");
  // Ends every open watch normally (next() returns nothing once the queued events are read).
  void closeWatches();
  // Forgets the event log: every resourceVersion issued so far becomes too old.
  void expireHistory();
  // Sends a BOOKMARK at the current resourceVersion to every watch that allows bookmarks.
  void sendBookmarks();
  // Resources have a status subresource unless turned off here.
  void setStatusSubresource(const kube::Resource& resource, bool enabled);

  std::vector<RecordedCall> calls() const;
  std::vector<RecordedCall> calls(Verb verb) const;
  void clearCalls();
  std::string currentResourceVersion() const;
  std::size_t openWatchCount() const;
  // The stored object or nothing, bypassing hooks and the call log.
  std::optional<nlohmann::json> peek(const kube::Resource& resource,
                                     const kube::ObjectKey& key) const;

  // Shared between the fake and its streams.
  struct WatchState {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<kube::WatchEvent> events;
    bool ended = false;
    bool cancelled = false;
    std::string resource;
    std::string namespace_;
    std::string label_selector;
    std::string field_selector;
    bool allow_bookmarks = false;
    kube::Resource descriptor;
  };

private:
  struct LogEntry {
    std::int64_t rv;
    std::string resource;
    kube::WatchEventType type; // Added, Modified or Deleted
    nlohmann::json previous;   // null for Added
    nlohmann::json object;
  };
  struct Failure {
    ErrorCode code;
    int remaining;
    std::string message;
  };
  using Store = std::map<kube::ObjectKey, nlohmann::json>;

  std::optional<Error> takeFailureLocked(Verb verb);
  void recordLocked(RecordedCall call);
  bool hasStatusSubresourceLocked(const kube::Resource& resource) const;
  Result<nlohmann::json> writeLocked(const kube::Resource& resource, const nlohmann::json& current,
                                     const nlohmann::json& incoming, bool status_endpoint);
  // `previous` is taken by value: callers often pass a reference into the store we overwrite.
  nlohmann::json commitLocked(const kube::Resource& resource, kube::WatchEventType type,
                              nlohmann::json previous, nlohmann::json object);
  void deliverLocked(const LogEntry& entry);
  static void deliverTo(WatchState& watch, const LogEntry& entry);
  Result<nlohmann::json> patchLocked(const kube::Resource& resource, const kube::ObjectKey& key,
                                     kube::PatchType type, const nlohmann::json& patch,
                                     const std::string& subresource);

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::int64_t rv_ = 0;
  std::int64_t history_floor_ = 0; // watches/lists from an RV below this are Expired
  std::int64_t uid_counter_ = 0;
  std::map<std::string, Store> objects_;
  std::deque<LogEntry> log_;
  std::map<Verb, Failure> failures_;
  std::set<std::string> without_status_subresource_;
  std::vector<std::weak_ptr<WatchState>> watches_;
  std::vector<RecordedCall> calls_;
};

} // namespace rdr::testing
