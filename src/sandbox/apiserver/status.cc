// Kubernetes Status errors with kube-apiserver's exact codes, reasons, messages and details.
#include "sandbox/apiserver/status.h"

#include "sandbox/apiserver/resource_types.h"
#include "schema/go_format.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

// Details of NotFound/AlreadyExists/Conflict: `kind` holds the resource (plural), not the Kind.
json resourceDetails(const ResourceType& type, std::string_view name) {
  json details = {{"name", std::string(name)}, {"kind", type.plural}};
  if (!type.group.empty()) {
    details["group"] = type.group;
  }
  return details;
}

} // namespace

json ApiError::toJson() const {
  json status = {{"kind", "Status"},     {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"},  {"message", message}, {"code", code}};
  if (!reason.empty()) {
    status["reason"] = reason;
  }
  if (!details.is_null()) {
    status["details"] = details;
  }
  return status;
}

ApiError notFoundError(const ResourceType& type, std::string_view name) {
  return {404, "NotFound", type.groupResource() + " " + schema::goQuote(name) + " not found",
          resourceDetails(type, name)};
}

ApiError namespaceNotFoundError(std::string_view name) {
  return {404, "NotFound", "namespaces " + schema::goQuote(name) + " not found",
          json{{"name", std::string(name)}, {"kind", "namespaces"}}};
}

ApiError pathNotFoundError() {
  return {404, "NotFound", "the server could not find the requested resource", json::object()};
}

ApiError alreadyExistsError(const ResourceType& type, std::string_view name) {
  return {409, "AlreadyExists",
          type.groupResource() + " " + schema::goQuote(name) + " already exists",
          resourceDetails(type, name)};
}

ApiError conflictError(const ResourceType& type, std::string_view name, std::string_view detail) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + type.groupResource() + " " +
              schema::goQuote(name) + ": " + std::string(detail),
          resourceDetails(type, name)};
}

ApiError optimisticLockError(const ResourceType& type, std::string_view name) {
  return conflictError(type, name,
                       "the object has been modified; please apply your changes to the latest "
                       "version and try again");
}

ApiError invalidError(std::string_view kind, std::string_view group, std::string_view name,
                      const schema::FieldErrorList& errors) {
  json causes = json::array();
  for (const auto& error : errors) {
    causes.push_back({{"reason", std::string(schema::causeType(error.type))},
                      {"message", error.body()},
                      {"field", error.field}});
  }
  // StatusDetails fields are omitempty: NewInvalid(GroupKind{}, "", ...) has only causes.
  json details = {{"causes", causes}};
  if (!name.empty()) {
    details["name"] = std::string(name);
  }
  if (!kind.empty()) {
    details["kind"] = std::string(kind);
  }
  if (!group.empty()) {
    details["group"] = std::string(group);
  }
  return {422, "Invalid", schema::invalidObjectMessage(kind, group, name, errors), details};
}

ApiError invalidError(const ResourceType& type, std::string_view name,
                      const schema::FieldErrorList& errors) {
  return invalidError(type.kind, type.group, name, errors);
}

ApiError badRequestError(std::string message) { return {400, "BadRequest", std::move(message), {}}; }

ApiError methodNotAllowedError() {
  return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
          json::object()};
}

ApiError unsupportedMediaTypeError(bool strategicAllowed) {
  std::string accepted = strategicAllowed
                             ? "application/json-patch+json, application/merge-patch+json, "
                               "application/strategic-merge-patch+json, application/apply-patch+yaml"
                             : "application/json-patch+json, application/merge-patch+json, "
                               "application/apply-patch+yaml";
  return {415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: " +
              accepted,
          {}};
}

ApiError expiredError(std::string message) { return {410, "Expired", std::move(message), {}}; }

ApiError tooLargeResourceVersionError(std::uint64_t requested, std::uint64_t current) {
  std::string message = "Too large resource version: " + std::to_string(requested) +
                        ", current: " + std::to_string(current);
  json details = {{"causes", json::array({{{"reason", "ResourceVersionTooLarge"},
                                           {"message", message}}})},
                  {"retryAfterSeconds", 1}};
  return {504, "Timeout", "Timeout: " + message, details};
}

ApiError internalError(std::string_view detail) {
  return {500, "InternalError", "Internal error occurred: " + std::string(detail),
          json{{"causes", json::array({{{"message", std::string(detail)}}})}}};
}

ApiError unknownError(std::string message) { return {500, "", std::move(message), {}}; }

ApiError notAcceptableError(std::string message) {
  return {406, "NotAcceptable", std::move(message), {}};
}

http::Response jsonResponse(int status, const json& body) {
  http::Response response;
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.body = body.dump();
  response.body.push_back('\n');
  return response;
}

http::Response errorResponse(const ApiError& error) { return jsonResponse(error.code, error.toJson()); }

json successStatus(const ResourceType& type, std::string_view name, std::string_view uid) {
  json details = {{"name", std::string(name)}, {"kind", type.plural}, {"uid", std::string(uid)}};
  if (!type.group.empty()) {
    details["group"] = type.group;
  }
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details", details}};
}

} // namespace rdr::sandbox
