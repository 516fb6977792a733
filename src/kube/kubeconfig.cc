// kubeconfig files (one or a $KUBECONFIG list) to a ConnectionConfig, as kubectl reads them.
#include <cstdlib>
#include <map>

#include "rdr/common/file.h"
#include "rdr/common/text.h"
#include "rdr/common/base64.h"
#include "rdr/common/yaml.h"
#include "rdr/kube/config.h"

namespace rdr::kube {
namespace {

// A named cluster, user or context, with the file that defined it (relative paths resolve there).
struct Entry {
  nlohmann::json body = nlohmann::json::object();
  std::string file;
};

struct Merged {
  std::string files; // "a:b", for messages about the merged view
  std::string current_context;
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
};

Error invalid(const std::string& file, const std::string& what) {
  return Error(ErrorCode::Invalid, "kubeconfig " + file + ": " + what);
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::string directoryOf(const std::string& file) {
  const auto slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash == 0 ? 1 : slash);
}

std::string resolvePath(const std::string& file, const std::string& path) {
  if (path.empty() || path.front() == '/') {
    return path;
  }
  return directoryOf(file) + "/" + path;
}

// Adds one section ("clusters", "users", "contexts") of a file; earlier files win.
Status mergeSection(const nlohmann::json& doc, const std::string& file, const char* section,
                    const char* body_key, std::map<std::string, Entry>& into) {
  const auto it = doc.find(section);
  if (it == doc.end() || it->is_null()) {
    return okStatus();
  }
  if (!it->is_array()) {
    return invalid(file, std::string(section) + " must be a list");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& item = (*it)[i];
    const auto name = item.is_object() ? item.find("name") : item.end();
    if (!item.is_object() || name == item.end() || !name->is_string() ||
        name->get<std::string>().empty()) {
      return invalid(file, std::string(section) + "[" + std::to_string(i) + "] has no name");
    }
    Entry entry;
    entry.file = file;
    const auto body = item.find(body_key);
    if (body != item.end() && body->is_object()) {
      entry.body = *body;
    }
    into.emplace(name->get<std::string>(), std::move(entry));
  }
  return okStatus();
}

Status mergeFile(const std::string& file, const std::string& text, Merged& merged) {
  auto docs = parseYamlDocuments(text);
  if (!docs) {
    return invalid(file, docs.error().message());
  }
  if (docs->empty()) {
    return okStatus();
  }
  const nlohmann::json& doc = docs->front();
  if (!doc.is_object()) {
    return invalid(file, "the document is not a mapping");
  }
  const auto current = doc.find("current-context");
  if (merged.current_context.empty() && current != doc.end() && current->is_string()) {
    merged.current_context = current->get<std::string>();
  }
  RDR_RETURN_IF_ERROR(mergeSection(doc, file, "clusters", "cluster", merged.clusters));
  RDR_RETURN_IF_ERROR(mergeSection(doc, file, "users", "user", merged.users));
  RDR_RETURN_IF_ERROR(mergeSection(doc, file, "contexts", "context", merged.contexts));
  return okStatus();
}

// One entry's fields, with errors that name the file, the entry and the field.
class Fields {
public:
  Fields(const Entry& entry, std::string what) : entry_(entry), what_(std::move(what)) {}

  bool has(const char* key) const { return entry_.body.contains(key); }

  Result<std::string> string(const char* key) const {
    const auto it = entry_.body.find(key);
    if (it == entry_.body.end() || it->is_null()) {
      return std::string();
    }
    if (!it->is_string()) {
      return error(std::string(key) + " must be a string");
    }
    return it->get<std::string>();
  }

  Result<bool> boolean(const char* key) const {
    const auto it = entry_.body.find(key);
    if (it == entry_.body.end() || it->is_null()) {
      return false;
    }
    if (!it->is_boolean()) {
      return error(std::string(key) + " must be true or false");
    }
    return it->get<bool>();
  }

