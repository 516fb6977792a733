// Kubernetes Status errors with kube-apiserver's exact codes, reasons, messages and details.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "rdr/http/server.h"
#include "rdr/schema/field_error.h"

namespace rdr::sandbox {

struct ResourceType;

// A metav1.Status failure (k8s.io/apimachinery/pkg/api/errors/errors.go).
struct ApiError {
  int code = 500;
  std::string reason; // "" = StatusReasonUnknown (omitted from the JSON)
  std::string message;
  nlohmann::json details; // null: omitted

  nlohmann::json toJson() const;
};

// A value or an ApiError, in the shape of rdr::Result.
template <typename T> class ApiResult {
public:
  ApiResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  ApiResult(ApiError error) : state_(std::in_place_index<1>, std::move(error)) {}
  bool ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  const ApiError& error() const { return std::get<1>(state_); }

private:
  std::variant<T, ApiError> state_;
};

// 404 `<resource.group> "name" not found`.
ApiError notFoundError(const ResourceType& type, std::string_view name);
// 404 for a namespace that does not exist: `namespaces "x" not found`.
ApiError namespaceNotFoundError(std::string_view name);
// 404 `the server could not find the requested resource`.
ApiError pathNotFoundError();
// 409 `<resource.group> "name" already exists`.
ApiError alreadyExistsError(const ResourceType& type, std::string_view name);
// 409 `Operation cannot be fulfilled on <resource.group> "name": <detail>`.
ApiError conflictError(const ResourceType& type, std::string_view name, std::string_view detail);
// 409 with OptimisticLockErrorMsg.
ApiError optimisticLockError(const ResourceType& type, std::string_view name);
// 422 `<Kind.group> "name" is invalid: <aggregate>` with causes.
ApiError invalidError(std::string_view kind, std::string_view group, std::string_view name,
                      const schema::FieldErrorList& errors);
ApiError invalidError(const ResourceType& type, std::string_view name,
                      const schema::FieldErrorList& errors);
ApiError badRequestError(std::string message);
ApiError methodNotAllowedError();
ApiError unsupportedMediaTypeError(bool strategicAllowed);
ApiError expiredError(std::string message);
ApiError tooLargeResourceVersionError(std::uint64_t requested, std::uint64_t current);
// 500 InternalError: `Internal error occurred: <detail>`.
ApiError internalError(std::string_view detail);
// 500 with reason Unknown and the plain message (a storage error that is no StatusError).
ApiError unknownError(std::string message);
ApiError notAcceptableError(std::string message);

// Responses built field by field (rdr_http is not a dependency of this library).
http::Response jsonResponse(int status, const nlohmann::json& body);
http::Response errorResponse(const ApiError& error);
// The Status of a successful deletion: {"status":"Success","details":{...}}.
nlohmann::json successStatus(const ResourceType& type, std::string_view name, std::string_view uid);

} // namespace rdr::sandbox
