// Field-level validation errors, rendered exactly as kube-apiserver renders them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rdr::schema {

// The error types of k8s.io/apimachinery/pkg/util/validation/field/errors.go (ErrorType).
enum class FieldErrorType {
  NotFound,
  Required,
  Duplicate,
  Invalid,
  NotSupported,
  Forbidden,
  TooLong,
  TooMany,
  Internal,
  TypeInvalid,
};

// How a nil *field.Path prints: errors that belong to no field carry it.
inline constexpr std::string_view kNilPath = "<nil>";

// One field.Error: the path, what is wrong, the offending value (omitted when absent) and a detail.
struct FieldError {
  FieldErrorType type = FieldErrorType::Invalid;
  std::string field;
  std::optional<nlohmann::json> badValue;
  std::string detail;

  // field.Error.ErrorBody(): "Invalid value: 70000: <detail>", "Required value", ...
  std::string body() const;
  // field.Error.Error(): "<field>: <body>".
  std::string toString() const;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrorList = std::vector<FieldError>;

// Constructors named after the field package's helpers (field.Required, field.Invalid, ...).
FieldError requiredError(std::string field, std::string detail = "");
FieldError invalidError(std::string field, nlohmann::json value, std::string detail);
FieldError typeInvalidError(std::string field, nlohmann::json value, std::string detail);
FieldError notSupportedError(std::string field, nlohmann::json value,
                             const std::vector<std::string>& validValues);
FieldError forbiddenError(std::string field, std::string detail);
FieldError duplicateError(std::string field, nlohmann::json value);
// field.TooLong with a known maximum: "Too long: may not be more than <max> bytes".
FieldError tooLongError(std::string field, nlohmann::json value, std::int64_t maxLength);
// field.TooMany: "Too many: <actual>: must have at most <max> items".
FieldError tooManyError(std::string field, std::int64_t actual, std::int64_t max);

// The StatusCause reason of a type, e.g. "FieldValueInvalid" (metav1.CauseType).
std::string_view causeType(FieldErrorType type);

// errs.ToAggregate().Error(): duplicates dropped, one error as is, several as "[e1, e2]".
std::string aggregateMessage(const FieldErrorList& errors);

// apierrors.NewInvalid(...).Error(): `RedisCluster.redis.io "dr-redis" is invalid: <aggregate>`.
std::string invalidObjectMessage(std::string_view kind, std::string_view group,
                                 std::string_view name, const FieldErrorList& errors);

// The strict-decoding text for a pruned field: `unknown field "spec.foo"`.
std::string unknownFieldMessage(std::string_view path);

} // namespace rdr::schema