  // `<key>-data` (base64 PEM) wins over `<key>` (a file path, relative to the kubeconfig).
  Result<std::string> pem(const std::string& key) const {
    RDR_ASSIGN_OR_RETURN(std::string data, string((key + "-data").c_str()));
    if (!data.empty()) {
      std::string compact;
      for (const char c : data) {
        if (c != '\n' && c != '\r' && c != ' ') {
          compact.push_back(c);
        }
      }
      auto decoded = base64Decode(compact);
      if (!decoded) {
        return error(key + "-data is not valid base64: " + decoded.error().message());
      }
      return std::move(decoded).value();
    }
    RDR_ASSIGN_OR_RETURN(std::string path, string(key.c_str()));
    if (path.empty()) {
      return std::string();
    }
    auto content = readFile(resolvePath(entry_.file, path));
    if (!content) {
      return error(key + ": " + content.error().message());
    }
    return std::move(content).value();
  }

  std::string path(const std::string& relative) const { return resolvePath(entry_.file, relative); }

  Error error(const std::string& message, ErrorCode code = ErrorCode::Invalid) const {
    return Error(code, "kubeconfig " + entry_.file + ": " + what_ + ": " + message);
  }

private:
  const Entry& entry_;
  std::string what_;
};

Status applyCluster(const Entry& entry, const std::string& name, ConnectionConfig& config) {
  const Fields fields(entry, "cluster " + quoted(name));
  RDR_ASSIGN_OR_RETURN(config.server, fields.string("server"));
  while (!config.server.empty() && config.server.back() == '/') {
    config.server.pop_back();
  }
  if (config.server.empty()) {
    return fields.error("server is not set");
  }
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return fields.error("server " + config.server + " is not an http:// or https:// URL");
  }
  for (const char* unsupported : {"tls-server-name", "proxy-url"}) {
    RDR_ASSIGN_OR_RETURN(const std::string value, fields.string(unsupported));
    if (!value.empty()) {
      return fields.error(std::string(unsupported) + " is not supported by this client",
                          ErrorCode::Unsupported);
    }
  }
  RDR_ASSIGN_OR_RETURN(config.ca_pem, fields.pem("certificate-authority"));
  RDR_ASSIGN_OR_RETURN(config.insecure_skip_tls_verify, fields.boolean("insecure-skip-tls-verify"));
  // client-go (transport.go): a CA together with insecure-skip-tls-verify is a configuration error.
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    return fields.error("insecure-skip-tls-verify cannot be combined with a certificate authority "
                        "(specifying a root certificates file with the insecure flag is not "
                        "allowed)");
  }
  return okStatus();
}

Status applyUser(const Entry& entry, const std::string& name, ConnectionConfig& config) {
  const Fields fields(entry, "user " + quoted(name));
  // Credentials that need a helper program or are gone from Kubernetes are refused loudly.
  if (fields.has("exec")) {
    const auto& exec = entry.body["exec"];
    const std::string command =
        exec.is_object() && exec.contains("command") && exec["command"].is_string()
            ? exec["command"].get<std::string>()
            : std::string("?");
    return fields.error("uses an exec credential plugin (command \"" + command +
                            "\"), which this operator does not run; use a token, tokenFile or "
                            "client certificate",
                        ErrorCode::Unsupported);
  }
  if (fields.has("auth-provider")) {
    const auto& provider = entry.body["auth-provider"];
    const std::string provider_name =
        provider.is_object() && provider.contains("name") && provider["name"].is_string()
            ? provider["name"].get<std::string>()
            : std::string("?");
    return fields.error("uses the auth-provider \"" + provider_name +
                            "\", which this operator does not support",
                        ErrorCode::Unsupported);
  }
  for (const char* unsupported : {"username", "password", "as", "as-groups"}) {
    if (fields.has(unsupported)) {
      return fields.error(std::string(unsupported) + " is not supported by this client",
                          ErrorCode::Unsupported);
    }
  }
  RDR_ASSIGN_OR_RETURN(config.token, fields.string("token"));
  RDR_ASSIGN_OR_RETURN(const std::string token_file, fields.string("tokenFile"));
  config.token_file = token_file.empty() ? "" : fields.path(token_file);
  RDR_ASSIGN_OR_RETURN(config.client_certificate_pem, fields.pem("client-certificate"));
  RDR_ASSIGN_OR_RETURN(config.client_key_pem, fields.pem("client-key"));
  if (config.client_certificate_pem.empty() != config.client_key_pem.empty()) {
    return fields.error("client-certificate and client-key must be given together");
  }
  return okStatus();
}

} // namespace

