// OpenAPI value validation with kube-openapi's order, paths and messages.
//
// Sources: k8s.io/kube-openapi/pkg/validation/validate/{schema.go, type.go, validator.go,
// values.go, object_validator.go, slice_validator.go} and errors/schema.go for the message texts
// ("%s in %s must be of type %s: %q", "%s in %s should be less than or equal to %v", ...), and
// k8s.io/apiextensions-apiserver/pkg/apiserver/validation/validation.go
// (kubeOpenAPIResultToFieldErrors) for how each becomes a field.Error.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <regex>

#include "rdr/schema/validator.h"
#include "schema/go_format.h"
#include "schema/schema_internal.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

// kube-openapi names the root "" and its children "a.b"; field paths drop a leading dot and
// print a nil path as "<nil>".
std::string fieldOf(const std::string& name) {
  if (name.empty() || name == ".") {
    return std::string(kNilPath);
  }
  return name[0] == '.' ? name.substr(1) : name;
}

std::string childPath(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

// The JSON type kube-openapi infers from a decoded value (schemaInfoForType).
std::string jsonTypeOf(const json& value) {
  switch (value.type()) {
  case json::value_t::boolean: return "boolean";
  case json::value_t::string: return "string";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned: return "integer";
  case json::value_t::number_float: return "number";
  case json::value_t::array: return "array";
  case json::value_t::object: return "object";
  default: return "null";
  }
}

std::string joinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    out += (i == 0 ? "" : ",") + types[i];
  }
  return out;
}

// Compiled patterns, shared by all validations (compiling std::regex is slow).
Result<const std::regex*> compiledPattern(const std::string& pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::regex> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    try {
      it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    } catch (const std::regex_error& e) {
      return Error(ErrorCode::Invalid, e.what());
    }
  }
  return &it->second;
}

bool validDateTime(const std::string& text) {
  static const std::regex kRfc3339(
      R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  return std::regex_match(text, kRfc3339);
}

bool validDate(const std::string& text) {
  static const std::regex kDate(R"(^\d{4}-\d{2}-\d{2}$)");
  return std::regex_match(text, kDate);
}

// Formats this validator checks on strings; others are accepted unchecked.
std::optional<bool> checkFormat(const std::string& format, const std::string& text) {
  if (format == "date-time") {
    return validDateTime(text);
  }
  if (format == "date") {
    return validDate(text);
  }
  return std::nullopt;
}

std::string boundText(const json& value, double bound) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  return goFloat(bound);
}

void validateString(const std::string& data, const Schema& s, const std::string& path,
                    FieldErrorList& out) {
  const auto length = static_cast<std::int64_t>(std::count_if(
      data.begin(), data.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  // The string validator stops at its first failure: maxLength, minLength, pattern.
  if (s.maxLength && length > *s.maxLength) {
    out.push_back(tooLongError(fieldOf(path), data, *s.maxLength));
    return;
  }
  if (s.minLength && length < *s.minLength) {
    out.push_back(invalidError(fieldOf(path), data,
                               path + " in body should be at least " +
                                   std::to_string(*s.minLength) + " chars long"));
    return;
  }
  if (!s.pattern.empty()) {
    const auto re = compiledPattern(s.pattern);
    if (!re) {
      out.push_back(invalidError(fieldOf(path), data,
                                 path + " in body should match '" + s.pattern +
                                     ", but pattern is invalid: " + re.error().message() + "'"));
    } else if (!std::regex_search(data, **re)) {
      out.push_back(invalidError(fieldOf(path), data,
                                 path + " in body should match '" + s.pattern + "'"));
    }
  }
}

void validateNumber(const json& value, const Schema& s, const std::string& path,
                    FieldErrorList& out) {
  const double data = value.get<double>();
  const bool isInt = value.is_number_integer() || value.is_number_unsigned();
  if (s.multipleOf && *s.multipleOf > 0) {
    const double factor = *s.multipleOf;
    const double mult = factor < 1 ? 1 / factor * data : data / factor;
    const bool integralFactor = std::trunc(factor) == factor;
    const bool ok = isInt && integralFactor
                        ? value.get<std::int64_t>() % static_cast<std::int64_t>(factor) == 0
                        : std::trunc(mult) == mult;
    if (!ok) {
      out.push_back(invalidError(fieldOf(path), value,
                                 path + " in body should be a multiple of " + boundText(value, factor)));
    }
  }
  if (s.minimum) {
    const bool fails = s.exclusiveMinimum ? data <= *s.minimum : data < *s.minimum;
    const bool intFails = isInt && (s.exclusiveMinimum
                                        ? value.get<std::int64_t>() <= static_cast<std::int64_t>(*s.minimum)
                                        : value.get<std::int64_t>() < static_cast<std::int64_t>(*s.minimum));
    if (isInt ? intFails : fails) {
      out.push_back(invalidError(fieldOf(path), value,
                                 path + " in body should be greater than " +
                                     (s.exclusiveMinimum ? "" : "or equal to ") +
                                     boundText(value, *s.minimum)));
    }
  }
  if (s.maximum) {
    const bool fails = s.exclusiveMaximum ? data >= *s.maximum : data > *s.maximum;
    const bool intFails = isInt && (s.exclusiveMaximum
                                        ? value.get<std::int64_t>() >= static_cast<std::int64_t>(*s.maximum)
                                        : value.get<std::int64_t>() > static_cast<std::int64_t>(*s.maximum));
    if (isInt ? intFails : fails) {
      out.push_back(invalidError(fieldOf(path), value,
                                 path + " in body should be less than " +
                                     (s.exclusiveMaximum ? "" : "or equal to ") +
                                     boundText(value, *s.maximum)));
    }
  }
}

void validateArray(const json& value, const Schema& s, const std::string& path,
                   FieldErrorList& out) {
  if (s.items) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      validateValue(value[i], *s.items, path + "[" + std::to_string(i) + "]", out);
    }
  }
  const auto size = static_cast<std::int64_t>(value.size());
  if (s.minItems && size < *s.minItems) {
    out.push_back(invalidError(fieldOf(path), size,
                               path + " in body should have at least " +
                                   std::to_string(*s.minItems) + " items"));
  }
  if (s.maxItems && size > *s.maxItems) {
    out.push_back(tooManyError(fieldOf(path), size, *s.maxItems));
  }
}

