// The sandbox's kube-proxy and cluster DNS: Services forwarded on loopback, names in a hosts file.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include "rdr/common/result.h"
#include "rdr/kube/client.h"
namespace rdr::sandbox {
struct ServiceProxyOptions {
  std::string load_balancer_cidr;   // e.g. "127.10.192.0/18": ingress IPs of type LoadBalancer
  std::filesystem::path hosts_file; // rewritten IN PLACE (it is bind-mounted over /etc/hosts)
  std::string base_hosts;           // text kept at the top of hosts_file (the machine's /etc/hosts)
  std::string cluster_domain = "cluster.local";
};
class ServiceProxy {
public:
  virtual ~ServiceProxy() = default;
  // Fault injection: stop forwarding a Service (ClusterIP and LoadBalancer alike): close its
  // forwarded connections and refuse new ones until heal(). NotFound when there is no such Service.
  virtual Status cut(const std::string& namespace_, const std::string& name) = 0;
  virtual Status heal(const std::string& namespace_, const std::string& name) = 0;
  // Stops listening, closes every connection, stops the informers. Idempotent.
  virtual void stop() = 0;
};
// Starts watching Services and Pods through `client` (which must outlive the proxy).
Result<std::unique_ptr<ServiceProxy>> startServiceProxy(kube::Client& client, ServiceProxyOptions options);
}
