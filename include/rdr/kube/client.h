// The Kubernetes API as the operator sees it: typed errors, REST verbs for any resource, watches.
// RestClient (cpprestsdk) implements it for real; test/fakes/fake_kube_client.h in memory.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "rdr/kube/resource.h"

namespace rdr::kube {

// Errors are rdr::Error values with these codes, mapped from the API server's Status object:
// 404 NotFound, 409 reason AlreadyExists -> AlreadyExists, other 409 -> Conflict, 410 -> Expired,
// 422/400 -> Invalid, 401 -> Unauthorized, 403 -> Forbidden, 415 -> Unsupported,
// 429/5xx/timeouts/connection loss -> Transient. The message is the Status message verbatim.

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::optional<std::string> resource_version; // absent: most recent; "0": any
  int limit = 0;                               // 0: no paging
  std::string continue_token;
};

struct ListResult {
  std::vector<nlohmann::json> items; // each with apiVersion and kind set (the client fills them in)
  std::string resource_version;      // of the list: where a watch starts
  std::string continue_token;        // non-empty when more pages follow
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version; // start after this version ("" or "0": replay current state)
  bool allow_bookmarks = true;
  std::chrono::seconds timeout{300}; // the server ends the stream after this (timeoutSeconds)
};

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

struct WatchEvent {
  WatchEventType type;
  nlohmann::json object; // the object; for Error, the Status object
};

// One open watch. next() blocks until an event arrives, the stream ends or cancel() is called.
class WatchStream {
public:
  virtual ~WatchStream() = default;

  // @return the next event; nothing when the server ended the stream normally (re-watch from the
  // last seen resourceVersion); an error when it broke (Transient) or was cancelled.
  virtual Result<std::optional<WatchEvent>> next() = 0;

  // Ends a blocked next() from another thread (shutdown, lost leadership).
  virtual void cancel() = 0;
};

enum class PatchType { Merge, Json, StrategicMerge, Apply };

struct PatchOptions {
  std::string field_manager; // required for Apply
  bool force = false;        // Apply only
};

enum class PropagationPolicy { Background, Foreground, Orphan };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::Background;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

class Client {
public:
  virtual ~Client() = default;

  virtual Result<nlohmann::json> get(const Resource& resource, const ObjectKey& key) = 0;

  // @param namespace_ empty for all namespaces (or for a cluster-scoped resource).
  virtual Result<ListResult> list(const Resource& resource, const std::string& namespace_,
                                  const ListOptions& options) = 0;

  // POST; the namespace comes from the object's metadata.
  virtual Result<nlohmann::json> create(const Resource& resource,
                                        const nlohmann::json& object) = 0;

  // PUT with the object's metadata.resourceVersion as precondition (Conflict when stale).
  virtual Result<nlohmann::json> update(const Resource& resource,
                                        const nlohmann::json& object) = 0;

  // PUT to the status subresource: only .status is taken from `object`.
  virtual Result<nlohmann::json> updateStatus(const Resource& resource,
                                              const nlohmann::json& object) = 0;

  // @param subresource "" for the object itself, or "status".
  virtual Result<nlohmann::json> patch(const Resource& resource, const ObjectKey& key,
                                       PatchType type, const nlohmann::json& patch,
                                       const PatchOptions& options = {},
                                       const std::string& subresource = "") = 0;

  // DELETE; NotFound when it is already gone. Deleting an object with finalizers only marks it.
  virtual Status remove(const Resource& resource, const ObjectKey& key,
                        const DeleteOptions& options = {}) = 0;

  // Opens a watch; the first event (or error) comes from the returned stream's next().
  virtual Result<std::unique_ptr<WatchStream>> watch(const Resource& resource,
                                                     const std::string& namespace_,
                                                     const WatchOptions& options) = 0;
};

} // namespace rdr::kube