void validateEnum(const json& value, const Schema& s, const std::string& path,
                  FieldErrorList& out) {
  if (!s.enumValues || s.enumValues->empty()) {
    return;
  }
  if (!value.is_null()) {
    for (const auto& candidate : *s.enumValues) {
      if (candidate == value) {
        return;
      }
    }
  }
  std::vector<std::string> allowed;
  for (const auto& candidate : *s.enumValues) {
    allowed.push_back(candidate.is_string() ? candidate.get<std::string>() : goJson(candidate));
  }
  out.push_back(notSupportedError(fieldOf(path), value, allowed));
}

void validateObjectValue(const json& value, const Schema& s, const std::string& path,
                         FieldErrorList& out) {
  const auto keys = static_cast<std::int64_t>(value.size());
  // min/maxProperties end the object's validation at once.
  if (s.minProperties && keys < *s.minProperties) {
    out.push_back(invalidError(fieldOf(path), keys,
                               path + " in body should have at least " +
                                   std::to_string(*s.minProperties) + " properties"));
    return;
  }
  if (s.maxProperties && keys > *s.maxProperties) {
    out.push_back(tooManyError(fieldOf(path), keys, *s.maxProperties));
    return;
  }
  // Go iterates maps in random order; we use key order so that results are reproducible.
  if (s.additionalProperties) {
    for (const auto& [key, item] : value.items()) {
      if (!s.properties.contains(key)) {
        validateValue(item, *s.additionalProperties, path + "." + key, out);
      }
    }
  }
  for (const auto& [name, prop] : s.properties) {
    const auto it = value.find(name);
    if (it != value.end()) {
      validateValue(*it, prop, childPath(path, name), out);
    }
  }
  for (const auto& name : s.required) {
    if (!value.contains(name)) {
      out.push_back(requiredError(fieldOf(path + "." + name)));
    }
  }
}

} // namespace

// kube-openapi's SchemaValidator.Validate, in its order:
//  1. null: only the type check (null is fine when nullable or untyped) and the enum check;
//  2. type: the value's JSON type must be allowed (an integral float passes as integer, an
//     integer as number); a mismatch does not stop the validators that apply to the actual kind;
//  3. strings: maxLength, minLength, pattern (first failure only), then format;
//  4. numbers: multipleOf, minimum, maximum (integers against integer bounds);
//  5. arrays: every item, then minItems, maxItems;
//  6. enum, for every kind;
//  7. objects: min/maxProperties, additionalProperties values, properties, required.
void validateValue(const json& value, const Schema& s, const std::string& path,
                   FieldErrorList& out) {
  const auto allowed = s.allowedTypes();
  const auto allows = [&](const std::string& t) {
    return std::find(allowed.begin(), allowed.end(), t) != allowed.end();
  };
  if (value.is_null()) {
    if (!allowed.empty() && !s.nullable) {
      out.push_back(typeInvalidError(fieldOf(path), "null",
                                     path + " in body must be of type " + joinTypes(allowed) +
                                         ": " + goQuote("null")));
    }
    validateEnum(value, s, path, out);
    return;
  }
  const std::string actual = jsonTypeOf(value);
  if (!allowed.empty()) {
    const bool floatInt = actual == "number" && allows("integer") &&
                          std::trunc(value.get<double>()) == value.get<double>();
    const bool intFloat = actual == "integer" && allows("number");
    if (!allows(actual) && !floatInt && !intFloat) {
      out.push_back(typeInvalidError(fieldOf(path), actual,
                                     path + " in body must be of type " + joinTypes(allowed) +
                                         ": " + goQuote(actual)));
    }
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    validateString(text, s, path, out);
    if (!s.format.empty()) {
      const auto ok = checkFormat(s.format, text);
      if (ok.has_value() && !*ok) {
        out.push_back(typeInvalidError(fieldOf(path), text,
                                       path + " in body must be of type " + s.format + ": " +
                                           goQuote(text)));
      }
    }
  }
  if (value.is_number()) {
    validateNumber(value, s, path, out);
  }
  if (value.is_array()) {
    validateArray(value, s, path, out);
  }
  validateEnum(value, s, path, out);
  if (value.is_object()) {
    validateObjectValue(value, s, path, out);
  }
}

FieldErrorList validateAgainstSchema(const json& object, const Schema& root) {
  FieldErrorList errors;
  validateValue(object, root, "", errors);
  return errors;
}

} // namespace rdr::schema
