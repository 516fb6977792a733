// The kubeconfig a sandbox writes for kubectl and the operator.
#pragma once

#include <string>

namespace rdr::sandbox {

struct KubeconfigSpec {
  std::string name;   // cluster, context and (with "-admin") user name
  std::string server; // "https://127.0.10.1:16443"
  std::string ca_pem; // written base64-encoded as certificate-authority-data
  std::string token;  // the bearer token
  std::string namespace_name = "default";
};

// A kubeconfig (YAML) with one cluster, one user, one context, and that context current.
std::string renderKubeconfig(const KubeconfigSpec& spec);

} // namespace rdr::sandbox