std::vector<std::string> kubeconfigPaths(const std::string& kubeconfig_env,
                                         const std::string& home) {
  std::vector<std::string> paths;
  if (kubeconfig_env.empty()) {
    paths.push_back(home + "/.kube/config");
    return paths;
  }
  std::size_t start = 0;
  while (start <= kubeconfig_env.size()) {
    const auto colon = kubeconfig_env.find(':', start);
    const auto end = colon == std::string::npos ? kubeconfig_env.size() : colon;
    if (end > start) {
      paths.push_back(kubeconfig_env.substr(start, end - start));
    }
    start = end + 1;
  }
  return paths;
}

Result<ConnectionConfig> loadKubeconfig(const std::string& path,
                                        const std::string& context_override) {
  if (!path.empty()) {
    return loadKubeconfigFiles({path}, context_override);
  }
  const char* env = std::getenv("KUBECONFIG");
  const char* home = std::getenv("HOME");
  return loadKubeconfigFiles(kubeconfigPaths(env ? env : "", home ? home : ""), context_override);
}

Result<ConnectionConfig> loadKubeconfigFiles(const std::vector<std::string>& paths,
                                             const std::string& context_override) {
  Merged merged;
  std::string last_error;
  bool any_read = false;
  for (const auto& file : paths) {
    merged.files += (merged.files.empty() ? "" : ":") + file;
    auto text = readFile(file);
    if (!text) {
      last_error = text.error().message();
      continue;
    }
    any_read = true;
    RDR_RETURN_IF_ERROR(mergeFile(file, *text, merged));
  }
  if (!any_read) {
    return invalid(merged.files, paths.empty() ? "no file given" : last_error);
  }
  const std::string context_name =
      context_override.empty() ? merged.current_context : context_override;
  if (context_name.empty()) {
    return invalid(merged.files, "current-context is not set and no context was given");
  }
  const auto context = merged.contexts.find(context_name);
  if (context == merged.contexts.end()) {
    return invalid(merged.files, "context " + quoted(context_name) + " not found");
  }
  const Fields context_fields(context->second, "context " + quoted(context_name));
  RDR_ASSIGN_OR_RETURN(const std::string cluster_name, context_fields.string("cluster"));
  RDR_ASSIGN_OR_RETURN(const std::string user_name, context_fields.string("user"));
  RDR_ASSIGN_OR_RETURN(const std::string namespace_, context_fields.string("namespace"));

  ConnectionConfig config;
  config.namespace_ = namespace_.empty() ? "default" : namespace_;
  config.description = "kubeconfig " + merged.files + ", context " + context_name;
  const auto cluster = merged.clusters.find(cluster_name);
  if (cluster == merged.clusters.end()) {
    return context_fields.error("cluster " + quoted(cluster_name) + " not found");
  }
  RDR_RETURN_IF_ERROR(applyCluster(cluster->second, cluster_name, config));
  if (!user_name.empty()) {
    const auto user = merged.users.find(user_name);
    if (user == merged.users.end()) {
      return context_fields.error("user " + quoted(user_name) + " not found");
    }
    RDR_RETURN_IF_ERROR(applyUser(user->second, user_name, config));
  }
  return config;
}

} // namespace rdr::kube
