// Cluster DNS as a hosts file: the names of Services and of pods published by headless Services.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::sandbox::proxy {

// The comment line between the machine's hosts and the generated ones.
inline constexpr const char *kHostsMarker =
    "# Kubernetes Services and Pods of the sandbox (written by redis-dr-sandbox, do not edit)";

// Renders base_hosts (a newline added when missing), the marker, then sorted lines:
// 1) every Service with a ClusterIP:
//    "<clusterIP> <svc>.<ns>.svc.<domain> <svc>.<ns>.svc <svc>.<ns>" (LoadBalancers too: the
//    names map to the ClusterIP, never to the ingress IP);
// 2) every pod with status.podIP, spec.hostname and spec.subdomain, ready or not:
//    "<podIP> <hostname>.<subdomain>.<ns>.svc.<domain>".
// Services are sorted by namespace and name and come first, then pods by namespace, subdomain and
// hostname, so that the same input always renders the same text.
std::string renderHosts(const std::string &base_hosts, const std::string &cluster_domain,
                        const std::vector<nlohmann::json> &services,
                        const std::vector<nlohmann::json> &pods);

// Rewrites `path` in place: open with O_TRUNC (created when missing) and one write of the whole
// content, never a rename, so a bind mount of the file keeps seeing it.
Status writeInPlace(const std::filesystem::path &path, const std::string &content);

// @return the file's content, or nothing when it cannot be read.
std::optional<std::string> readWhole(const std::filesystem::path &path);

} // namespace rdr::sandbox::proxy
