// Renders the sandbox kubeconfig.
#include "kubeconfig.h"

#include <nlohmann/json.hpp>

#include "rdr/common/base64.h"

namespace rdr::sandbox {
namespace {

// A YAML double-quoted scalar; JSON string syntax is valid YAML.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump();
}

} // namespace

std::string renderKubeconfig(const KubeconfigSpec& spec) {
  const std::string user = spec.name + "-admin";
  std::string out;
  out += "apiVersion: v1\n";
  out += "kind: Config\n";
  out += "clusters:\n";
  out += "- name: " + quoted(spec.name) + "\n";
  out += "  cluster:\n";
  out += "    server: " + quoted(spec.server) + "\n";
  out += "    certificate-authority-data: " + base64Encode(spec.ca_pem) + "\n";
  out += "users:\n";
  out += "- name: " + quoted(user) + "\n";
  out += "  user:\n";
  out += "    token: " + quoted(spec.token) + "\n";
  out += "contexts:\n";
  out += "- name: " + quoted(spec.name) + "\n";
  out += "  context:\n";
  out += "    cluster: " + quoted(spec.name) + "\n";
  out += "    user: " + quoted(user) + "\n";
  out += "    namespace: " + quoted(spec.namespace_name) + "\n";
  out += "current-context: " + quoted(spec.name) + "\n";
  out += "preferences: {}\n";
  return out;
}

} // namespace rdr::sandbox
