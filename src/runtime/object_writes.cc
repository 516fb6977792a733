// Status and finalizer writes to reconciled objects (object_writes.h).
#include "rdr/runtime/object_writes.h"

#include <algorithm>
#include <string>

namespace rdr::runtime {

using nlohmann::json;

namespace {

std::string describe(const kube::Resource& resource, const json& object) {
  const json metadata = object.value("metadata", json::object());
  const std::string ns = metadata.value("namespace", "");
  return resource.kind + " " + (ns.empty() ? "" : ns + "/") + metadata.value("name", "");
}

} // namespace

Status writeStatus(kube::Client& client, const kube::Resource& resource, const json& object,
                   json status) {
  const json metadata = object.value("metadata", json::object());
  json updated = {{"apiVersion", object.value("apiVersion", resource.apiVersion())},
                  {"kind", object.value("kind", resource.kind)},
                  {"metadata",
                   {{"name", metadata.value("name", "")},
                    {"namespace", metadata.value("namespace", "")},
                    {"resourceVersion", metadata.value("resourceVersion", "")}}},
                  {"status", std::move(status)}};
  if (auto written = client.updateStatus(resource, updated); !written) {
    return written.error().wrap("writing the status of " + describe(resource, object));
  }
  return okStatus();
}

Result<std::optional<json>> changeFinalizer(kube::Client& client, const kube::Resource& resource,
                                            const json& object, std::string_view finalizer,
                                            FinalizerChange change) {
  json updated = object;
  json& finalizers = updated["metadata"]["finalizers"];
  if (!finalizers.is_array()) {
    finalizers = json::array();
  }
  const json entry = std::string(finalizer);
  if (change == FinalizerChange::Add) {
    finalizers.push_back(entry);
  } else {
    finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), entry), finalizers.end());
  }
  const bool none_left = change == FinalizerChange::Remove && finalizers.empty();
  auto written = client.update(resource, updated);
  if (!written) {
    if (change == FinalizerChange::Remove && written.error().is(ErrorCode::NotFound)) {
      return std::optional<json>(); // someone else removed the last finalizer first
    }
    const std::string verb = change == FinalizerChange::Add ? "adding" : "removing";
    return written.error().wrap(verb + " the finalizer " + std::string(finalizer) + " of " +
                                describe(resource, object));
  }
  if (none_left) {
    return std::optional<json>();
  }
  return std::optional<json>(std::move(written).value());
}

} // namespace rdr::runtime
