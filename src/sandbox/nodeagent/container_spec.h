// How a container of a pod becomes a local process: environment, paths, argv (pure functions).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::sandbox {

// A volume mount of the container: where the pod expects it, and the local directory behind it.
struct LocalMount {
  std::string mount_path;      // "/etc/redis"
  std::filesystem::path local; // "<state>/pods/apps_cache-0/volumes/config"
};

// The objects env references read; nothing when the object does not exist (yet).
struct EnvSources {
  std::function<std::optional<nlohmann::json>(const std::string& ns, const std::string& name)>
      secret;
  std::function<std::optional<nlohmann::json>(const std::string& ns, const std::string& name)>
      config_map;
};

// The container's environment as the kubelet builds it, in spec order: value, secretKeyRef
// (base64-decoded), configMapKeyRef; a reference marked optional that does not resolve is skipped.
// @return Invalid with the kubelet's CreateContainerConfigError message when a referenced Secret,
//         ConfigMap or key is missing: `secret "x" not found`, `couldn't find key k in Secret ns/x`.
// The values are secrets: callers must never log them.
Result<std::vector<std::pair<std::string, std::string>>>
resolveEnv(const nlohmann::json& container, const std::string& namespace_,
           const EnvSources& sources);

// Replaces every occurrence of a mount path used as a path in `text` by its local directory:
// 1. an occurrence counts when it starts the text or follows a blank, a quote, '=', ':' or '(',
//    and ends the text or is followed by '/', a blank, a quote, ';', ')' or ':';
// 2. longer mount paths win over their prefixes ("/data/x" before "/data").
std::string rewritePaths(const std::string& text, const std::vector<LocalMount>& mounts);

// In a config file of a mounted ConfigMap: a `dir <path>` line whose path lies under a mount is
// pointed at the local directory (redis-server chdirs while parsing, so a later --dir is too late).
std::string rewriteConfDir(const std::string& conf, const std::vector<LocalMount>& mounts);

// True when the container runs redis-server (its command or args mention it).
bool isRedisContainer(const nlohmann::json& container);

// command + args with mount paths rewritten; a redis container gets ["--bind", pod_ip,
// "--bind-source-addr", pod_ip] appended (listen on, and connect from, the pod's own IP).
// Invalid when the container has no command (the sandbox ignores images: no entrypoint to use).
Result<std::vector<std::string>> containerArgv(const nlohmann::json& container,
                                               const std::vector<LocalMount>& mounts,
                                               const std::string& pod_ip);

// The port the readiness probe talks RESP to: the port named "redis" or "sentinel", else the first
// containerPort, else nothing (a container without ports is ready once running).
std::optional<int> probePort(const nlohmann::json& container);

// The CrashLoopBackOff delay before restarting after the n-th consecutive crash (n >= 1):
// initial·2^(n-1), at most max.
std::chrono::milliseconds crashLoopDelay(int consecutive_crashes, std::chrono::milliseconds initial,
                                         std::chrono::milliseconds max);

} // namespace rdr::sandbox
