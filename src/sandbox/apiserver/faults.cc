// Fault injection for tests: POST /sandbox/v1/faults with a JSON object.
//
//   {"dropWatches": true}                 every open watch ends now (as if the server restarted)
//   {"expireResourceVersions": true}      the change log is compacted: any watch or exact list
//                                         from an older resourceVersion gets 410 Expired
//   {"failNextWrites": {"count": 2, "code": 409}}
//                                         the next N writes (POST/PUT/PATCH/DELETE on resources)
//                                         fail: 409 Conflict (optimistic lock text), 429, 500
//                                         InternalError, 503, or a bare Status with any other code
//   {"latencyMs": 200}                    every request waits this long first (0 turns it off)
//   {"reset": true}                       clears failNextWrites and latencyMs
// Keys combine in one request. GET returns the armed faults; DELETE is a reset.
#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

json describe(const Core& core) {
  return {{"failNextWrites", {{"count", core.faults.failWritesRemaining}, {"code", core.faults.failWritesCode}}},
          {"latencyMs", core.faults.latencyMs},
          {"openWatches", core.openWatches},
          {"resourceVersion", std::to_string(core.storage.revision())},
          {"compactedResourceVersion", std::to_string(core.storage.compactedRevision())}};
}

} // namespace

http::Response handleFaults(Core& core, const http::Request& request) {
  if (request.method == "GET") {
    return jsonResponse(200, describe(core));
  }
  if (request.method == "DELETE") {
    core.faults = Faults{};
    return jsonResponse(200, describe(core));
  }
  if (request.method != "POST") {
    return errorResponse(methodNotAllowedError());
  }
  auto body = parseJsonBody(request.body);
  if (!body.ok() || !body.value().is_object()) {
    return errorResponse(badRequestError("a fault request is a JSON object, e.g. {\"dropWatches\": true}"));
  }
  const json& faults = body.value();
  static const std::vector<std::string> kKnown = {"dropWatches", "expireResourceVersions", "failNextWrites", "latencyMs", "reset"};
  for (const auto& [key, value] : faults.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return errorResponse(badRequestError("unknown fault \"" + key +
                                           "\"; supported: dropWatches, expireResourceVersions, failNextWrites, latencyMs, reset"));
    }
  }
  try {
    if (faults.value("reset", false)) {
      core.faults = Faults{};
    }
    if (faults.contains("failNextWrites")) {
      core.faults.failWritesRemaining = faults["failNextWrites"].value("count", 1);
      core.faults.failWritesCode = faults["failNextWrites"].value("code", 500);
    }
    if (faults.contains("latencyMs")) {
      core.faults.latencyMs = faults["latencyMs"].get<int>();
    }
    if (faults.value("expireResourceVersions", false)) {
      core.storage.compact();
    }
    if (faults.value("dropWatches", false)) {
      ++core.dropGeneration;
    }
  } catch (const json::exception& e) {
    return errorResponse(badRequestError(std::string("invalid fault request: ") + e.what()));
  }
  core.changed.notify_all();
  return jsonResponse(200, describe(core));
}

} // namespace rdr::sandbox
