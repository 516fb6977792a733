// Tables of enum names and the parse/print helpers built on them (private to api/).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_read.h"
#include "rdr/common/result.h"

namespace rdr::api::detail {

template <typename E> struct EnumName {
  E value;
  std::string_view name;
};

// The name of `value` in `table`; "" only when the table is incomplete (a bug caught by tests).
template <typename E, std::size_t N>
std::string_view enumName(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return {};
}

// The value named `text` (case-sensitive, as the CRD's enum is), or Invalid:
// unsupported value "foo": supported values: "a", "b"
template <typename E, std::size_t N>
Result<E> parseEnum(const std::array<EnumName<E>, N>& table, std::string_view text) {
  for (const auto& entry : table) {
    if (entry.name == text) {
      return entry.value;
    }
  }
  std::string message = "unsupported value \"" + std::string(text) + "\": supported values: ";
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) {
      message += ", ";
    }
    message += "\"" + std::string(table[i].name) + "\"";
  }
  return Error(ErrorCode::Invalid, std::move(message));
}

// Reads an optional string field and converts it with `parse`; the error carries the field path:
// spec.mode: unsupported value "foo": supported values: ...
template <typename Parse>
auto readEnum(const nlohmann::json& object, std::string_view field, std::string_view path,
              Parse parse)
    -> Result<std::optional<typename decltype(parse(std::string_view()))::value_type>> {
  using E = typename decltype(parse(std::string_view()))::value_type;
  RDR_ASSIGN_OR_RETURN(auto text, readString(object, field, path));
  if (!text) {
    return std::optional<E>();
  }
  auto parsed = parse(*text);
  if (!parsed) {
    return parsed.error().wrap(joinPath(path, field));
  }
  return std::optional<E>(*parsed);
}

} // namespace rdr::api::detail
