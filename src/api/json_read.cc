// Typed reads from nlohmann::json with field paths in every error.
#include "json_read.h"

namespace rdr::api::detail {
namespace {

using nlohmann::json;

std::string_view jsonTypeName(const json& value) {
  switch (value.type()) {
  case json::value_t::null:
    return "null";
  case json::value_t::object:
    return "object";
  case json::value_t::array:
    return "array";
  case json::value_t::string:
    return "string";
  case json::value_t::boolean:
    return "boolean";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
    return "integer";
  case json::value_t::number_float:
    return "number";
  default:
    return "unknown";
  }
}

const json* find(const json& object, std::string_view field) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

} // namespace

std::string joinPath(std::string_view parent, std::string_view field) {
  if (parent.empty()) {
    return std::string(field);
  }
  std::string path(parent);
  path += ".";
  path += field;
  return path;
}

Error typeError(std::string_view path, std::string_view expected, const json& actual) {
  return Error(ErrorCode::Invalid, std::string(path) + ": must be of type " +
                                       std::string(expected) + ", got " +
                                       std::string(jsonTypeName(actual)));
}

Result<std::optional<std::string>> readString(const json& object, std::string_view field,
                                              std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  if (!value->is_string()) {
    return typeError(joinPath(path, field), "string", *value);
  }
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::optional<std::string>> readIntOrString(const json& object, std::string_view field,
                                                   std::string_view path) {
  const json* value = find(object, field);
  if (value != nullptr && (value->is_number_integer() || value->is_number_unsigned())) {
    return std::optional<std::string>(value->dump());
  }
  if (value != nullptr && !value->is_string()) {
    return typeError(joinPath(path, field), "string or integer", *value);
  }
  return readString(object, field, path);
}

Result<std::optional<bool>> readBool(const json& object, std::string_view field,
                                     std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return std::optional<bool>();
  }
  if (!value->is_boolean()) {
    return typeError(joinPath(path, field), "boolean", *value);
  }
  return std::optional<bool>(value->get<bool>());
}

Result<std::optional<std::int64_t>> readInt(const json& object, std::string_view field,
                                            std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  if (value->is_number_integer()) {
    return std::optional<std::int64_t>(value->get<std::int64_t>());
  }
  if (value->is_number_unsigned()) {
    const auto unsigned_value = value->get<std::uint64_t>();
    if (unsigned_value <= static_cast<std::uint64_t>(INT64_MAX)) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(unsigned_value));
    }
  }
  return typeError(joinPath(path, field), "integer", *value);
}

Result<std::optional<int>> readInt32(const json& object, std::string_view field,
                                     std::string_view path) {
  RDR_ASSIGN_OR_RETURN(auto value, readInt(object, field, path));
  if (!value) {
    return std::optional<int>();
  }
  if (*value < INT32_MIN || *value > INT32_MAX) {
    return Error(ErrorCode::Invalid, joinPath(path, field) + ": must be a 32-bit integer, got " +
                                         std::to_string(*value));
  }
  return std::optional<int>(static_cast<int>(*value));
}

Result<std::optional<std::map<std::string, std::string>>>
readStringMap(const json& object, std::string_view field, std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return std::optional<std::map<std::string, std::string>>();
  }
  const std::string here = joinPath(path, field);
  if (!value->is_object()) {
    return typeError(here, "object", *value);
  }
  std::map<std::string, std::string> out;
  for (auto it = value->begin(); it != value->end(); ++it) {
    if (!it.value().is_string()) {
      return typeError(here + "." + it.key(), "string", it.value());
    }
    out.emplace(it.key(), it.value().get<std::string>());
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Result<std::optional<std::vector<std::string>>>
readStringList(const json& object, std::string_view field, std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  const std::string here = joinPath(path, field);
  if (!value->is_array()) {
    return typeError(here, "array", *value);
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    if (!item.is_string()) {
      return typeError(here + "[" + std::to_string(i) + "]", "string", item);
    }
    out.push_back(item.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<const json*> readObject(const json& object, std::string_view field, std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return static_cast<const json*>(nullptr);
  }
  if (!value->is_object()) {
    return typeError(joinPath(path, field), "object", *value);
  }
  return value;
}

Result<const json*> readArray(const json& object, std::string_view field, std::string_view path) {
  const json* value = find(object, field);
  if (value == nullptr) {
    return static_cast<const json*>(nullptr);
  }
  if (!value->is_array()) {
    return typeError(joinPath(path, field), "array", *value);
  }
  return value;
}

std::string indexPath(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

const json& fieldOrNull(const json& object, std::string_view field) {
  static const json kNull;
  if (!object.is_object()) {
    return kNull;
  }
  const auto it = object.find(field);
  return it == object.end() ? kNull : *it;
}

Status checkTypeMeta(const json& object, std::string_view api_version, std::string_view kind) {
  RDR_ASSIGN_OR_RETURN(auto actual_version, readString(object, "apiVersion", ""));
  if (actual_version && *actual_version != api_version) {
    return Error(ErrorCode::Invalid, "apiVersion: must be \"" + std::string(api_version) +
                                         "\", got \"" + *actual_version + "\"");
  }
  RDR_ASSIGN_OR_RETURN(auto actual_kind, readString(object, "kind", ""));
  if (actual_kind && *actual_kind != kind) {
    return Error(ErrorCode::Invalid,
                 "kind: must be \"" + std::string(kind) + "\", got \"" + *actual_kind + "\"");
  }
  return okStatus();
}

Error requiredError(std::string_view path) {
  return Error(ErrorCode::Invalid, std::string(path) + ": required");
}

} // namespace rdr::api::detail
