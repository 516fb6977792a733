// A RESP reply as a plain value, so that parsers stay pure and fakes can build replies by hand.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rdr::redis {

struct Reply {
  enum class Type { Nil, Status, Error, Integer, String, Array };

  Type type = Type::Nil;
  std::string text;          // Status, Error, String
  std::int64_t integer = 0;  // Integer
  std::vector<Reply> elements; // Array

  static Reply nil() { return {}; }
  static Reply status(std::string text) { return {Type::Status, std::move(text), 0, {}}; }
  static Reply error(std::string text) { return {Type::Error, std::move(text), 0, {}}; }
  static Reply integerOf(std::int64_t value) { return {Type::Integer, {}, value, {}}; }
  static Reply string(std::string text) { return {Type::String, std::move(text), 0, {}}; }
  static Reply array(std::vector<Reply> elements) { return {Type::Array, {}, 0, std::move(elements)}; }

  bool operator==(const Reply&) const = default;
};

} // namespace rdr::redis
