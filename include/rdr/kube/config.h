// Where the API server is and how to authenticate: kubeconfig files and the in-cluster config.
#pragma once

#include <string>
#include <vector>

#include "rdr/common/result.h"

namespace rdr::kube {

// Everything RestClient needs to reach one API server. Certificates and keys are read into memory
// when the config is loaded; only the token file is read again later (see TokenSource).
// Credentials are never sent to a plain http:// server (as client-go): RestClient drops them.
struct ConnectionConfig {
  std::string server;                 // "https://10.96.0.1:443", without a trailing slash
  std::string ca_pem;                 // empty: the system trust store
  std::string client_certificate_pem; // with client_key_pem, or both empty
  std::string client_key_pem;
  std::string token;      // a static bearer token
  std::string token_file; // re-read at most every minute; its content wins over `token`
  bool insecure_skip_tls_verify = false;
  std::string namespace_ = "default"; // the context's namespace, or the pod's own
  std::string description;            // "kubeconfig /home/u/.kube/config, context dev", for logs
};

// The kubeconfig files to read when no path is given: the `:`-separated list in $KUBECONFIG (empty
// entries skipped), else <home>/.kube/config.
std::vector<std::string> kubeconfigPaths(const std::string& kubeconfig_env,
                                         const std::string& home);

// Loads a kubeconfig as kubectl does. `path` empty: $KUBECONFIG or ~/.kube/config.
// @param context_override a context name to use instead of current-context ("" for none).
// @return Invalid with the file and field ("kubeconfig /x: context \"c\" not found"); Unsupported
//         for exec plugins, auth providers, basic auth, impersonation, tls-server-name, proxy-url.
Result<ConnectionConfig> loadKubeconfig(const std::string& path = "",
                                        const std::string& context_override = "");

// Merges several kubeconfig files: the first definition of a cluster, user or context name and the
// first non-empty current-context win; relative file paths resolve against the directory of the
// file that defined the entry. Missing files are skipped unless all are missing.
Result<ConnectionConfig> loadKubeconfigFiles(const std::vector<std::string>& paths,
                                             const std::string& context_override = "");

inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

// What the in-cluster config is made of; the defaults are the real pod's, tests point elsewhere.
struct InClusterEnvironment {
  std::string service_host;  // $KUBERNETES_SERVICE_HOST
  std::string service_port;  // $KUBERNETES_SERVICE_PORT
  std::string pod_namespace; // $POD_NAMESPACE (wins over the namespace file)
  std::string token_path = std::string(kServiceAccountDir) + "/token";
  std::string ca_path = std::string(kServiceAccountDir) + "/ca.crt";
  std::string namespace_path = std::string(kServiceAccountDir) + "/namespace";
};

// The environment variables of this process with the standard service account paths.
InClusterEnvironment inClusterEnvironment();

// https://<host>:<port> (IPv6 bracketed), the service account CA and token file, the namespace
// from $POD_NAMESPACE, else the namespace file, else "default".
// @return Invalid when the variables are unset or the CA or token cannot be read.
Result<ConnectionConfig> inClusterConfig(const InClusterEnvironment& environment);
Result<ConnectionConfig> inClusterConfig();

} // namespace rdr::kube
