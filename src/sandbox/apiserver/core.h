// The emulator's shared state and the internal interfaces between its files.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/http/server.h"
#include "rdr/sandbox/api_server.h"
#include "sandbox/apiserver/resource_types.h"
#include "sandbox/apiserver/status.h"
#include "sandbox/apiserver/storage.h"

namespace rdr::sandbox {

// Test faults (see faults.cc for the request format).
struct Faults {
  int failWritesRemaining = 0;
  int failWritesCode = 500;
  int latencyMs = 0;
};

// Everything behind the one mutex. Watch streams share it (shared_ptr) so a stream the
// transport still holds stays valid after the ApiServer is gone.
struct Core : std::enable_shared_from_this<Core> {
  Core(const ApiServerOptions& o, Clock& c) : options(o), clock(c), storage(o.event_history) {}

  ApiServerOptions options;
  Clock& clock;
  std::mutex mutex;
  std::condition_variable changed; // notified on every write, fault and close
  Registry registry;
  Storage storage;
  Faults faults;
  std::uint64_t dropGeneration = 0; // bumped by the dropWatches fault: open watches end
  std::size_t openWatches = 0;
  std::mt19937_64 random{std::random_device{}()};

  std::string newUid();
  std::string randomSuffix(std::size_t length);
  std::string now() const;
};

// Where a resource request points.
struct RestTarget {
  ResourceTypePtr type;
  std::string ns;          // "" when the URL has no namespace
  std::string name;        // "" for collections
  std::string subresource; // "", "status"
};

// Options shared by writes (query parameters).
struct WriteOptions {
  bool dryRun = false;
  std::string fieldValidation = "Warn"; // Strict, Warn, Ignore (server default Warn)
  std::string fieldManager;
};

// Request helpers (rdr_http's implementations are not linked here).
std::optional<std::string> queryParam(const http::Request& request, const std::string& name);
std::string headerValue(const http::Request& request, const std::string& name);
bool queryFlag(const http::Request& request, const std::string& name);
ApiResult<WriteOptions> writeOptions(const http::Request& request);
ApiResult<nlohmann::json> parseJsonBody(const std::string& body);

// --- rest handlers (rest_read.cc, rest_create.cc, rest_update.cc, rest_patch.cc, rest_delete.cc)
http::Response handleGet(Core& core, const http::Request& request, const RestTarget& target);
http::Response handleList(Core& core, const http::Request& request, const RestTarget& target);
http::Response handleCreate(Core& core, const http::Request& request, const RestTarget& target);
http::Response handleUpdate(Core& core, const http::Request& request, const RestTarget& target);
http::Response handlePatch(Core& core, const http::Request& request, const RestTarget& target);
http::Response handleDelete(Core& core, const http::Request& request, const RestTarget& target);
http::Response handleDeleteCollection(Core& core, const http::Request& request,
                                      const RestTarget& target);

// --- write path (write_path.cc)
struct WriteOutcome {
  nlohmann::json object; // as stored (or as it would be, for dryRun)
  bool created = false;
  bool removed = false; // the update removed the last finalizer of a deleting object
  std::vector<std::string> warnings;
};
enum class UpdateMode { Put, Patch, Apply };
// Create: metadata, defaults of built-ins, CR admission, CRD registration, storage.
ApiResult<WriteOutcome> createObject(Core& core, const ResourceType& type, nlohmann::json object,
                                     const std::string& urlNamespace, const WriteOptions& options,
                                     UpdateMode mode);
// Update of an existing object (PUT, PATCH, apply) on the main resource or /status.
ApiResult<WriteOutcome> updateObject(Core& core, const ResourceType& type, const nlohmann::json& old,
                                     nlohmann::json desired, const std::string& subresource,
                                     const WriteOptions& options, UpdateMode mode);
// Removes an object for good, then what depended on it: CRs of a CRD, objects of a namespace,
// and (garbage collection) objects whose every owner is gone.
nlohmann::json removeObject(Core& core, const std::string& storageKey, const std::string& ns,
                            const std::string& name);
// The response of a successful write, with the Warning header of fieldValidation=Warn.
http::Response outcomeResponse(const ResourceType& type, const WriteOutcome& outcome, int status);
// The injected write failure, if one is armed.
std::optional<ApiError> takeWriteFault(Core& core, const ResourceType& type, const std::string& name);

// --- metadata and built-ins (metadata.cc)
schema::FieldErrorList validateObjectName(const ResourceType& type, const std::string& name);
// Labels, annotation keys and finalizers (apimachinery ValidateObjectMeta); metadata must exist.
schema::FieldErrorList validateObjectMeta(const nlohmann::json& object);
void applyBuiltInCreateDefaults(Core& core, const ResourceType& type, nlohmann::json& object);
// What an update of a built-in keeps from the stored object (a Service's allocated addresses).
void applyBuiltInUpdateDefaults(Core& core, const ResourceType& type, const nlohmann::json& old,
                                nlohmann::json& object);
// The CRD status kube-apiserver's controllers write once a CRD is accepted.
void setCrdStatus(Core& core, nlohmann::json& crd);

// --- gc.cc
void collectGarbage(Core& core);
// A normal delete of a stored object: marks it as deleting when it has finalizers (true = removed).
bool requestDeletion(Core& core, const std::string& storageKey, const nlohmann::json& object);
// A pod's grace period for a delete (0 = removed at once).
std::int64_t podGracePeriod(const nlohmann::json& pod, std::optional<std::int64_t> requested);
// Removes the namespaces being deleted that have become empty.
void finishTerminatingNamespaces(Core& core);

// --- watch.cc
http::Response startWatch(Core& core, const http::Request& request, const RestTarget& target);

// --- discovery.cc, openapi.cc, faults.cc
std::optional<http::Response> handleDiscovery(Core& core, const http::Request& request);
std::optional<http::Response> handleOpenApi(Core& core, const http::Request& request);
http::Response handleFaults(Core& core, const http::Request& request);

// Presentation: an object as served by `type` (apiVersion/kind of that version).
nlohmann::json presented(const ResourceType& type, nlohmann::json object);
// The Table Accept header, with `includeObject`.
bool wantsTable(const http::Request& request);

} // namespace rdr::sandbox
