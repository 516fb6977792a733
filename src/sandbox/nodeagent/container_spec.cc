// How a container of a pod becomes a local process: environment, paths, argv.
#include "sandbox/nodeagent/container_spec.h"

#include <algorithm>
#include <sstream>

#include "rdr/common/base64.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

std::string stringAt(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) {
    return "";
  }
  return object[key].get<std::string>();
}

bool startsPath(char before) {
  return before == ' ' || before == '\t' || before == '\n' || before == '"' || before == '\'' ||
         before == '=' || before == ':' || before == '(';
}

bool endsPath(char after) {
  return after == '/' || after == ' ' || after == '\t' || after == '\n' || after == '"' ||
         after == '\'' || after == ';' || after == ')' || after == ':';
}

// One keyRef: the decoded value, nothing for a missing optional reference, or the kubelet's error.
Result<std::optional<std::string>> keyRef(const json& ref, bool is_secret,
                                          const std::string& namespace_,
                                          const EnvSources& sources) {
  const std::string name = stringAt(ref, "name");
  const std::string key = stringAt(ref, "key");
  const bool optional = ref.is_object() && ref.value("optional", false);
  const auto& lookup = is_secret ? sources.secret : sources.config_map;
  const std::optional<json> object = lookup ? lookup(namespace_, name) : std::nullopt;
  const char* kind = is_secret ? "secret" : "configmap";
  if (!object) {
    if (optional) {
      return std::optional<std::string>{};
    }
    return Error(ErrorCode::Invalid, std::string(kind) + " \"" + name + "\" not found");
  }
  const json data = object->value("data", json::object());
  if (!data.is_object() || !data.contains(key) || !data[key].is_string()) {
    if (optional) {
      return std::optional<std::string>{};
    }
    return Error(ErrorCode::Invalid, "couldn't find key " + key + " in " +
                                         (is_secret ? "Secret " : "ConfigMap ") + namespace_ +
                                         "/" + name);
  }
  if (!is_secret) {
    return std::optional<std::string>(data[key].get<std::string>());
  }
  auto decoded = base64Decode(data[key].get<std::string>());
  if (!decoded) {
    return Error(ErrorCode::Invalid, "key " + key + " of Secret " + namespace_ + "/" + name +
                                         " is not valid base64");
  }
  return std::optional<std::string>(std::move(decoded).value());
}

} // namespace

Result<std::vector<std::pair<std::string, std::string>>>
resolveEnv(const json& container, const std::string& namespace_, const EnvSources& sources) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& var : container.value("env", json::array())) {
    const std::string name = stringAt(var, "name");
    if (name.empty()) {
      continue;
    }
    if (!var.contains("valueFrom")) {
      out.emplace_back(name, stringAt(var, "value"));
      continue;
    }
    const json& from = var["valueFrom"];
    std::optional<std::string> value;
    if (from.contains("secretKeyRef")) {
      RDR_ASSIGN_OR_RETURN(value, keyRef(from["secretKeyRef"], true, namespace_, sources));
    } else if (from.contains("configMapKeyRef")) {
      RDR_ASSIGN_OR_RETURN(value, keyRef(from["configMapKeyRef"], false, namespace_, sources));
    } else {
      return Error(ErrorCode::Invalid, "the sandbox supports env valueFrom secretKeyRef and "
                                       "configMapKeyRef only (variable " + name + ")");
    }
    if (value) {
      out.emplace_back(name, std::move(*value));
    }
  }
  return out;
}

std::string rewritePaths(const std::string& text, const std::vector<LocalMount>& mounts) {
  std::vector<const LocalMount*> ordered;
  for (const auto& mount : mounts) {
    if (!mount.mount_path.empty() && mount.mount_path != "/") {
      ordered.push_back(&mount);
    }
  }
  std::sort(ordered.begin(), ordered.end(), [](const LocalMount* a, const LocalMount* b) {
    return a->mount_path.size() > b->mount_path.size();
  });
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const LocalMount* match = nullptr;
    if (i == 0 || startsPath(text[i - 1])) {
      for (const LocalMount* mount : ordered) {
        const std::string& path = mount->mount_path;
        const std::size_t end = i + path.size();
        if (text.compare(i, path.size(), path) == 0 &&
            (end == text.size() || endsPath(text[end]))) {
          match = mount;
          break;
        }
      }
    }
    if (match) {
      out += match->local.string();
      i += match->mount_path.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string rewriteConfDir(const std::string& conf, const std::vector<LocalMount>& mounts) {
  std::istringstream in(conf);
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    // Is this a `dir <path>` directive (and not `dir` inside a comment or another keyword)?
    if (first != std::string::npos && line.compare(first, 3, "dir") == 0 &&
        first + 3 < line.size() && (line[first + 3] == ' ' || line[first + 3] == '\t')) {
      line = rewritePaths(line, mounts);
    }
    out += line;
    if (!in.eof()) {
      out += '\n';
    }
  }
  return out;
}

bool isRedisContainer(const json& container) {
  for (const char* key : {"command", "args"}) {
    for (const json& word : container.value(key, json::array())) {
      if (word.is_string() && word.get<std::string>().find("redis-server") != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

Result<std::vector<std::string>> containerArgv(const json& container,
                                               const std::vector<LocalMount>& mounts,
                                               const std::string& pod_ip) {
  std::vector<std::string> argv;
  for (const char* key : {"command", "args"}) {
    for (const json& word : container.value(key, json::array())) {
      if (word.is_string()) {
        argv.push_back(rewritePaths(word.get<std::string>(), mounts));
      }
    }
  }
  if (container.value("command", json::array()).empty()) {
    return Error(ErrorCode::Invalid, "container " + stringAt(container, "name") +
                                         " has no command (the sandbox ignores images, so it "
                                         "has no entrypoint to run)");
  }
  // Why both? --bind makes the pod listen on its own IP only; --bind-source-addr (Redis 7) makes
  // its outgoing connections (a replica to its primary) come from that IP too, as from a real pod,
  // instead of the loopback's 127.0.0.1.
  if (isRedisContainer(container)) {
    for (const char* option : {"--bind", "--bind-source-addr"}) {
      argv.push_back(option);
      argv.push_back(pod_ip);
    }
  }
  return argv;
}

std::optional<int> probePort(const json& container) {
  const json ports = container.value("ports", json::array());
  for (const json& port : ports) {
    const std::string name = stringAt(port, "name");
    if ((name == "redis" || name == "sentinel") && port.contains("containerPort")) {
      return port["containerPort"].get<int>();
    }
  }
  if (!ports.empty() && ports[0].contains("containerPort")) {
    return ports[0]["containerPort"].get<int>();
  }
  return std::nullopt;
}

std::chrono::milliseconds crashLoopDelay(int consecutive_crashes, std::chrono::milliseconds initial,
                                         std::chrono::milliseconds max) {
  std::chrono::milliseconds delay = initial;
  for (int n = 1; n < consecutive_crashes && delay < max; ++n) {
    delay *= 2;
  }
  return std::min(delay, max);
}

} // namespace rdr::sandbox
