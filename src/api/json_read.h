// Typed reads from nlohmann::json with field paths in every error (private to api/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::api::detail {

// "spec" + "instances" -> "spec.instances"; "" + "spec" -> "spec".
std::string joinPath(std::string_view parent, std::string_view field);

// Invalid "<path>: must be of type <expected>, got <actual JSON type>".
Error typeError(std::string_view path, std::string_view expected, const nlohmann::json& actual);

// Each reader returns nothing when the field is absent or null, the value when it has the right
// type, and Invalid with the path otherwise. Integers accept only JSON integers (as Kubernetes does).
Result<std::optional<std::string>> readString(const nlohmann::json& object, std::string_view field,
                                              std::string_view path);
// An IntOrString field (e.g. a resource quantity, `size: 100` or `size: 100Gi`) as its text.
Result<std::optional<std::string>> readIntOrString(const nlohmann::json& object,
                                                   std::string_view field, std::string_view path);
Result<std::optional<bool>> readBool(const nlohmann::json& object, std::string_view field,
                                     std::string_view path);
Result<std::optional<std::int64_t>> readInt(const nlohmann::json& object, std::string_view field,
                                            std::string_view path);
// A JSON integer that fits in 32 bits (the CRD's int32 fields); otherwise Invalid:
// "<path>: must be a 32-bit integer, got 99999999999".
Result<std::optional<int>> readInt32(const nlohmann::json& object, std::string_view field,
                                     std::string_view path);
Result<std::optional<std::map<std::string, std::string>>>
readStringMap(const nlohmann::json& object, std::string_view field, std::string_view path);
Result<std::optional<std::vector<std::string>>>
readStringList(const nlohmann::json& object, std::string_view field, std::string_view path);
// The field's value when it is an object (or absent/null: nothing); Invalid otherwise.
Result<const nlohmann::json*> readObject(const nlohmann::json& object, std::string_view field,
                                         std::string_view path);
Result<const nlohmann::json*> readArray(const nlohmann::json& object, std::string_view field,
                                        std::string_view path);
// "spec.addresses" + 2 -> "spec.addresses[2]".
std::string indexPath(std::string_view path, std::size_t index);
// The field's value, or a null value when it is absent.
const nlohmann::json& fieldOrNull(const nlohmann::json& object, std::string_view field);
// Checks apiVersion and kind when present (a bare metadata+spec object is accepted, as tests and
// patches build them); a wrong value is Invalid: apiVersion: must be "redis.io/v1", got "v1".
Status checkTypeMeta(const nlohmann::json& object, std::string_view api_version,
                     std::string_view kind);
// Invalid "<path>: required".
Error requiredError(std::string_view path);

} // namespace rdr::api::detail
