// The bearer-token check.
#include "bearer_auth.h"

#include <array>

#include <openssl/crypto.h>

namespace rdr::sandbox {
namespace {

constexpr std::string_view kBearer = "Bearer ";

bool isPublicInfo(const http::Request& request) {
  if (request.method != "GET") {
    return false;
  }
  static constexpr std::array<std::string_view, 4> kPublic = {"/version", "/healthz", "/livez",
                                                              "/readyz"};
  for (const auto prefix : kPublic) {
    const std::string_view path = request.path;
    if (path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

bool tokenMatches(const std::string& header, const std::string& token) {
  if (!std::string_view(header).starts_with(kBearer)) {
    return false;
  }
  const std::string_view presented = std::string_view(header).substr(kBearer.size());
  return presented.size() == token.size() &&
         CRYPTO_memcmp(presented.data(), token.data(), token.size()) == 0;
}

} // namespace

http::Handler requireBearerToken(std::string token, http::Handler inner) {
  return [token = std::move(token), inner = std::move(inner)](const http::Request& request) {
    if (isPublicInfo(request) || tokenMatches(request.header("authorization"), token)) {
      return inner(request);
    }
    return http::Response::json(
        401, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
             R"("message":"Unauthorized","reason":"Unauthorized","code":401})");
  };
}

} // namespace rdr::sandbox
