// CEL runtime values: the scalar kinds CEL distinguishes, lists, and maps borrowed from JSON.
#include "schema/cel/value.h"

#include <cmath>
#include <limits>

namespace rdr::schema::cel {

Value Value::boolean(bool v) {
  Value out;
  out.kind = ValueKind::Bool;
  out.b = v;
  return out;
}

Value Value::integer(std::int64_t v) {
  Value out;
  out.kind = ValueKind::Int;
  out.i = v;
  return out;
}

Value Value::unsignedInt(std::uint64_t v) {
  Value out;
  out.kind = ValueKind::Uint;
  out.u = v;
  return out;
}

Value Value::number(double v) {
  Value out;
  out.kind = ValueKind::Double;
  out.d = v;
  return out;
}

Value Value::string(std::string v) {
  Value out;
  out.kind = ValueKind::String;
  out.s = std::move(v);
  return out;
}

Value Value::listOf(std::vector<Value> items) {
  Value out;
  out.kind = ValueKind::List;
  out.list = std::make_shared<const std::vector<Value>>(std::move(items));
  return out;
}

Value Value::fromJson(const nlohmann::json& value) {
  switch (value.type()) {
  case nlohmann::json::value_t::boolean:
    return boolean(value.get<bool>());
  case nlohmann::json::value_t::number_integer:
    return integer(value.get<std::int64_t>());
  case nlohmann::json::value_t::number_unsigned: {
    const auto u = value.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return integer(static_cast<std::int64_t>(u));
    }
    return unsignedInt(u);
  }
  case nlohmann::json::value_t::number_float:
    return number(value.get<double>());
  case nlohmann::json::value_t::string:
    return string(value.get<std::string>());
  case nlohmann::json::value_t::array: {
    std::vector<Value> items;
    items.reserve(value.size());
    for (const auto& item : value) {
      items.push_back(fromJson(item));
    }
    return listOf(std::move(items));
  }
  case nlohmann::json::value_t::object: {
    Value out;
    out.kind = ValueKind::Map;
    out.map = &value;
    return out;
  }
  default:
    return null();
  }
}

nlohmann::json Value::toJson() const {
  switch (kind) {
  case ValueKind::Null: return nullptr;
  case ValueKind::Bool: return b;
  case ValueKind::Int: return i;
  case ValueKind::Uint: return u;
  case ValueKind::Double: return d;
  case ValueKind::String: return s;
  case ValueKind::List: {
    auto out = nlohmann::json::array();
    for (const auto& item : *list) {
      out.push_back(item.toJson());
    }
    return out;
  }
  case ValueKind::Map: return *map;
  }
  return nullptr;
}

std::string Value::typeName() const {
  switch (kind) {
  case ValueKind::Null: return "null_type";
  case ValueKind::Bool: return "bool";
  case ValueKind::Int: return "int";
  case ValueKind::Uint: return "uint";
  case ValueKind::Double: return "double";
  case ValueKind::String: return "string";
  case ValueKind::List: return "list";
  case ValueKind::Map: return "map";
  }
  return "unknown";
}

namespace {

// Compares two numbers of any numeric kinds exactly where possible.
int compareNumbers(const Value& a, const Value& b) {
  if (a.kind == ValueKind::Double || b.kind == ValueKind::Double) {
    const auto asDouble = [](const Value& v) {
      return v.kind == ValueKind::Double ? v.d
             : v.kind == ValueKind::Int  ? static_cast<double>(v.i)
                                         : static_cast<double>(v.u);
    };
    const double x = asDouble(a);
    const double y = asDouble(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) {
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  }
  if (a.kind == ValueKind::Uint && b.kind == ValueKind::Uint) {
    return a.u < b.u ? -1 : (a.u > b.u ? 1 : 0);
  }
  if (a.kind == ValueKind::Int) { // Int vs Uint
    if (a.i < 0) {
      return -1;
    }
    const auto x = static_cast<std::uint64_t>(a.i);
    return x < b.u ? -1 : (x > b.u ? 1 : 0);
  }
  return -compareNumbers(b, a);
}

} // namespace

bool celEquals(const Value& a, const Value& b) {
  if (a.isNumeric() && b.isNumeric()) {
    if ((a.kind == ValueKind::Double && std::isnan(a.d)) ||
        (b.kind == ValueKind::Double && std::isnan(b.d))) {
      return false;
    }
    return compareNumbers(a, b) == 0;
  }
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
  case ValueKind::Null: return true;
  case ValueKind::Bool: return a.b == b.b;
  case ValueKind::String: return a.s == b.s;
  case ValueKind::List: {
    if (a.list->size() != b.list->size()) {
      return false;
    }
    for (std::size_t k = 0; k < a.list->size(); ++k) {
      if (!celEquals((*a.list)[k], (*b.list)[k])) {
        return false;
      }
    }
    return true;
  }
  case ValueKind::Map: {
    if (a.map->size() != b.map->size()) {
      return false;
    }
    for (const auto& [key, item] : a.map->items()) {
      const auto other = b.map->find(key);
      if (other == b.map->end() || !celEquals(Value::fromJson(item), Value::fromJson(*other))) {
        return false;
      }
    }
    return true;
  }
  default:
    return false;
  }
}

std::optional<int> celCompare(const Value& a, const Value& b) {
  if (a.isNumeric() && b.isNumeric()) {
    return compareNumbers(a, b);
  }
  if (a.kind != b.kind) {
    return std::nullopt;
  }
  if (a.kind == ValueKind::String) {
    return a.s < b.s ? -1 : (a.s > b.s ? 1 : 0);
  }
  if (a.kind == ValueKind::Bool) {
    return a.b == b.b ? 0 : (a.b ? 1 : -1);
  }
  return std::nullopt;
}

} // namespace rdr::schema::cel
