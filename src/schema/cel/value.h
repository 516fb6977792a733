// CEL runtime values: the scalar kinds CEL distinguishes, lists, and maps borrowed from JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rdr::schema::cel {

enum class ValueKind { Null, Bool, Int, Uint, Double, String, List, Map };

struct Value {
  ValueKind kind = ValueKind::Null;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string s;
  std::shared_ptr<const std::vector<Value>> list;
  const nlohmann::json* map = nullptr; // a JSON object that outlives the evaluation

  static Value null() { return {}; }
  static Value boolean(bool v);
  static Value integer(std::int64_t v);
  static Value unsignedInt(std::uint64_t v);
  static Value number(double v);
  static Value string(std::string v);
  static Value listOf(std::vector<Value> items);
  // JSON to CEL as the API server's UnstructuredToVal does: integers are int, objects are maps.
  static Value fromJson(const nlohmann::json& value);

  nlohmann::json toJson() const;
  // CEL's type names: int, uint, double, string, bool, null_type, list, map.
  std::string typeName() const;
  bool isNumeric() const {
    return kind == ValueKind::Int || kind == ValueKind::Uint || kind == ValueKind::Double;
  }
};

// CEL heterogeneous equality: numbers compare by value across int/uint/double, lists and maps
// element-wise, values of different other kinds are unequal.
bool celEquals(const Value& a, const Value& b);

// Ordering for < <= > >=: -1, 0, 1; nullopt when the kinds cannot be ordered.
std::optional<int> celCompare(const Value& a, const Value& b);

} // namespace rdr::schema::cel
