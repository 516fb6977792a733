// Leader-election identity (pod or host name plus random hex) and config from the flags.
#include "election.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace rdr::app {
namespace {

std::string randomHex() {
  std::random_device device;
  std::string hex;
  for (int i = 0; i < 2; ++i) {
    std::array<char, 9> chunk{};
    std::snprintf(chunk.data(), chunk.size(), "%08x", static_cast<unsigned>(device()));
    hex += chunk.data();
  }
  return hex;
}

std::chrono::milliseconds toMillis(std::chrono::nanoseconds duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

} // namespace

std::string leaderElectionIdentity(const std::string& base) { return base + "_" + randomHex(); }

std::string leaderElectionIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') {
    return leaderElectionIdentity(pod);
  }
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') {
    return leaderElectionIdentity("redis-dr-operator");
  }
  return leaderElectionIdentity(host.data());
}

runtime::LeaderElectionConfig leaderElectionConfig(const LeaderElectionOptions& options,
                                                   std::string identity) {
  runtime::LeaderElectionConfig config;
  config.lease_namespace = options.leaseNamespace;
  config.lease_name = options.leaseName;
  config.identity = std::move(identity);
  config.lease_duration = toMillis(options.leaseDuration);
  config.renew_deadline = toMillis(options.renewDeadline);
  config.retry_period = toMillis(options.retryPeriod);
  config.release_on_cancel = true;
  return config;
}

} // namespace rdr::app
