// The sandbox API server emulator: kube-apiserver 1.32 semantics behind one handle() call, with no
// sockets (the redis-dr-sandbox binary serves it over HTTP/HTTPS with rdr::http).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/http/server.h"

namespace rdr::sandbox {

struct ApiServerOptions {
  // CRD documents installed at start (e.g. every file of crds/), as if created through the API.
  std::vector<nlohmann::json> crds;
  // How many watch events are kept; a watch from an older resourceVersion gets 410 Expired.
  std::size_t event_history = 10000;
  // The address kubectl sees in legacy discovery's serverAddressByClientCIDRs ("127.0.0.1:6443").
  std::string server_address;
  // How often a watch with allowWatchBookmarks=true gets a BOOKMARK (kube-apiserver: ~1 min).
  std::chrono::milliseconds bookmark_interval{5000};
  // The duration of a watch without timeoutSeconds (kube-apiserver: 1800-3600 s).
  std::chrono::seconds watch_timeout{1800};
  // Where Services get their ClusterIPs from (kube-apiserver's --service-cluster-ip-range); the
  // first ten addresses are skipped. The sandbox gives each slot its own loopback range.
  std::string service_cidr = "10.96.0.0/12";
};

class ApiServer {
public:
  virtual ~ApiServer() = default;

  // Serves one request. Thread-safe; a watch returns a Response whose `stream` yields one
  // "\n"-terminated watch event per Data read.
  virtual http::Response handle(const http::Request& request) = 0;
};

// Creates the emulator with `default`, `kube-system` and `kube-public` namespaces and the given
// CRDs; Invalid when a CRD does not load (the message names it).
Result<std::unique_ptr<ApiServer>> makeApiServer(const ApiServerOptions& options, Clock& clock);

// Reads every *.yaml CRD document of a directory (sorted by name), for ApiServerOptions::crds.
Result<std::vector<nlohmann::json>> loadCrdDirectory(const std::filesystem::path& directory);

} // namespace rdr::sandbox
