// The node side of `serve`: a client of its own API server, the node agent, the Service proxy and
// the fault endpoint POST /sandbox/v1/node/faults.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "rdr/common/result.h"
#include "rdr/http/server.h"
#include "rdr/kube/rest_client.h"
#include "rdr/sandbox/node_agent.h"
#include "rdr/sandbox/service_proxy.h"

namespace rdr::sandbox {

struct NodeSideOptions {
  std::string server_url; // https://127.0.b.1:port
  std::string ca_pem;
  std::string token;
  NodeAgentOptions agent;
  bool proxy = true;
  ServiceProxyOptions proxy_options;
};

class NodeSide {
public:
  // Starts the agent, then the proxy. Invalid/Transient when either cannot start.
  static Result<std::unique_ptr<NodeSide>> start(NodeSideOptions options);
  ~NodeSide();

  // POST /sandbox/v1/node/faults {"action", "namespace", "name"}:
  //   kill-pod | freeze-pod | thaw-pod (a pod's processes), cut | heal (a Service's traffic);
  //   200 {"message"}; 404 for an unknown pod or Service; 400 for a bad request.
  http::Response handleFault(const http::Request& request);

  // Stops the proxy, then the agent (every pod process). Idempotent.
  void stop();

private:
  NodeSide() = default;

  std::unique_ptr<kube::RestClient> client_;
  std::unique_ptr<NodeAgent> agent_;
  std::unique_ptr<ServiceProxy> proxy_;
};

inline constexpr char kNodeFaultsPath[] = "/sandbox/v1/node/faults";

} // namespace rdr::sandbox
