// The operator's command-line flags: parsed and validated into Options by a pure function.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rdr/common/log.h"
#include "rdr/common/result.h"

namespace rdr::app {

inline constexpr std::string_view kProgramName = "redis-dr-operator";
inline constexpr std::string_view kDefaultLeaderElectionNamespace = "redis-dr-operator-system";
inline constexpr std::string_view kDefaultLeaderElectionId = "redis-dr-operator-leader";

// A listen address from a flag: ":8080", "127.0.0.1:8080", "[::1]:8080", "localhost:8080".
struct BindAddress {
  std::string host; // an IPv4/IPv6 literal or "localhost"; empty: every interface
  std::uint16_t port = 0;

  bool operator==(const BindAddress&) const = default;
};

// Parses a bind address; "0" means disabled (nullopt). @return Invalid naming the problem.
Result<std::optional<BindAddress>> parseBindAddress(std::string_view text);

struct LeaderElectionOptions {
  bool enabled = false;
  std::string leaseNamespace; // resolved: the flag, else the in-cluster namespace, else default
  std::string leaseName = std::string(kDefaultLeaderElectionId);
  // controller-runtime's defaults; validated lease > renew > 1.2 x retry (client-go's rule).
  std::chrono::nanoseconds leaseDuration = std::chrono::seconds(15);
  std::chrono::nanoseconds renewDeadline = std::chrono::seconds(10);
  std::chrono::nanoseconds retryPeriod = std::chrono::seconds(2);
};

enum class Command { Run, Help, Version };

struct Options {
  Command command = Command::Run;
  std::string kubeconfig;     // resolved: the flag, else $KUBECONFIG; empty: in-cluster config
  std::string watchNamespace; // empty: every namespace
  std::optional<BindAddress> metricsAddress = BindAddress{"", 8080};     // nullopt: disabled
  std::optional<BindAddress> healthProbeAddress = BindAddress{"", 8081}; // nullopt: disabled
  LeaderElectionOptions leaderElection;
  LogLevel logLevel = LogLevel::Info;
  LogFormat logFormat = LogFormat::Text;
  // Comma-separated CIDRs a replica-mode source must resolve into; empty: any. Validated here
  // (controller::parseAllowedNetworks) and kept as written for the controller.
  std::string allowedSourceNetworks;
};

// What the defaults depend on, read once from the process by fromProcess() so that parsing
// stays pure.
struct Environment {
  std::string kubeconfig;         // $KUBECONFIG
  std::string inClusterNamespace; // $POD_NAMESPACE, else the service account's namespace file

  static Environment fromProcess();
};

// Parses argv (argv[0] is the program). @return Invalid whose message is the line to print
// (main prints it with a usage hint and exits 2). --help and --version set `command` and skip
// validation of the other flags.
Result<Options> parseOptions(int argc, const char* const argv[], const Environment& environment);
// The same, with Environment::fromProcess().
Result<Options> parseOptions(int argc, const char* const argv[]);

// The --help text: every flag with its default.
std::string helpText();

} // namespace rdr::app
