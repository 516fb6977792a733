// Server-side apply, minimal: merge plus per-manager field ownership recorded in managedFields.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rdr::sandbox {

struct ApplyContext {
  std::string manager;    // fieldManager
  std::string apiVersion; // of the applied configuration
  std::string now;        // RFC 3339, the entry's time
  bool ignoreStatus = false; // status is reset by the status subresource: not owned via apply
};

// Applies a configuration to the live object (null when creating):
//  1. The applied fields are merged in (objects recursively; lists and scalars replaced).
//  2. Fields the same manager applied last time, that it no longer applies and that no other
//     Apply manager owns, are removed.
//  3. The manager's Apply entry of metadata.managedFields is replaced by the fields it now owns
//     (FieldsV1: {"f:spec":{"f:instances":{}}}; lists are atomic).
// Conflicts with other managers are not detected (force has no effect).
nlohmann::json serverSideApply(const nlohmann::json& live, const nlohmann::json& applied,
                               const ApplyContext& context);

// Keeps the stored managedFields when an update does not send any (as the field manager does).
void keepManagedFields(const nlohmann::json& old, nlohmann::json& desired);

} // namespace rdr::sandbox
