// The pure parts of an API request: paths, query strings, patch content types, DeleteOptions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/kube/client.h"
#include "rdr/kube/resource.h"

namespace rdr::kube {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percentEncode(std::string_view text);

// /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]] or the /apis/{group}/{version} form.
// An empty namespace means all namespaces; a cluster-scoped resource ignores the namespace.
std::string resourcePath(const Resource& resource, std::string_view namespace_,
                         std::string_view name = {}, std::string_view subresource = {});

// A query string with keys in sorted order (as Go's url.Values.Encode), values percent-encoded.
class Query {
public:
  Query& set(const std::string& key, std::string value);
  // "" when empty, else "?k=v&k2=v2".
  std::string str() const;

private:
  std::map<std::string, std::string> values_;
};

Query listQuery(const ListOptions& options);
// watch=true, resourceVersion, allowWatchBookmarks, timeoutSeconds and the selectors.
Query watchQuery(const WatchOptions& options);
// fieldManager when given; force=true only for an Apply patch that asks for it.
Query patchQuery(PatchType type, const PatchOptions& options);

// The Content-Type header of each patch type.
std::string patchContentType(PatchType type);

// {"propagationPolicy":"Background","preconditions":{"uid":...,"resourceVersion":...}}
nlohmann::json deleteOptionsBody(const DeleteOptions& options);

} // namespace rdr::kube
