// Field-level validation errors, rendered exactly as kube-apiserver renders them.
//
// Sources (kubernetes 1.32): k8s.io/apimachinery/pkg/util/validation/field/errors.go (ErrorBody,
// ErrorType.String, ToAggregate), k8s.io/apimachinery/pkg/util/errors/errors.go (aggregate
// Error(): one message bare, several as "[a, b]" with duplicates dropped) and
// k8s.io/apimachinery/pkg/api/errors/errors.go NewInvalid (`%s %q is invalid: %v`).
#include "rdr/schema/field_error.h"

#include <set>

#include "schema/go_format.h"

namespace rdr::schema {
namespace {

std::string_view typeText(FieldErrorType type) {
  switch (type) {
  case FieldErrorType::NotFound: return "Not found";
  case FieldErrorType::Required: return "Required value";
  case FieldErrorType::Duplicate: return "Duplicate value";
  case FieldErrorType::Invalid: return "Invalid value";
  case FieldErrorType::NotSupported: return "Unsupported value";
  case FieldErrorType::Forbidden: return "Forbidden";
  case FieldErrorType::TooLong: return "Too long";
  case FieldErrorType::TooMany: return "Too many";
  case FieldErrorType::Internal: return "Internal error";
  case FieldErrorType::TypeInvalid: return "Invalid value";
  }
  return "Invalid value";
}

// ErrorBody's value rendering: nil prints as the string "null" (so quoted), int64/float64/bool
// with %v, strings with %q, anything else with %#v.
std::string renderValue(const nlohmann::json& value) {
  if (value.is_null()) {
    return goQuote("null");
  }
  if (value.is_string()) {
    return goQuote(value.get<std::string>());
  }
  if (value.is_number() || value.is_boolean()) {
    return goScalar(value);
  }
  return goSharpV(value);
}

} // namespace

std::string FieldError::body() const {
  std::string out;
  // 1. Required, Forbidden, TooLong and Internal never print the value.
  // 2. An omitted value prints nothing either.
  // 3. Otherwise "<type>: <value>".
  // 4. A non-empty detail is appended as ": <detail>".
  const bool valueless = type == FieldErrorType::Required || type == FieldErrorType::Forbidden ||
                         type == FieldErrorType::TooLong || type == FieldErrorType::Internal;
  if (valueless || !badValue.has_value()) {
    out = typeText(type);
  } else {
    out = std::string(typeText(type)) + ": " + renderValue(*badValue);
  }
  if (!detail.empty()) {
    out += ": " + detail;
  }
  return out;
}

std::string FieldError::toString() const { return field + ": " + body(); }

FieldError requiredError(std::string field, std::string detail) {
  return {FieldErrorType::Required, std::move(field), nlohmann::json(""), std::move(detail)};
}

FieldError invalidError(std::string field, nlohmann::json value, std::string detail) {
  return {FieldErrorType::Invalid, std::move(field), std::move(value), std::move(detail)};
}

FieldError typeInvalidError(std::string field, nlohmann::json value, std::string detail) {
  return {FieldErrorType::TypeInvalid, std::move(field), std::move(value), std::move(detail)};
}

FieldError notSupportedError(std::string field, nlohmann::json value,
                             const std::vector<std::string>& validValues) {
  std::string detail;
  if (!validValues.empty()) {
    detail = "supported values: ";
    for (std::size_t i = 0; i < validValues.size(); ++i) {
      detail += (i == 0 ? "" : ", ") + goQuote(validValues[i]);
    }
  }
  return {FieldErrorType::NotSupported, std::move(field), std::move(value), std::move(detail)};
}

FieldError forbiddenError(std::string field, std::string detail) {
  return {FieldErrorType::Forbidden, std::move(field), nlohmann::json(""), std::move(detail)};
}

FieldError duplicateError(std::string field, nlohmann::json value) {
  return {FieldErrorType::Duplicate, std::move(field), std::move(value), ""};
}

FieldError tooLongError(std::string field, nlohmann::json value, std::int64_t maxLength) {
  std::string detail = maxLength >= 0
                           ? "may not be more than " + std::to_string(maxLength) +
                                 (maxLength == 1 ? " byte" : " bytes")
                           : "value is too long";
  return {FieldErrorType::TooLong, std::move(field), std::move(value), std::move(detail)};
}

FieldError tooManyError(std::string field, std::int64_t actual, std::int64_t max) {
  std::string detail = max >= 0 ? "must have at most " + std::to_string(max) + " items"
                                : "has too many items";
  std::optional<nlohmann::json> value;
  if (actual >= 0) {
    value = actual;
  }
  return {FieldErrorType::TooMany, std::move(field), std::move(value), std::move(detail)};
}

std::string_view causeType(FieldErrorType type) {
  switch (type) {
  case FieldErrorType::NotFound: return "FieldValueNotFound";
  case FieldErrorType::Required: return "FieldValueRequired";
  case FieldErrorType::Duplicate: return "FieldValueDuplicate";
  case FieldErrorType::Invalid: return "FieldValueInvalid";
  case FieldErrorType::NotSupported: return "FieldValueNotSupported";
  case FieldErrorType::Forbidden: return "FieldValueForbidden";
  case FieldErrorType::TooLong: return "FieldValueTooLong";
  case FieldErrorType::TooMany: return "FieldValueTooMany";
  case FieldErrorType::Internal: return "InternalError";
  case FieldErrorType::TypeInvalid: return "FieldValueTypeInvalid";
  }
  return "FieldValueInvalid";
}

std::string aggregateMessage(const FieldErrorList& errors) {
  std::set<std::string> seen;
  std::string joined;
  for (const auto& error : errors) {
    std::string message = error.toString();
    if (!seen.insert(message).second) {
      continue;
    }
    joined += (seen.size() == 1 ? "" : ", ") + message;
  }
  return seen.size() <= 1 ? joined : "[" + joined + "]";
}

std::string invalidObjectMessage(std::string_view kind, std::string_view group,
                                 std::string_view name, const FieldErrorList& errors) {
  std::string qualified(kind);
  if (!group.empty()) {
    qualified += "." + std::string(group);
  }
  return qualified + " " + goQuote(name) + " is invalid: " + aggregateMessage(errors);
}

std::string unknownFieldMessage(std::string_view path) {
  return "unknown field " + goQuote(path);
}

} // namespace rdr::schema
