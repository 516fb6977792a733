// The small helpers of Request and Response.
#include <algorithm>
#include <cctype>

#include "rdr/http/server.h"

namespace rdr::http {

std::optional<std::string> Request::queryValue(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Request::header(const std::string& name) const {
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto it = headers.find(key);
  return it == headers.end() ? std::string{} : it->second;
}

Response Response::json(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.body = std::move(body);
  return response;
}

Response Response::text(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers["Content-Type"] = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

} // namespace rdr::http
