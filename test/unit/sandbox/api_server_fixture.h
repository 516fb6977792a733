// Test fixture: an emulator with the project's CRDs on a ManualClock, and request helpers.
#pragma once

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/manual_clock.h"
#include "rdr/sandbox/api_server.h"

namespace rdr::sandbox::testing {

using nlohmann::json;

inline const std::string kRc = "/apis/redis.io/v1/namespaces/default/redisclusters";
inline const std::string kCm = "/api/v1/namespaces/default/configmaps";
inline const std::string kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

class ApiServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto crds = loadCrdDirectory(std::string(RDR_SOURCE_DIR) + "/crds");
    ASSERT_TRUE(crds) << crds.error().message();
    options_.crds = *crds;
    options_.event_history = 50;
    options_.bookmark_interval = std::chrono::seconds(5);
    auto server = makeApiServer(options_, clock_);
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server);
  }

  // `target` may carry a query: "/api/v1/...?limit=2&labelSelector=a=b" (values unencoded).
  http::Response call(const std::string& method, const std::string& target, const std::string& body = "",
                      std::map<std::string, std::string> headers = {}) {
    http::Request request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      std::string query = target.substr(question + 1);
      size_t start = 0;
      while (start <= query.size()) {
        const auto amp = query.find('&', start);
        const std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        const auto eq = pair.find('=');
        request.query.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
        if (amp == std::string::npos) {
          break;
        }
        start = amp + 1;
      }
    }
    for (const auto& [key, value] : headers) {
      std::string lower = key;
      for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      request.headers[lower] = value;
    }
    if (method == "PATCH" && !request.headers.contains("content-type")) {
      request.headers["content-type"] = "application/merge-patch+json";
    }
    request.body = body;
    return server_->handle(request);
  }

  json get(const std::string& target, int expectedStatus = 200) { return expect("GET", target, "", expectedStatus); }
  json post(const std::string& target, const json& body, int expectedStatus = 201) {
    return expect("POST", target, body.dump(), expectedStatus);
  }
  json put(const std::string& target, const json& body, int expectedStatus = 200) {
    return expect("PUT", target, body.dump(), expectedStatus);
  }
  json patch(const std::string& target, const json& body, const std::string& contentType,
             int expectedStatus = 200) {
    auto response = call("PATCH", target, body.dump(), {{"Content-Type", contentType}});
    EXPECT_EQ(response.status, expectedStatus) << response.body;
    return json::parse(response.body);
  }
  json expect(const std::string& method, const std::string& target, const std::string& body, int expectedStatus,
              std::map<std::string, std::string> headers = {}) {
    auto response = call(method, target, body, std::move(headers));
    EXPECT_EQ(response.status, expectedStatus) << method << " " << target << ": " << response.body;
    EXPECT_EQ(response.stream, nullptr);
    try {
      return json::parse(response.body);
    } catch (const json::exception&) {
      ADD_FAILURE() << "not JSON: " << response.body;
      return nullptr;
    }
  }

  static json redisCluster(const std::string& name, int instances = 3) {
    return {{"apiVersion", "redis.io/v1"},
            {"kind", "RedisCluster"},
            {"metadata", {{"name", name}}},
            {"spec", {{"instances", instances}, {"storage", {{"size", "1Gi"}}}}}};
  }
  static json configMap(const std::string& name, json labels = json::object()) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"labels", labels}}}, {"data", {{"a", "1"}}}};
  }

  rdr::testing::ManualClock clock_;
  ApiServerOptions options_;
  std::unique_ptr<ApiServer> server_;
};

} // namespace rdr::sandbox::testing
