// Request routing for the metrics and probe addresses; no sockets here, see serve.cc.
#include "rdr/observability/endpoints.h"

#include <optional>
#include <string_view>
#include <utility>

namespace rdr::observability {
namespace {

http::Response notFound() { return textResponse(404, "404 page not found\n"); }

std::optional<http::Response> rejectMethod(const http::Request& request) {
  if (request.method == "GET" || request.method == "HEAD") {
    return std::nullopt;
  }
  http::Response response = textResponse(405, "405 method not allowed\n");
  response.headers["Allow"] = "GET, HEAD";
  return response;
}

// The rest of `path` after "/<endpoint>" when it is "/<endpoint>" or "/<endpoint>/...".
std::optional<std::string_view> under(std::string_view path, std::string_view endpoint) {
  if (path.size() < endpoint.size() + 1 || path[0] != '/' ||
      path.substr(1, endpoint.size()) != endpoint) {
    return std::nullopt;
  }
  const std::string_view rest = path.substr(endpoint.size() + 1);
  if (!rest.empty() && rest.front() != '/') {
    return std::nullopt; // "/healthzfoo"
  }
  return rest;
}

// A HEAD answer carries the headers only: the server does not strip bodies itself.
http::Response forMethod(const http::Request& request, http::Response response) {
  if (request.method == "HEAD") {
    response.body.clear();
  }
  return response;
}

} // namespace

Endpoints::Endpoints(const Registry& registry)
    : registry_(registry), healthz_("healthz"), readyz_("readyz") {}

Status Endpoints::addHealthzCheck(std::string name, Checker checker) {
  return healthz_.add(std::move(name), std::move(checker));
}

Status Endpoints::addReadyzCheck(std::string name, Checker checker) {
  return readyz_.add(std::move(name), std::move(checker));
}

http::Response Endpoints::handleMetrics(const http::Request& request) const {
  if (request.path != "/metrics") {
    return notFound();
  }
  if (auto rejected = rejectMethod(request)) {
    return std::move(*rejected);
  }
  http::Response response;
  response.status = 200;
  response.headers["Content-Type"] = std::string(kTextContentType);
  response.body = registry_.render();
  return forMethod(request, std::move(response));
}

http::Response Endpoints::handleProbes(const http::Request& request) const {
  const HealthChecks* checks = nullptr;
  std::optional<std::string_view> subpath;
  if ((subpath = under(request.path, "healthz")) || (subpath = under(request.path, "livez"))) {
    checks = &healthz_;
  } else if ((subpath = under(request.path, "readyz"))) {
    checks = &readyz_;
  } else {
    return notFound();
  }
  if (auto rejected = rejectMethod(request)) {
    return std::move(*rejected);
  }
  return forMethod(request, checks->serve(request, *subpath));
}

http::Response Endpoints::handleAll(const http::Request& request) const {
  if (request.path == "/metrics") {
    return handleMetrics(request);
  }
  return handleProbes(request);
}

http::Handler Endpoints::metricsHandler() const {
  return [this](const http::Request& request) { return handleMetrics(request); };
}

http::Handler Endpoints::probesHandler() const {
  return [this](const http::Request& request) { return handleProbes(request); };
}

http::Handler Endpoints::allHandler() const {
  return [this](const http::Request& request) { return handleAll(request); };
}

} // namespace rdr::observability
