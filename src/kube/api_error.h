// API server answers to rdr::Error values, as the comment in rdr/kube/client.h specifies.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/common/error.h"

namespace rdr::kube {

// The category of an HTTP status; `reason` (the Status reason) tells AlreadyExists from Conflict
// and is used alone when the code is 0 (a Status without code).
ErrorCode errorCodeFor(int http_status, std::string_view reason);

// A Status object (an error response body or an in-stream ERROR event's object); its message is
// kept verbatim. A missing message is replaced by "the server answered HTTP <code> (<reason>)".
Error errorFromStatus(const nlohmann::json& status);

// A non-2xx response: a Status body as above, any other body is quoted (cut at 256 bytes).
Error errorFromResponse(int http_status, std::string_view body);

// A request that did not get an answer: Transient, "while GET https://h/api/v1/pods: <what>".
Error transportError(std::string_view method, std::string_view url, std::string_view what);

} // namespace rdr::kube
