// Echo backends, TCP client helpers and fake API objects for the service proxy tests.
#include "proxy_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

namespace rdr::sandbox::proxy_test {
namespace {

sockaddr_in addressOf(const std::string &ip, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  return address;
}

} // namespace

EchoServer::EchoServer(std::string name, const std::string &ip, std::uint16_t port)
    : name_(std::move(name)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  const auto address = addressOf(ip, port);
  if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 64) != 0 || ::pipe(wake_) != 0) {
    ADD_FAILURE() << "echo server " << name_ << " cannot listen on " << ip << ":" << port << ": "
                  << std::strerror(errno);
    ::close(fd);
    return;
  }
  listen_fd_ = fd;
  thread_ = std::thread([this] { run(); });
}

EchoServer::~EchoServer() {
  if (thread_.joinable()) {
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
    thread_.join();
  }
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

void EchoServer::run() {
  std::vector<int> connections;
  while (true) {
    std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (int fd : connections) {
      fds.push_back({fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      continue;
    }
    if (fds[0].revents != 0) {
      break;
    }
    if (fds[1].revents != 0) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        connections.push_back(fd);
        ++open_;
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      char buffer[4096];
      const ssize_t n = ::recv(fds[i].fd, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        ::close(fds[i].fd);
        std::erase(connections, fds[i].fd);
        --open_;
        continue;
      }
      const std::string answer = name_ + ":" + std::string(buffer, static_cast<std::size_t>(n));
      [[maybe_unused]] auto sent = ::send(fds[i].fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  }
  for (int fd : connections) {
    ::close(fd);
  }
}

Connection::Connection(const std::string &ip, std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const auto address = addressOf(ip, port);
  if (::connect(fd_, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
    errno_ = errno;
    ::close(fd_);
    fd_ = -1;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::string Connection::exchange(const std::string &message, std::chrono::milliseconds timeout) {
  if (fd_ < 0 || ::send(fd_, message.data(), message.size(), MSG_NOSIGNAL) < 0) {
    return "";
  }
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!received.ends_with(message)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      return "";
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      return "";
    }
    received.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

bool Connection::closedByPeer(std::chrono::milliseconds timeout) {
  if (fd_ < 0) {
    return true;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char buffer[4096];
    if (::recv(fd_, buffer, sizeof(buffer), 0) <= 0) {
      return true; // EOF or reset
    }
  }
}

std::string roundTrip(const std::string &ip, std::uint16_t port) {
  Connection connection(ip, port);
  return connection.exchange("ping", 1s);
}

bool waitUntil(const std::function<bool()> &condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

void ServiceProxyTest::startProxy(int octet, bool with_hosts_file) {
  octet_ = octet;
  ServiceProxyOptions options;
  options.load_balancer_cidr = "127.250." + std::to_string(octet) + ".192/26";
  if (with_hosts_file) {
    hosts_dir_ = std::filesystem::temp_directory_path() /
                 ("rdr-proxy-test-" + std::to_string(::getpid()) + "-" + std::to_string(octet));
    std::filesystem::create_directories(hosts_dir_);
    hosts_file_ = hosts_dir_ / "hosts";
    std::ofstream(hosts_file_) << "original\n";
    options.hosts_file = hosts_file_;
    options.base_hosts = "127.0.0.1 localhost\n";
  }
  auto proxy = startServiceProxy(fake_, options);
  ASSERT_TRUE(proxy) << proxy.error().toString();
  proxy_ = std::move(*proxy);
}

void ServiceProxyTest::TearDown() {
  if (proxy_) {
    proxy_->stop();
    proxy_->stop(); // idempotent
  }
  if (!hosts_dir_.empty()) {
    std::filesystem::remove_all(hosts_dir_);
  }
}

std::string ServiceProxyTest::ip(int last) const {
  return "127.250." + std::to_string(octet_) + "." + std::to_string(last);
}

json ServiceProxyTest::createPod(const std::string &name, int ip_last, json labels, bool ready,
                                 const std::string &hostname, const std::string &subdomain) {
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"namespace", kNamespace}, {"name", name}, {"labels", labels}}},
      {"spec",
       {{"containers", json::array({{{"name", "redis"},
                                     {"ports", json::array({{{"name", "redis"},
                                                             {"containerPort", kPodPort}}})}}})}}}};
  if (!hostname.empty()) {
    pod["spec"]["hostname"] = hostname;
    pod["spec"]["subdomain"] = subdomain;
  }
  auto created = fake_.create(kube::resources::pods(), pod);
  EXPECT_TRUE(created);
  json stored = created.value_or(pod);
  stored["status"] = {
      {"podIP", ip(ip_last)},
      {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}};
  auto updated = fake_.updateStatus(kube::resources::pods(), stored);
  EXPECT_TRUE(updated);
  return updated.value_or(stored);
}

void ServiceProxyTest::setReady(const std::string &name, bool ready) {
  auto pod = fake_.get(kube::resources::pods(), {kNamespace, name});
  ASSERT_TRUE(pod);
  (*pod)["status"]["conditions"] =
      json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}});
  ASSERT_TRUE(fake_.updateStatus(kube::resources::pods(), *pod));
}

void ServiceProxyTest::setLabels(const std::string &name, json labels) {
  auto pod = fake_.get(kube::resources::pods(), {kNamespace, name});
  ASSERT_TRUE(pod);
  (*pod)["metadata"]["labels"] = std::move(labels);
  ASSERT_TRUE(fake_.update(kube::resources::pods(), *pod));
}

json ServiceProxyTest::createService(const std::string &name, int cluster_ip_last, json selector,
                                     json ports, const std::string &type) {
  if (ports.is_null()) {
    ports = json::array({{{"name", "redis"}, {"port", kServicePort}, {"targetPort", "redis"}}});
  }
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"namespace", kNamespace}, {"name", name}}},
                  {"spec",
                   {{"type", type},
                    {"clusterIP", ip(cluster_ip_last)},
                    {"selector", selector},
                    {"ports", ports}}}};
  auto created = fake_.create(kube::resources::services(), service);
  EXPECT_TRUE(created);
  return created.value_or(service);
}

std::optional<json> ServiceProxyTest::service(const std::string &name) const {
  return fake_.peek(kube::resources::services(), {kNamespace, name});
}

} // namespace rdr::sandbox::proxy_test
