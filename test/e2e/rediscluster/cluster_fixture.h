// A sandbox with the node agent, an operator process the test controls, kubectl and redis-cli.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "../sandbox/sandbox_fixture.h"

namespace rdr::sandbox::testing {

// A Secret manifest whose key "password" holds `password` (stringData).
inline std::string passwordSecret(const std::string& ns, const std::string& name,
                                  const std::string& password) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nstringData:\n  password: " + password + "\n";
}

class ClusterSandboxTest : public SandboxTest {
protected:
  void SetUp() override;
  void TearDown() override;

  // The operator: a child process (not `dev/sandbox up`'s) so tests can kill and restart it.
  void startOperator();
  void killOperator(); // SIGKILL: no lease release, no cleanup
  std::string operatorLog() const;
  std::string metrics(); // the text of /metrics

  // kubectl -n <ns_> get <what> -o jsonpath=<path>; "" when it fails.
  std::string jsonpath(const std::string& what, const std::string& path);
  void applyCluster(const std::string& name, int instances);
  // Polls until the cluster's phase is `phase` (and observedGeneration is current).
  void waitForPhase(const std::string& cluster, const std::string& phase,
                    std::chrono::seconds timeout = std::chrono::seconds(60));
  std::string password(const std::string& cluster);

  // redis-cli against host:6379 with the cluster's password; stdin from `input` when given.
  CommandResult redisCli(const std::string& cluster, const std::string& host,
                         const std::string& arguments, const std::string& input = "");
  // SET key:<i> value-<i> for i in [first, first+count) through `host`, then WAIT for `replicas`.
  void writeKeys(const std::string& cluster, const std::string& host, int first, int count,
                 int replicas);
  int countKeys(const std::string& cluster, const std::string& host);
  std::string role(const std::string& cluster, const std::string& pod_ip); // "master"/"slave"/""

  // redis-cli against the Sentinel at host:26379 (Sentinels have no password), raw output.
  CommandResult sentinelCli(const std::string& host, const std::string& arguments);
  // SENTINEL GET-MASTER-ADDR-BY-NAME <master>: "ip:port"; "" when the Sentinel monitors nothing
  // by that name; "?" when it does not answer (or answers an error).
  std::string sentinelMasterAddress(const std::string& host, const std::string& master);
  // A field of SENTINEL MASTER <master> ("" when absent or the Sentinel monitors nothing).
  std::string sentinelMasterField(const std::string& host, const std::string& master,
                                  const std::string& field);
  // The IPs SENTINEL REPLICAS and SENTINEL SENTINELS <master> list.
  std::vector<std::string> sentinelKnownIps(const std::string& host, const std::string& master);
  // Names of the pods of ns_ that `selector` (kubectl -l) selects, space-separated, as listed.
  std::string podNames(const std::string& selector);

  std::string podIp(const std::string& pod);
  std::string clusterIp(const std::string& service);
  CommandResult fault(const std::string& action, const std::string& target);

  // Polls `condition` every 200 ms until it holds or the timeout passes.
  bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

  pid_t operator_pid_ = -1;
  int operator_starts_ = 0;
  std::string ns_ = "apps"; // the namespace of jsonpath(), applyCluster(), password()
};

} // namespace rdr::sandbox::testing
