// Paths, query strings, patch content types and DeleteOptions bodies.
#include "kube/request_builder.h"

#include <cstdio>

namespace rdr::kube {

std::string percentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

std::string resourcePath(const Resource& resource, std::string_view namespace_,
                         std::string_view name, std::string_view subresource) {
  std::string path = resource.group.empty() ? "/api/" + resource.version
                                            : "/apis/" + resource.group + "/" + resource.version;
  if (resource.namespaced && !namespace_.empty()) {
    path += "/namespaces/" + percentEncode(namespace_);
  }
  path += "/" + resource.plural;
  if (!name.empty()) {
    path += "/" + percentEncode(name);
    if (!subresource.empty()) {
      path += "/" + percentEncode(subresource);
    }
  }
  return path;
}

Query& Query::set(const std::string& key, std::string value) {
  values_[key] = std::move(value);
  return *this;
}

std::string Query::str() const {
  std::string out;
  for (const auto& [key, value] : values_) {
    out += out.empty() ? "?" : "&";
    out += percentEncode(key) + "=" + percentEncode(value);
  }
  return out;
}

Query listQuery(const ListOptions& options) {
  Query query;
  if (!options.label_selector.empty()) {
    query.set("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    query.set("fieldSelector", options.field_selector);
  }
  if (options.resource_version) {
    query.set("resourceVersion", *options.resource_version);
  }
  if (options.limit > 0) {
    query.set("limit", std::to_string(options.limit));
  }
  if (!options.continue_token.empty()) {
    query.set("continue", options.continue_token);
  }
  return query;
}

Query watchQuery(const WatchOptions& options) {
  Query query;
  query.set("watch", "true");
  if (!options.label_selector.empty()) {
    query.set("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    query.set("fieldSelector", options.field_selector);
  }
  if (!options.resource_version.empty()) {
    query.set("resourceVersion", options.resource_version);
  }
  if (options.allow_bookmarks) {
    query.set("allowWatchBookmarks", "true");
  }
  if (options.timeout.count() > 0) {
    query.set("timeoutSeconds", std::to_string(options.timeout.count()));
  }
  return query;
}

Query patchQuery(PatchType type, const PatchOptions& options) {
  Query query;
  if (!options.field_manager.empty()) {
    query.set("fieldManager", options.field_manager);
  }
  // The server answers 422 to force on anything but an apply patch: never send it there.
  if (type == PatchType::Apply && options.force) {
    query.set("force", "true");
  }
  return query;
}

std::string patchContentType(PatchType type) {
  switch (type) {
  case PatchType::Merge:
    return "application/merge-patch+json";
  case PatchType::Json:
    return "application/json-patch+json";
  case PatchType::StrategicMerge:
    return "application/strategic-merge-patch+json";
  case PatchType::Apply:
    return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

nlohmann::json deleteOptionsBody(const DeleteOptions& options) {
  nlohmann::json body = nlohmann::json::object();
  switch (options.propagation) {
  case PropagationPolicy::Background:
    body["propagationPolicy"] = "Background";
    break;
  case PropagationPolicy::Foreground:
    body["propagationPolicy"] = "Foreground";
    break;
  case PropagationPolicy::Orphan:
    body["propagationPolicy"] = "Orphan";
    break;
  }
  if (options.precondition_uid) {
    body["preconditions"]["uid"] = *options.precondition_uid;
  }
  if (options.precondition_resource_version) {
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  }
  return body;
}

} // namespace rdr::kube
