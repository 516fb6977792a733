// The sandbox's kube-proxy: reconciles listeners, endpoints, LoadBalancer IPs and the hosts file.
#include "sandbox/nodeagent/proxy/service_proxy_impl.h"

#include <spdlog/spdlog.h>

#include "rdr/common/clock.h"
#include "rdr/runtime/sleeper.h"
#include "sandbox/nodeagent/proxy/hosts_file.h"

namespace rdr::sandbox::proxy {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string keyOf(const json &object) {
  const json &metadata = object.value("metadata", json::object());
  return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

std::string describe(const std::vector<Backend> &backends) {
  std::string text;
  for (const auto &backend : backends) {
    text += (text.empty() ? "" : ", ") + std::string("pod ") + backend.pod + " (" + backend.ip +
            ":" + std::to_string(backend.port) + ")";
  }
  return text;
}

// The ingress IP a Service asks for: spec.loadBalancerIP, else the first one already in status.
std::string requestedIngress(const json &service) {
  const json &spec = service.value("spec", json::object());
  if (spec.value("loadBalancerIP", "") != "") {
    return spec.value("loadBalancerIP", "");
  }
  const json ingress = service.value("status", json::object())
                           .value("loadBalancer", json::object())
                           .value("ingress", json::array());
  if (ingress.is_array() && !ingress.empty() && ingress[0].is_object()) {
    return ingress[0].value("ip", "");
  }
  return "";
}

} // namespace

ServiceProxyImpl::ServiceProxyImpl(kube::Client &client, ServiceProxyOptions options,
                                   std::optional<Ipv4Cidr> range,
                                   std::unique_ptr<Forwarder> forwarder)
    : client_(client), options_(std::move(options)),
      services_(client, kube::resources::services(), {}, SystemClock::instance(),
                runtime::RealSleeper::instance()),
      pods_(client, kube::resources::pods(), {}, SystemClock::instance(),
            runtime::RealSleeper::instance()),
      forwarder_(std::move(forwarder)) {
  if (range) {
    allocator_.emplace(*range);
  }
}

ServiceProxyImpl::~ServiceProxyImpl() { stop(); }

void ServiceProxyImpl::start() {
  runtime::EventHandlers handlers;
  handlers.on_add = [this](const json &) { markDirty(); };
  handlers.on_update = [this](const json &, const json &) { markDirty(); };
  handlers.on_delete = [this](const json &) { markDirty(); };
  services_.addHandlers(handlers);
  pods_.addHandlers(handlers);
  services_.start();
  pods_.start();
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  spdlog::info("The service proxy started (LoadBalancer range {}, hosts file {}).",
               allocator_ ? allocator_->range().toString() : std::string("none"),
               options_.hosts_file.empty() ? std::string("none") : options_.hosts_file.string());
}

void ServiceProxyImpl::stop() {
  {
    std::lock_guard lock(state_mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  services_.stop();
  pods_.stop();
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  forwarder_->stop();
  std::lock_guard lock(state_mutex_);
  listeners_.clear();
  spdlog::info("The service proxy stopped.");
}

void ServiceProxyImpl::markDirty() {
  {
    std::lock_guard lock(wake_mutex_);
    dirty_ = true;
  }
  wake_.notify_one();
}

void ServiceProxyImpl::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      // Until both caches are filled, look again soon: an empty first list calls no handler.
      const bool synced = services_.hasSynced() && pods_.hasSynced();
      std::unique_lock lock(wake_mutex_);
      wake_.wait_for(lock, stop, synced ? std::chrono::milliseconds(1s) : 20ms,
                     [this] { return dirty_; });
      dirty_ = false;
    }
    if (stop.stop_requested()) {
      return;
    }
    std::lock_guard lock(state_mutex_);
    reconcileLocked();
  }
}

