// Fixture for the service proxy: fake API objects, echo backends and TCP client helpers.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_kube_client.h"
#include "rdr/sandbox/service_proxy.h"

namespace rdr::sandbox::proxy_test {

using namespace std::chrono_literals;
using nlohmann::json;

// A backend pod's process: answers every chunk it receives with "<name>:<chunk>" and closes a
// connection when the client half-closes it.
class EchoServer {
public:
  EchoServer(std::string name, const std::string &ip, std::uint16_t port);
  ~EchoServer();
  bool listening() const { return listen_fd_ >= 0; }
  int openConnections() const { return open_.load(); }

private:
  void run();
  std::string name_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<int> open_{0};
  std::thread thread_;
};

// A connected client socket (closed on destruction); fd() < 0 when the connect failed.
class Connection {
public:
  Connection(const std::string &ip, std::uint16_t port);
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;
  int fd() const { return fd_; }
  bool connected() const { return fd_ >= 0; }
  int connectErrno() const { return errno_; }
  // Sends `message`; @return what came back once it ends with `message`, "" if the connection
  // closed first or nothing complete arrived within `timeout`.
  std::string exchange(const std::string &message, std::chrono::milliseconds timeout = 2s);
  // @return true when the peer closes or resets the connection within `timeout`.
  bool closedByPeer(std::chrono::milliseconds timeout = 3s);

private:
  int fd_ = -1;
  int errno_ = 0;
};

// @return the answer of a fresh connection to ip:port for "ping" ("a:ping"), "" when closed.
std::string roundTrip(const std::string &ip, std::uint16_t port);

bool waitUntil(const std::function<bool()> &condition, std::chrono::milliseconds timeout = 5s);

class ServiceProxyTest : public ::testing::Test {
protected:
  // @param octet this test's /24: 127.250.<octet>.0
  void startProxy(int octet, bool with_hosts_file = false);
  void TearDown() override;

  std::string ip(int last) const;
  json createPod(const std::string &name, int ip_last, json labels, bool ready,
                 const std::string &hostname = "", const std::string &subdomain = "");
  void setReady(const std::string &name, bool ready);
  void setLabels(const std::string &name, json labels);
  json createService(const std::string &name, int cluster_ip_last, json selector,
                     json ports = nullptr, const std::string &type = "ClusterIP");
  std::optional<json> service(const std::string &name) const;

  static constexpr const char *kNamespace = "apps";
  static constexpr std::uint16_t kServicePort = 6379;
  static constexpr std::uint16_t kPodPort = 7000;

  rdr::testing::FakeKubeClient fake_;
  std::unique_ptr<ServiceProxy> proxy_;
  int octet_ = 0;
  std::filesystem::path hosts_dir_;
  std::filesystem::path hosts_file_;
};

} // namespace rdr::sandbox::proxy_test
