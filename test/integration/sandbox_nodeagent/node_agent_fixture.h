// Fixture: the emulator served over HTTP on 127.0.0.1, a RestClient, and a NodeAgent running the
// pods of a one-instance RedisCluster built by the resources builders as real redis-servers.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/http/server.h"
#include "rdr/kube/rest_client.h"
#include "rdr/sandbox/api_server.h"
#include "rdr/sandbox/node_agent.h"

namespace rdr::sandbox::testing {

using nlohmann::json;
using namespace std::chrono_literals;

// Polls `condition` every 20 ms until it holds or `timeout` passes. @return the last result.
bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// One RESP command to ip:6379 after AUTH with `password`: the first reply line, e.g. "+PONG",
// "$5" then the value for a bulk string (returned as the value), "" when unreachable.
std::string redisCommand(const std::string& ip, const std::string& password,
                         const std::vector<std::string>& argv);

class NodeAgentTest : public ::testing::Test {
protected:
  // @param pod_cidr each test its own range of 127.251.0.0/16 (ctest runs tests in parallel).
  void startAll(const std::string& pod_cidr);
  void TearDown() override;

  // The cluster's ConfigMap, PVC and pod 0 (a primary); the Secret unless with_secret is false.
  void createClusterObjects(bool with_secret = true);
  void createSecret();
  void createPod();
  void deletePod();

  std::optional<json> pod();
  json containerStatus();
  bool podReady();
  std::string podIp();
  int restartCount();

  static constexpr const char* kNamespace = "apps";
  static constexpr const char* kPod = "cache-0";
  const std::string password_ = "node-agent \"pa55\" $HOME";

  std::filesystem::path state_dir_;
  api::RedisCluster cluster_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<kube::RestClient> client_;
  std::unique_ptr<NodeAgent> agent_;
};

} // namespace rdr::sandbox::testing