void ServiceProxyImpl::reconcileLocked() {
  if (!services_.hasSynced() || !pods_.hasSynced()) {
    return;
  }
  auto services = services_.cache().list();
  auto pods = pods_.cache().list();
  if (!services || !pods) {
    return; // only a bad selector fails, and we pass none
  }
  std::set<std::string> present;
  for (const auto &service : *services) {
    present.insert(keyOf(service));
  }
  std::erase_if(cut_, [&](const std::string &key) { return !present.contains(key); });

  const auto ingress = syncLoadBalancersLocked(*services);
  std::map<ListenerKey, Desired> desired;
  for (const auto &service : *services) {
    const std::string key = keyOf(service);
    const std::string cluster_ip = clusterIpOf(service);
    const auto lb = ingress.find(key);
    for (const auto &port : tcpPorts(service)) {
      Desired entry{readyBackends(service, port, *pods), port.name};
      if (!cluster_ip.empty()) {
        desired[{key, cluster_ip, port.port}] = entry;
      }
      if (lb != ingress.end()) {
        desired[{key, lb->second, port.port}] = entry;
      }
    }
  }
  syncListenersLocked(desired);
  syncHostsLocked(*services, *pods);
}

std::map<std::string, std::string>
ServiceProxyImpl::syncLoadBalancersLocked(const std::vector<json> &services) {
  std::map<std::string, std::string> ingress;
  if (!allocator_) {
    return ingress;
  }
  // Services that ask for an address (spec or status) go first, so that after a restart they
  // get their old IP back before fresh allocations could take it.
  std::vector<const json *> ordered;
  std::set<std::string> load_balancers;
  for (const auto &service : services) {
    if (isLoadBalancer(service)) {
      load_balancers.insert(keyOf(service));
      ordered.push_back(&service);
    }
  }
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const json *s) { return !requestedIngress(*s).empty(); });
  // Deleted Services and Services that changed type release their addresses.
  for (const auto &key : allocator_->owners()) {
    if (!load_balancers.contains(key)) {
      spdlog::info("Service {} is gone or no longer a LoadBalancer: ingress IP {} is released.",
                   key, allocator_->addressOf(key).value_or("?"));
      allocator_->release(key);
    }
  }
  for (const json *service : ordered) {
    const std::string key = keyOf(*service);
    const auto before = allocator_->addressOf(key);
    auto ip = allocator_->allocate(key, requestedIngress(*service));
    if (!ip) {
      spdlog::warn("Service {} gets no LoadBalancer ingress IP: {}.", key, ip.error().toString());
      continue;
    }
    if (before != *ip) {
      spdlog::info("Service {} has LoadBalancer ingress IP {}.", key, *ip);
    }
    ingress[key] = *ip;
    // Compare the IPs only: an API server may add fields (ipMode) that must not cause rewrites.
    const json current = service->value("status", json::object())
                             .value("loadBalancer", json::object())
                             .value("ingress", json::array());
    if (current.is_array() && current.size() == 1 && current[0].is_object() &&
        current[0].value("ip", "") == *ip) {
      continue;
    }
    json updated = *service;
    updated["status"]["loadBalancer"] = {{"ingress", json::array({{{"ip", *ip}}})}};
    auto written = client_.updateStatus(kube::resources::services(), updated);
    if (!written) {
      // A conflict brings a newer version through the informer; anything else waits a second.
      spdlog::warn("Cannot write ingress IP {} to the status of Service {}: {}; retrying.", *ip,
                   key, written.error().toString());
    }
  }
  return ingress;
}

