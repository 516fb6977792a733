// GET and LIST: resourceVersion semantics, selectors, pagination with continue tokens, Tables.
#include <algorithm>

#include "rdr/common/base64.h"
#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/selectors.h"
#include "sandbox/apiserver/table.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

const char* const kContinueExpired =
    "The provided continue parameter is too old to display a consistent list result. You can start "
    "a new list without the continue parameter, or use the continue token in this response to "
    "retrieve the remainder of the results. Continuing with the provided token results in an "
    "inconsistent list - objects that were created, modified, or deleted between the time the first "
    "chunk was returned and now may show up in the list.";

// apiserver/pkg/storage/continue.go EncodeContinue: base64url(JSON{v, rv, start}), unpadded.
std::string encodeContinue(std::uint64_t rv, const std::string& start) {
  std::string text = base64Encode(json{{"v", "meta.k8s.io/v1"}, {"rv", rv}, {"start", start}}.dump());
  for (auto& c : text) {
    c = c == '+' ? '-' : (c == '/' ? '_' : c);
  }
  while (!text.empty() && text.back() == '=') {
    text.pop_back();
  }
  return text;
}

bool decodeContinue(std::string token, std::uint64_t* rv, std::string* start) {
  for (auto& c : token) {
    c = c == '-' ? '+' : (c == '_' ? '/' : c);
  }
  while (token.size() % 4 != 0) {
    token.push_back('=');
  }
  const auto decoded = base64Decode(token);
  if (!decoded) {
    return false;
  }
  try {
    const json value = json::parse(*decoded);
    if (value.value("v", std::string()) != "meta.k8s.io/v1" || !value.contains("rv") || !value["rv"].is_number_unsigned()) {
      return false;
    }
    *rv = value["rv"].get<std::uint64_t>();
    *start = value.value("start", std::string());
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

IncludeObject includeObjectOf(const http::Request& request) {
  const auto value = queryParam(request, "includeObject").value_or("Metadata");
  return value == "None" ? IncludeObject::None : (value == "Object" ? IncludeObject::Object : IncludeObject::Metadata);
}

} // namespace

http::Response handleGet(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  const json* object = core.storage.get(type.storageKey, type.namespaced ? target.ns : "", target.name);
  if (object == nullptr) {
    return errorResponse(notFoundError(type, target.name));
  }
  json shown = presented(type, *object);
  if (wantsTable(request)) {
    return jsonResponse(200, toTable(type, {shown}, {{"resourceVersion", metaString(shown, "resourceVersion")}},
                                     {core.clock.now(), includeObjectOf(request), true}));
  }
  return jsonResponse(200, shown);
}

http::Response handleList(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  auto selector = parseSelector(type, queryParam(request, "labelSelector").value_or(""),
                                queryParam(request, "fieldSelector").value_or(""));
  if (!selector.ok()) {
    return errorResponse(selector.error());
  }
  const std::string rvParam = queryParam(request, "resourceVersion").value_or("");
  const std::string token = queryParam(request, "continue").value_or("");
  std::size_t limit = 0;
  if (const auto limitText = queryParam(request, "limit")) {
    bool ok = false;
    limit = static_cast<std::size_t>(parseRevision(*limitText, &ok));
    if (!ok) {
      return errorResponse(badRequestError("limit: Invalid value: " + *limitText));
    }
  }
  // RV="0" is served from the watch cache, which ignores limit in 1.32 (reflector.go comment).
  if (rvParam == "0" && token.empty()) {
    limit = 0;
  }
  // 1. The revision the list is served at (§1.3): a continue token's, an exact N when paging,
  //    otherwise the current one ("not older than" is satisfied by the newest state).
  std::uint64_t at = core.storage.revision();
  std::string start;
  if (!token.empty()) {
    if (!rvParam.empty() && rvParam != "0") {
      return errorResponse(badRequestError("specifying resource version is not allowed when using continue"));
    }
    if (!decodeContinue(token, &at, &start)) {
      return errorResponse(badRequestError("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"));
    }
  } else if (!rvParam.empty() && rvParam != "0") {
    bool ok = false;
    const std::uint64_t requested = parseRevision(rvParam, &ok);
    if (!ok) {
      return errorResponse(badRequestError("resourceVersion: Invalid value: \"" + rvParam + "\": must be a non-negative integer"));
    }
    if (requested > core.storage.revision()) {
      return errorResponse(tooLargeResourceVersionError(requested, core.storage.revision()));
    }
    const std::string match = queryParam(request, "resourceVersionMatch").value_or("");
    const bool exact = match == "Exact" || (match.empty() && limit > 0);
    if (exact) {
      at = requested;
    }
  }
  const auto snapshot = core.storage.snapshotAt(type.storageKey, at);
  if (!snapshot) {
    return errorResponse(token.empty() ? expiredError("The resourceVersion for the provided list is too old.")
                                       : expiredError(kContinueExpired));
  }
  // 2. Filter in key order, from the token's start key on.
  std::vector<std::pair<std::string, const json*>> matching;
  for (const auto& [key, object] : *snapshot) {
    if (key < start) {
      continue;
    }
    if (type.namespaced && !target.ns.empty() && objectNamespace(object) != target.ns) {
      continue;
    }
    if (selector.value().matches(object)) {
      matching.emplace_back(key, &object);
    }
  }
  json listMeta = {{"resourceVersion", std::to_string(at)}};
  std::size_t count = matching.size();
  if (limit > 0 && matching.size() > limit) {
    count = limit;
    listMeta["continue"] = encodeContinue(at, matching[limit].first);
    if (selector.value().empty()) {
      listMeta["remainingItemCount"] = matching.size() - limit;
    }
  }
  std::vector<json> items;
  for (std::size_t i = 0; i < count; ++i) {
    items.push_back(presented(type, *matching[i].second));
  }
  if (wantsTable(request)) {
    return jsonResponse(200, toTable(type, items, listMeta, {core.clock.now(), includeObjectOf(request), true}));
  }
  // 3. Items of built-in lists carry no kind/apiVersion; custom resources keep them.
  json list = {{"kind", type.listKind}, {"apiVersion", type.apiVersion()}, {"metadata", listMeta},
               {"items", json::array()}};
  for (auto& item : items) {
    if (!type.custom) {
      item.erase("kind");
      item.erase("apiVersion");
    }
    list["items"].push_back(std::move(item));
  }
  return jsonResponse(200, list);
}

} // namespace rdr::sandbox
