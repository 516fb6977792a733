// Rendering and in-place writing of the sandbox's hosts file.
#include "sandbox/nodeagent/proxy/hosts_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <tuple>

#include "rdr/common/ipv4.h"
#include "sandbox/nodeagent/proxy/endpoints.h"

namespace rdr::sandbox::proxy {

using nlohmann::json;

namespace {

std::string field(const json &object, const char *section, const char *key) {
  if (!object.contains(section) || !object[section].is_object()) {
    return "";
  }
  const json &value = object[section].value(key, json());
  return value.is_string() ? value.get<std::string>() : std::string();
}

} // namespace

std::string renderHosts(const std::string &base_hosts, const std::string &cluster_domain,
                        const std::vector<json> &services, const std::vector<json> &pods) {
  using Entry = std::tuple<std::string, std::string, std::string>; // sort keys, line
  std::vector<Entry> service_lines;
  for (const auto &service : services) {
    const std::string ip = clusterIpOf(service);
    if (ip.empty()) {
      continue;
    }
    const std::string ns = field(service, "metadata", "namespace");
    const std::string name = field(service, "metadata", "name");
    const std::string short_name = name + "." + ns;
    service_lines.emplace_back(ns, name,
                               ip + " " + short_name + ".svc." + cluster_domain + " " + short_name +
                                   ".svc " + short_name);
  }
  std::vector<Entry> pod_lines;
  for (const auto &pod : pods) {
    const std::string ip = field(pod, "status", "podIP");
    const std::string hostname = field(pod, "spec", "hostname");
    const std::string subdomain = field(pod, "spec", "subdomain");
    if (!parseIpv4(ip) || hostname.empty() || subdomain.empty()) {
      continue;
    }
    const std::string ns = field(pod, "metadata", "namespace");
    pod_lines.emplace_back(ns, subdomain + "/" + hostname,
                           ip + " " + hostname + "." + subdomain + "." + ns + ".svc." +
                               cluster_domain);
  }
  std::sort(service_lines.begin(), service_lines.end());
  std::sort(pod_lines.begin(), pod_lines.end());

  std::string out = base_hosts;
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  out += kHostsMarker;
  out += '\n';
  for (const auto *lines : {&service_lines, &pod_lines}) {
    for (const auto &entry : *lines) {
      out += std::get<2>(entry);
      out += '\n';
    }
  }
  return out;
}

Status writeInPlace(const std::filesystem::path &path, const std::string &content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error(ErrorCode::Transient,
                 "cannot open " + path.string() + " for writing: " + std::strerror(errno));
  }
  // One write for the whole file; loop only if the kernel takes less (it does not for regular
  // files of this size, but a short write must not truncate the hosts file silently).
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return Error(ErrorCode::Transient, "cannot write " + path.string() + ": " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return okStatus();
}

std::optional<std::string> readWhole(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

} // namespace rdr::sandbox::proxy