void ServiceProxyImpl::syncListenersLocked(const std::map<ListenerKey, Desired> &desired) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if (desired.contains(it->first)) {
      ++it;
      continue;
    }
    const auto &[service, ip, port] = it->first;
    if (it->second.id) {
      forwarder_->closeListener(*it->second.id);
      spdlog::info("Service {} no longer listens on {}:{}.", service, ip, port);
    }
    it = listeners_.erase(it);
  }
  for (const auto &[key, want] : desired) {
    const auto &[service, ip, port] = key;
    ListenerState &state = listeners_[key];
    if (!state.id) {
      auto id = forwarder_->listen(ip, port, "Service " + service);
      if (!id) {
        // Logged once per distinct failure; retried on every pass (at least once a second).
        if (state.bind_error != id.error().message()) {
          spdlog::warn("Service {} cannot listen: {}; retrying.", service, id.error().message());
          state.bind_error = id.error().message();
        }
        continue;
      }
      state.id = *id;
      state.bind_error.clear();
      state.backends.reset();
      spdlog::info("Service {} listens on {}:{}.", service, ip, port);
    }
    if (state.backends != want.backends) {
      if (want.backends.empty()) {
        spdlog::info("Service {} has no ready endpoint for {}:{}: connections are closed at once.",
                     service, ip, port);
      } else {
        spdlog::info("Service {} now forwards {}:{} to {}.", service, ip, port,
                     describe(want.backends));
      }
      forwarder_->setBackends(*state.id, want.backends);
      state.backends = want.backends;
    }
    forwarder_->setCut(*state.id, cut_.contains(service));
  }
}

void ServiceProxyImpl::syncHostsLocked(const std::vector<json> &services,
                                       const std::vector<json> &pods) {
  if (options_.hosts_file.empty()) {
    return;
  }
  const std::string content =
      renderHosts(options_.base_hosts, options_.cluster_domain, services, pods);
  if (hosts_written_ == content) {
    return;
  }
  if (readWhole(options_.hosts_file) != content) {
    if (auto written = writeInPlace(options_.hosts_file, content); !written) {
      if (hosts_error_ != written.error().message()) { // logged once per distinct failure
        spdlog::warn("Cannot rewrite the hosts file: {}; retrying.", written.error().toString());
        hosts_error_ = written.error().message();
      }
      return;
    }
    hosts_error_.clear();
    spdlog::info("Rewrote the hosts file {} for {} Services and {} pods.",
                 options_.hosts_file.string(), services.size(), pods.size());
  }
  hosts_written_ = content;
}

Status ServiceProxyImpl::setCut(const std::string &namespace_, const std::string &name, bool cut) {
  const std::string key = namespace_ + "/" + name;
  std::lock_guard lock(state_mutex_);
  if (!services_.cache().get({namespace_, name})) {
    return Error(ErrorCode::NotFound, "service " + key + " not found");
  }
  if (cut) {
    cut_.insert(key);
  } else {
    cut_.erase(key);
  }
  for (const auto &[listener, state] : listeners_) {
    if (std::get<0>(listener) == key && state.id) {
      forwarder_->setCut(*state.id, cut);
    }
  }
  if (cut) {
    spdlog::info("Service {} is cut: its connections are reset, and new ones too until heal.", key);
  } else {
    spdlog::info("Service {} is healed: it forwards again.", key);
  }
  return okStatus();
}

Status ServiceProxyImpl::cut(const std::string &namespace_, const std::string &name) {
  return setCut(namespace_, name, true);
}

Status ServiceProxyImpl::heal(const std::string &namespace_, const std::string &name) {
  return setCut(namespace_, name, false);
}

} // namespace rdr::sandbox::proxy

namespace rdr::sandbox {

Result<std::unique_ptr<ServiceProxy>> startServiceProxy(kube::Client &client,
                                                        ServiceProxyOptions options) {
  std::optional<Ipv4Cidr> range;
  if (!options.load_balancer_cidr.empty()) {
    auto parsed = Ipv4Cidr::parse(options.load_balancer_cidr);
    if (!parsed) {
      return parsed.error().wrap("while starting the service proxy");
    }
    range = *parsed;
  }
  auto forwarder = proxy::Forwarder::start();
  if (!forwarder) {
    return forwarder.error().wrap("while starting the service proxy");
  }
  auto impl = std::make_unique<proxy::ServiceProxyImpl>(client, std::move(options), range,
                                                        std::move(*forwarder));
  impl->start();
  return std::unique_ptr<ServiceProxy>(std::move(impl));
}

} // namespace rdr::sandbox
