// kube::Client verbs over HttpTransport: paths, bodies, list GVKs, typed errors.
#include "rdr/kube/rest_client.h"

#include "kube/api_error.h"
#include "kube/http_transport.h"
#include "kube/request_builder.h"

namespace rdr::kube {
namespace {

const std::string kJson = "application/json";

// The server's answer to a JSON value; a 2xx that is not JSON means a proxy or a bug in between.
Result<nlohmann::json> parseReply(const HttpReply& reply, const std::string& method,
                                  const std::string& url) {
  if (reply.status < 200 || reply.status > 299) {
    return errorFromResponse(reply.status, reply.body);
  }
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded()) {
    return transportError(method, url,
                          "the HTTP " + std::to_string(reply.status) +
                              " answer is not JSON: " + reply.body.substr(0, 200));
  }
  return parsed;
}

std::string metadataString(const nlohmann::json& object, const char* key) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return "";
  }
  const auto value = metadata->find(key);
  return value != metadata->end() && value->is_string() ? value->get<std::string>() : "";
}

// The key of an object to write: a name always, a namespace for namespaced resources.
Result<ObjectKey> keyOf(const Resource& resource, const nlohmann::json& object, const char* verb) {
  if (!object.is_object()) {
    return Error(ErrorCode::Invalid, std::string(verb) + " of " + resource.qualifiedName() +
                                         ": the object is not a JSON object");
  }
  ObjectKey key{metadataString(object, "namespace"), metadataString(object, "name")};
  if (resource.namespaced && key.namespace_.empty()) {
    return Error(ErrorCode::Invalid, std::string(verb) + " of " + resource.qualifiedName() +
                                         ": metadata.namespace is not set");
  }
  if (!resource.namespaced) {
    key.namespace_.clear();
  }
  return key;
}

} // namespace

RestClient::RestClient(std::unique_ptr<HttpTransport> transport)
    : transport_(std::move(transport)) {}

RestClient::~RestClient() = default;

Result<std::unique_ptr<RestClient>>
RestClient::connect(const ConnectionConfig& config, const Clock& clock, RestClientOptions options) {
  RDR_ASSIGN_OR_RETURN(auto transport, HttpTransport::create(config, clock, options.request_timeout,
                                                             std::move(options.user_agent)));
  return std::unique_ptr<RestClient>(new RestClient(std::move(transport)));
}

Result<nlohmann::json> RestClient::call(const std::string& method, const std::string& target,
                                        const std::string* body, const std::string& content_type) {
  RDR_ASSIGN_OR_RETURN(const HttpReply reply, transport_->send(method, target, body, content_type));
  return parseReply(reply, method, transport_->server() + target);
}

Result<nlohmann::json> RestClient::serverVersion() { return call("GET", "/version", nullptr, ""); }

Result<nlohmann::json> RestClient::get(const Resource& resource, const ObjectKey& key) {
  return call("GET", resourcePath(resource, key.namespace_, key.name), nullptr, "");
}

Result<ListResult> RestClient::list(const Resource& resource, const std::string& namespace_,
                                    const ListOptions& options) {
  const std::string target = resourcePath(resource, namespace_) + listQuery(options).str();
  RDR_ASSIGN_OR_RETURN(nlohmann::json body, call("GET", target, nullptr, ""));
  ListResult result;
  result.resource_version = metadataString(body, "resourceVersion");
  result.continue_token = metadataString(body, "continue");
  auto items = body.find("items");
  if (items != body.end() && items->is_array()) {
    result.items.reserve(items->size());
    for (auto& item : *items) {
      // Lists of built-in types carry no kind/apiVersion on their items: set them here.
      if (item.is_object()) {
        item["apiVersion"] = resource.apiVersion();
        item["kind"] = resource.kind;
      }
      result.items.push_back(std::move(item));
    }
  }
  return result;
}

Result<nlohmann::json> RestClient::create(const Resource& resource, const nlohmann::json& object) {
  RDR_ASSIGN_OR_RETURN(const ObjectKey key, keyOf(resource, object, "create"));
  const std::string body = object.dump();
  return call("POST", resourcePath(resource, key.namespace_), &body, kJson);
}

Result<nlohmann::json> RestClient::put(const Resource& resource, const nlohmann::json& object,
                                       const std::string& subresource) {
  RDR_ASSIGN_OR_RETURN(const ObjectKey key, keyOf(resource, object, "update"));
  if (key.name.empty()) {
    return Error(ErrorCode::Invalid,
                 "update of " + resource.qualifiedName() + ": metadata.name is not set");
  }
  const std::string body = object.dump();
  return call("PUT", resourcePath(resource, key.namespace_, key.name, subresource), &body, kJson);
}

Result<nlohmann::json> RestClient::update(const Resource& resource, const nlohmann::json& object) {
  return put(resource, object, "");
}

Result<nlohmann::json> RestClient::updateStatus(const Resource& resource,
                                                const nlohmann::json& object) {
  return put(resource, object, "status");
}

Result<nlohmann::json> RestClient::patch(const Resource& resource, const ObjectKey& key,
                                         PatchType type, const nlohmann::json& patch,
                                         const PatchOptions& options,
                                         const std::string& subresource) {
  if (type == PatchType::Apply && options.field_manager.empty()) {
    return Error(ErrorCode::Invalid, "apply patch of " + resource.qualifiedName() + " \"" +
                                         key.name + "\": a field manager is required");
  }
  // An apply patch is YAML; JSON is valid YAML, so the JSON text is sent as it is.
  const std::string body = patch.dump();
  const std::string target = resourcePath(resource, key.namespace_, key.name, subresource) +
                             patchQuery(type, options).str();
  return call("PATCH", target, &body, patchContentType(type));
}

Status RestClient::remove(const Resource& resource, const ObjectKey& key,
                          const DeleteOptions& options) {
  const std::string body = deleteOptionsBody(options).dump();
  RDR_ASSIGN_OR_RETURN(
      const HttpReply reply,
      transport_->send("DELETE", resourcePath(resource, key.namespace_, key.name), &body, kJson));
  // 200 with the object or a Status, or 202: any 2xx means the deletion was accepted, whatever
  // the body says.
  if (reply.status < 200 || reply.status > 299) {
    return errorFromResponse(reply.status, reply.body);
  }
  return okStatus();
}

Result<std::unique_ptr<WatchStream>> RestClient::watch(const Resource& resource,
                                                       const std::string& namespace_,
                                                       const WatchOptions& options) {
  // 1. cpprestsdk's timeout is an idle timer: it must outlast the server's own end of the stream,
  //    since a quiet watch receives nothing until then (bookmarks are not guaranteed).
  // 2. Without timeoutSeconds the server picks up to 2 x --min-request-timeout (3600 s).
  constexpr std::chrono::seconds kWatchTimeoutMargin{30};
  constexpr std::chrono::seconds kServerMaximumWatch{3600};
  const std::chrono::seconds server_end =
      options.timeout.count() > 0 ? options.timeout : kServerMaximumWatch;
  const std::string target = resourcePath(resource, namespace_) + watchQuery(options).str();
  return transport_->openWatch(target, server_end + kWatchTimeoutMargin);
}

} // namespace rdr::kube
