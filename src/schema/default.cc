// Structural defaulting, as the API server applies `default:` to request bodies and reads.
//
// Source: k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/algorithm.go.
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

bool isNonNullableNull(const json& x, const Schema& s) { return x.is_null() && !s.nullable; }

// Defaulting rules:
//  1. Only objects that exist get defaults: a missing parent stays missing.
//  2. A property with a default is set when absent or a non-nullable null.
//  3. Every value (including one just defaulted) is then descended into, so defaults nest.
//  4. additionalProperties values and array items replace non-nullable nulls by their default.
void defaultValue(json& x, const Schema& s) {
  if (x.is_object()) {
    for (const auto& [name, prop] : s.properties) {
      if (!prop.defaultValue) {
        continue;
      }
      const auto it = x.find(name);
      if (it == x.end() || isNonNullableNull(*it, prop)) {
        x[name] = *prop.defaultValue;
      }
    }
    for (auto& [key, value] : x.items()) {
      const auto prop = s.properties.find(key);
      if (prop != s.properties.end()) {
        defaultValue(value, prop->second);
      } else if (s.additionalProperties) {
        const Schema& extra = *s.additionalProperties;
        if (isNonNullableNull(value, extra) && extra.defaultValue) {
          value = *extra.defaultValue;
        }
        defaultValue(value, extra);
      }
    }
  } else if (x.is_array() && s.items) {
    const Schema& items = *s.items;
    for (auto& item : x) {
      if (isNonNullableNull(item, items) && items.defaultValue) {
        item = *items.defaultValue;
      }
      defaultValue(item, items);
    }
  }
}

} // namespace

void applyDefaults(json& object, const Schema& root) { defaultValue(object, root); }

} // namespace rdr::schema
