// The two writes every controller makes to the objects it reconciles: their status, and their
// own finalizer. Both are guarded by the object's resourceVersion (a stale object is a Conflict,
// which the controller loop requeues).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "rdr/kube/client.h"

namespace rdr::runtime {

// PUT of `status` to the status subresource of `object`; the error names the object.
Status writeStatus(kube::Client& client, const kube::Resource& resource,
                   const nlohmann::json& object, nlohmann::json status);

enum class FinalizerChange { Add, Remove };

// Adds `finalizer` to, or removes it from, `object`'s metadata.finalizers (an update of the whole
// object). @return the object as written; nothing when a removal left no finalizer (the API
// server deletes an object being deleted then) or the object was gone already.
Result<std::optional<nlohmann::json>> changeFinalizer(kube::Client& client,
                                                      const kube::Resource& resource,
                                                      const nlohmann::json& object,
                                                      std::string_view finalizer,
                                                      FinalizerChange change);

} // namespace rdr::runtime
