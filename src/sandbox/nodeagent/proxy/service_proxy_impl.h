// ServiceProxyImpl: informers on Services and Pods, a reconcile thread, the forwarder and DNS.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/runtime/informer.h"
#include "rdr/sandbox/service_proxy.h"
#include "sandbox/nodeagent/proxy/cidr.h"
#include "sandbox/nodeagent/proxy/endpoints.h"
#include "sandbox/nodeagent/proxy/forwarder.h"

namespace rdr::sandbox::proxy {

// Threads: each informer calls markDirty() from its own thread; one reconcile thread recomputes
// everything from the two caches (level-based: the whole desired state each time, cheap at
// sandbox scale) when woken, and at least every second so that failed binds and status writes
// are retried; the forwarder's epoll thread moves the bytes. state_mutex_ guards the proxy's
// state and is held across one reconcile and across cut()/heal().
class ServiceProxyImpl final : public ServiceProxy {
public:
  ServiceProxyImpl(kube::Client &client, ServiceProxyOptions options,
                   std::optional<Ipv4Cidr> range, std::unique_ptr<Forwarder> forwarder);
  ~ServiceProxyImpl() override;

  void start();

  // ServiceProxy
  Status cut(const std::string &namespace_, const std::string &name) override;
  Status heal(const std::string &namespace_, const std::string &name) override;
  void stop() override;

private:
  // One listening address of one Service: (namespace/name, ip, port).
  using ListenerKey = std::tuple<std::string, std::string, std::uint16_t>;
  struct ListenerState {
    std::optional<Forwarder::ListenerId> id; // nothing while binding fails
    std::string bind_error;                  // the last failure, logged once
    std::optional<std::vector<Backend>> backends;
  };
  struct Desired {
    std::vector<Backend> backends;
    std::string port_name;
  };

  void markDirty();
  void run(std::stop_token stop);
  void reconcileLocked();
  // Allocates ingress IPs, writes them to status; @return service key -> ingress IP.
  std::map<std::string, std::string>
  syncLoadBalancersLocked(const std::vector<nlohmann::json> &services);
  void syncListenersLocked(const std::map<ListenerKey, Desired> &desired);
  void syncHostsLocked(const std::vector<nlohmann::json> &services,
                       const std::vector<nlohmann::json> &pods);
  Status setCut(const std::string &namespace_, const std::string &name, bool cut);

  kube::Client &client_;
  const ServiceProxyOptions options_;
  runtime::Informer services_;
  runtime::Informer pods_;
  std::unique_ptr<Forwarder> forwarder_;

  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
  bool dirty_ = true;

  std::mutex state_mutex_;
  std::optional<IpAllocator> allocator_; // nothing without a load_balancer_cidr
  std::set<std::string> cut_;            // service keys
  std::map<ListenerKey, ListenerState> listeners_;
  std::optional<std::string> hosts_written_;
  std::string hosts_error_; // the last write failure, logged once
  bool stopped_ = false;
  std::jthread thread_;
};

} // namespace rdr::sandbox::proxy
