// The node agent fixture: in-process emulator, a RestClient, the agent, and the cluster's objects.
#include "integration/sandbox_nodeagent/node_agent_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "rdr/common/clock.h"
#include "rdr/resources/boot_role.h"
#include "rdr/resources/pod.h"
#include "rdr/resources/redis_conf.h"
#include "rdr/resources/secret.h"
#include "rdr/resources/storage.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

// The builders' objects as a client creates them: no owner (the emulator's garbage collector
// would delete objects whose owner does not exist).
json creatable(json object) {
  object["metadata"].erase("ownerReferences");
  return object;
}

std::string bulk(const std::string& word) {
  return "$" + std::to_string(word.size()) + "\r\n" + word + "\r\n";
}

} // namespace

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

std::string redisCommand(const std::string& ip, const std::string& password,
                         const std::vector<std::string>& argv) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(6379);
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "*2\r\n" + bulk("AUTH") + bulk(password);
  request += "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& word : argv) {
    request += bulk(word);
  }
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[1024];
  // AUTH's line, then the command's reply: a line, or "$n" and the value.
  auto lines = [&] { return std::count(reply.begin(), reply.end(), '\n'); };
  while (true) {
    const bool bulk_reply = lines() >= 2 && reply.find("\n$") != std::string::npos &&
                            reply.find("\n$-1") == std::string::npos;
    if ((lines() >= 2 && !bulk_reply) || lines() >= 3) {
      break;
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto first = reply.find("\r\n");
  if (first == std::string::npos) {
    return "";
  }
  std::string rest = reply.substr(first + 2);
  if (rest.rfind("$", 0) == 0 && rest.rfind("$-1", 0) != 0) {
    const auto value = rest.find("\r\n") + 2;
    return rest.substr(value, rest.find("\r\n", value) - value);
  }
  return rest.substr(0, rest.find("\r\n"));
}

void NodeAgentTest::startAll(const std::string& pod_cidr) {
  if (!fs::exists("/usr/bin/redis-server")) {
    GTEST_SKIP() << "/usr/bin/redis-server is not installed (apt-get install redis-server)";
  }
  std::string pattern = (fs::temp_directory_path() / "rdr-nodeagent-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  state_dir_ = pattern;
  auto crds = loadCrdDirectory(std::string(RDR_SOURCE_DIR) + "/crds");
  ASSERT_TRUE(crds) << crds.error().toString();
  ApiServerOptions options;
  options.crds = *crds;
  auto api = makeApiServer(options, SystemClock::instance());
  ASSERT_TRUE(api) << api.error().toString();
  api_ = std::move(api).value();
  auto server = http::startServer({"127.0.0.1", 0, std::nullopt},
                                  [this](const http::Request& r) { return api_->handle(r); });
  ASSERT_TRUE(server) << server.error().toString();
  server_ = std::move(server).value();
  kube::ConnectionConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(server_->port());
  auto client = kube::RestClient::connect(config, SystemClock::instance());
  ASSERT_TRUE(client) << client.error().toString();
  client_ = std::move(client).value();
  ASSERT_TRUE(client_->create(kube::resources::namespaces(),
                              {{"apiVersion", "v1"},
                               {"kind", "Namespace"},
                               {"metadata", {{"name", kNamespace}}}}));

  NodeAgentOptions agent;
  agent.node_name = "test-node";
  agent.host_ip = "127.0.0.1";
  agent.pod_cidr = pod_cidr;
  agent.state_dir = state_dir_;
  agent.probe_period = 200ms;
  agent.probe_timeout = 500ms;
  agent.backoff_initial = 500ms;
  agent.backoff_max = 2000ms;
  agent.max_grace_period = std::chrono::seconds(5);
  auto started = startNodeAgent(*client_, agent);
  ASSERT_TRUE(started) << started.error().toString();
  agent_ = std::move(started).value();

  cluster_.metadata.name = "cache";
  cluster_.metadata.namespace_ = kNamespace;
  cluster_.metadata.uid = "6f1f2c0a-0000-4000-8000-0000000000aa";
  cluster_.metadata.generation = 1;
  cluster_.spec.instances = 1;
  cluster_.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
}

void NodeAgentTest::TearDown() {
  if (agent_) {
    agent_->stop();
  }
  if (server_) {
    server_->stop();
  }
  if (!state_dir_.empty()) {
    std::error_code ec;
    if (HasFailure() && fs::is_directory(state_dir_ / "pods")) {
      for (const auto& entry : fs::recursive_directory_iterator(state_dir_ / "pods", ec)) {
        if (entry.path().extension() == ".log") {
          std::ifstream log(entry.path());
          std::cerr << "--- " << entry.path().string() << ":\n" << log.rdbuf() << "\n";
        }
      }
    }
    fs::remove_all(state_dir_, ec);
  }
}

void NodeAgentTest::createSecret() {
  auto secret = resources::buildGeneratedAuthSecret(cluster_, password_);
  ASSERT_TRUE(secret) << secret.error().toString();
  auto created = client_->create(kube::resources::secrets(), creatable(*secret));
  ASSERT_TRUE(created) << created.error().toString();
}

void NodeAgentTest::createPod() {
  auto object = resources::buildPod(cluster_, 0, resources::BootRole::primary());
  ASSERT_TRUE(object) << object.error().toString();
  auto created = client_->create(kube::resources::pods(), creatable(*object));
  ASSERT_TRUE(created) << created.error().toString();
}

void NodeAgentTest::createClusterObjects(bool with_secret) {
  auto config_map = resources::buildConfigMap(cluster_);
  ASSERT_TRUE(config_map) << config_map.error().toString();
  ASSERT_TRUE(client_->create(kube::resources::configMaps(), creatable(*config_map)));
  auto pvc = resources::buildPvc(cluster_, 0);
  ASSERT_TRUE(pvc) << pvc.error().toString();
  ASSERT_TRUE(client_->create(kube::resources::persistentVolumeClaims(), creatable(*pvc)));
  if (with_secret) {
    createSecret();
  }
  createPod();
}

void NodeAgentTest::deletePod() {
  ASSERT_TRUE(client_->remove(kube::resources::pods(), {kNamespace, kPod}));
}

std::optional<json> NodeAgentTest::pod() {
  auto got = client_->get(kube::resources::pods(), {kNamespace, kPod});
  if (!got) {
    return std::nullopt;
  }
  return *got;
}

json NodeAgentTest::containerStatus() {
  const auto object = pod();
  if (!object) {
    return json::object();
  }
  const json statuses = object->value("status", json::object())
                            .value("containerStatuses", json::array());
  return statuses.empty() ? json::object() : statuses[0];
}

bool NodeAgentTest::podReady() {
  const auto object = pod();
  if (!object) {
    return false;
  }
  for (const json& c : object->value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == "Ready") {
      return c.value("status", "") == "True";
    }
  }
  return false;
}

std::string NodeAgentTest::podIp() {
  const auto object = pod();
  return object ? object->value("status", json::object()).value("podIP", "") : "";
}

int NodeAgentTest::restartCount() { return containerStatus().value("restartCount", -1); }

} // namespace rdr::sandbox::testing
