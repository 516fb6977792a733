// PATCH bodies: RFC 7386 merge patch, RFC 6902 JSON patch and a strategic-merge-patch subset.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/apiserver/status.h"

namespace rdr::sandbox {

enum class PatchType { Json, Merge, Strategic, Apply };

// The patch type of a Content-Type (parameters stripped), or nullopt for anything else.
std::optional<PatchType> patchTypeOf(const std::string& contentType);

// RFC 6902; a failing operation is 422 Invalid with kube-apiserver's generic text, more than
// 10000 operations 413.
ApiResult<nlohmann::json> applyJsonPatch(const nlohmann::json& document, const nlohmann::json& patch);

// RFC 7386: objects merged recursively, null deletes, arrays replaced.
nlohmann::json applyMergePatch(nlohmann::json document, const nlohmann::json& patch);

// The strategic-merge-patch subset built-ins need (§2.6): `$`-directive keys are honoured for
// `$patch: delete|replace` and `$deleteFromPrimitiveList/<f>`, otherwise ignored; lists of objects
// with a known merge key (containers/env/volumes by name, ports by containerPort or port,
// volumeMounts by mountPath, ownerReferences by uid, conditions by type) are merged element by
// element; metadata.finalizers is merged as a set; other lists are replaced.
nlohmann::json applyStrategicMergePatch(nlohmann::json document, const nlohmann::json& patch);

} // namespace rdr::sandbox
