// Flag parsing with CLI11; CLI11's exceptions stop here and become Error values.
#include "rdr/app/options.h"

#include "rdr/common/file.h"

#include "rdr/common/text.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

#include "rdr/app/duration.h"
#include "rdr/controller/source_probe.h"

namespace rdr::app {
namespace {

// The raw text of every flag, before conversion; initial values are the defaults.
struct RawFlags {
  std::string kubeconfig;
  std::string watchNamespace;
  std::string metricsAddress = ":8080";
  std::string healthProbeAddress = ":8081";
  bool leaderElect = false;
  std::string leaseNamespace;
  std::string leaseName = std::string(kDefaultLeaderElectionId);
  std::string leaseDuration = "15s";
  std::string renewDeadline = "10s";
  std::string retryPeriod = "2s";
  std::string logLevel = "info";
  std::string logFormat = "text";
  std::string allowedSourceNetworks;
  bool version = false;
  bool help = false;
};

// One flag: how CLI11 knows it and how --help describes it. A flag is either text or a bool.
struct FlagSpec {
  std::string_view names; // CLI11 spelling: "--help,-h"
  std::string_view value; // the placeholder in --help; empty for bools
  std::string_view defaultText;
  std::string_view help;
  std::string RawFlags::*text = nullptr;
  bool RawFlags::*flag = nullptr;
};

const std::vector<FlagSpec>& flagSpecs() {
  static const std::vector<FlagSpec> specs = {
      {"--kubeconfig", "PATH", "$KUBECONFIG, else the in-cluster config",
       "Path to a kubeconfig file; only needed outside a cluster.", &RawFlags::kubeconfig},
      {"--namespace", "NAME", "\"\" (every namespace)", "Watch only this namespace.",
       &RawFlags::watchNamespace},
      {"--metrics-bind-address", "ADDR", ":8080",
       "Address of the Prometheus /metrics endpoint; 0 disables it.", &RawFlags::metricsAddress},
      {"--health-probe-bind-address", "ADDR", ":8081",
       "Address of /healthz, /livez and /readyz; 0 disables them.", &RawFlags::healthProbeAddress},
      {"--leader-elect", "", "false",
       "Elect a leader through a Lease: only the holder reconciles, other replicas wait warm.",
       nullptr, &RawFlags::leaderElect},
      {"--leader-election-namespace", "NAME",
       "the in-cluster namespace, else redis-dr-operator-system", "Namespace of the Lease.",
       &RawFlags::leaseNamespace},
      {"--leader-election-id", "NAME", kDefaultLeaderElectionId, "Name of the Lease.",
       &RawFlags::leaseName},
      {"--leader-election-lease-duration", "DURATION", "15s",
       "How long a standby waits on an unrenewed Lease before taking over.",
       &RawFlags::leaseDuration},
      {"--leader-election-renew-deadline", "DURATION", "10s",
       "How long the leader keeps trying to renew before it stops leading.",
       &RawFlags::renewDeadline},
      {"--leader-election-retry-period", "DURATION", "2s",
       "Interval between attempts to acquire or renew the Lease.", &RawFlags::retryPeriod},
      {"--log-level", "LEVEL", "info", "One of trace, debug, info, warn, error.",
       &RawFlags::logLevel},
      {"--log-format", "FORMAT", "text", "text for people, json for log collectors.",
       &RawFlags::logFormat},
      {"--allowed-source-networks", "CIDRS", "\"\" (any)",
       "Comma-separated CIDRs every replicaMode.source address must be in; others are refused.",
       &RawFlags::allowedSourceNetworks},
      {"--version", "", "", "Print the version and exit.", nullptr, &RawFlags::version},
      {"--help,-h", "", "", "Print this help and exit.", nullptr, &RawFlags::help},
  };
  return specs;
}

Error invalid(std::string message) { return Error(ErrorCode::Invalid, std::move(message)); }

Error invalidValue(std::string_view flag, std::string_view value, const Error& why) {
  return invalid("invalid value \"" + std::string(value) + "\" for flag " + std::string(flag) +
                 ": " + why.message());
}

// RFC 1123 label (namespaces) or subdomain (Lease names).
bool isDnsName(std::string_view name, bool allowDots, std::size_t maxLength) {
  if (name.empty() || name.size() > maxLength) {
    return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (alnum(c) || c == '-') {
      continue;
    }
    if (allowDots && c == '.' && name[i - 1] != '.' && name[i - 1] != '-' && alnum(name[i + 1])) {
      continue;
    }
    return false;
  }
  return true;
}

Status checkNamespace(std::string_view flag, std::string_view value) {
  if (isDnsName(value, false, 63)) {
    return okStatus();
  }
  return invalid("invalid value \"" + std::string(value) + "\" for flag " + std::string(flag) +
                 ": a namespace is a lowercase RFC 1123 label (a-z, 0-9 and '-', at most 63 "
                 "characters, starting and ending with a letter or digit)");
}

Result<std::chrono::nanoseconds> positiveDuration(std::string_view flag, std::string_view text) {
  auto duration = parseDuration(text);
  if (!duration) {
    return invalidValue(flag, text, duration.error());
  }
  if (duration->count() <= 0) {
    return invalid("invalid value \"" + std::string(text) + "\" for flag " + std::string(flag) +
                   ": must be positive");
  }
  return *duration;
}

// client-go's rule: LeaseDuration > RenewDeadline > JitterFactor (1.2) x RetryPeriod.
Status checkLeaderElection(const LeaderElectionOptions& le) {
  if (le.leaseDuration <= le.renewDeadline) {
    return invalid("--leader-election-lease-duration (" + formatDuration(le.leaseDuration) +
                   ") must be greater than --leader-election-renew-deadline (" +
                   formatDuration(le.renewDeadline) + ")");
  }
  const long double jittered = 1.2L * static_cast<long double>(le.retryPeriod.count());
  if (static_cast<long double>(le.renewDeadline.count()) <= jittered) {
    const auto jitteredNs = std::chrono::nanoseconds(le.retryPeriod.count() / 5 * 6 +
                                                     le.retryPeriod.count() % 5 * 6 / 5);
    return invalid("--leader-election-renew-deadline (" + formatDuration(le.renewDeadline) +
                   ") must be greater than 1.2 x --leader-election-retry-period (1.2 x " +
                   formatDuration(le.retryPeriod) + " = " + formatDuration(jitteredNs) + ")");
  }
  return okStatus();
}

// Turns CLI11's leftovers into the first complaint: an unknown flag or a stray argument.
Status checkLeftovers(const std::vector<std::string>& remaining) {
  if (remaining.empty()) {
    return okStatus();
  }
  const std::string& first = remaining.front();
  if (first.size() > 1 && first.front() == '-') {
    return invalid("unknown flag: " + first.substr(0, first.find('=')));
  }
  return invalid("unexpected argument \"" + first + "\" (this program takes only flags)");
}

Result<Options> convert(const RawFlags& raw, const CLI::App& app, const Environment& env) {
  Options options;
  options.kubeconfig = app.count("--kubeconfig") > 0 ? raw.kubeconfig : env.kubeconfig;
  if (!raw.watchNamespace.empty()) {
    RDR_RETURN_IF_ERROR(checkNamespace("--namespace", raw.watchNamespace));
  }
  options.watchNamespace = raw.watchNamespace;

  auto metrics = parseBindAddress(raw.metricsAddress);
  if (!metrics) {
    return invalidValue("--metrics-bind-address", raw.metricsAddress, metrics.error());
  }
  options.metricsAddress = *metrics;
  auto probes = parseBindAddress(raw.healthProbeAddress);
  if (!probes) {
    return invalidValue("--health-probe-bind-address", raw.healthProbeAddress, probes.error());
  }
  options.healthProbeAddress = *probes;

  LeaderElectionOptions& le = options.leaderElection;
  le.enabled = raw.leaderElect;
  if (app.count("--leader-election-namespace") > 0) {
    RDR_RETURN_IF_ERROR(checkNamespace("--leader-election-namespace", raw.leaseNamespace));
    le.leaseNamespace = raw.leaseNamespace;
  } else {
    le.leaseNamespace = env.inClusterNamespace.empty()
                            ? std::string(kDefaultLeaderElectionNamespace)
                            : env.inClusterNamespace;
  }
  if (!isDnsName(raw.leaseName, true, 253)) {
    return invalid("invalid value \"" + raw.leaseName +
                   "\" for flag --leader-election-id: a Lease name is a lowercase RFC 1123 "
                   "subdomain (a-z, 0-9, '-' and '.', at most 253 characters)");
  }
  le.leaseName = raw.leaseName;
  RDR_ASSIGN_OR_RETURN(le.leaseDuration,
                       positiveDuration("--leader-election-lease-duration", raw.leaseDuration));
  RDR_ASSIGN_OR_RETURN(le.renewDeadline,
                       positiveDuration("--leader-election-renew-deadline", raw.renewDeadline));
  RDR_ASSIGN_OR_RETURN(le.retryPeriod,
                       positiveDuration("--leader-election-retry-period", raw.retryPeriod));
  RDR_RETURN_IF_ERROR(checkLeaderElection(le));

  auto level = parseLogLevel(raw.logLevel);
  if (!level) {
    return invalidValue("--log-level", raw.logLevel, level.error());
  }
  options.logLevel = *level;
  auto format = parseLogFormat(raw.logFormat);
  if (!format) {
    return invalidValue("--log-format", raw.logFormat, format.error());
  }
  options.logFormat = *format;
  if (auto networks = controller::parseAllowedNetworks(raw.allowedSourceNetworks); !networks) {
    return invalidValue("--allowed-source-networks", raw.allowedSourceNetworks, networks.error());
  }
  options.allowedSourceNetworks = raw.allowedSourceNetworks;
  return options;
}

} // namespace

Environment Environment::fromProcess() {
  Environment env;
  if (const char* kubeconfig = std::getenv("KUBECONFIG")) {
    env.kubeconfig = kubeconfig;
  }
  if (const char* ns = std::getenv("POD_NAMESPACE"); ns != nullptr && *ns != '\0') {
    env.inClusterNamespace = ns;
  } else {
    const auto content = readFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    env.inClusterNamespace = content ? trim(*content) : std::string();
  }
  return env;
}

Result<Options> parseOptions(int argc, const char* const argv[], const Environment& environment) {
  // CLI11 reads "--flag=" as a missing value; Go's flag packages read it as an empty one.
  std::vector<std::string> args(argv, argv + argc);
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i].size() > 3 && args[i].rfind("--", 0) == 0 && args[i].back() == '=') {
      args[i].pop_back();
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, "");
      ++i;
    }
  }
  std::vector<const char*> pointers;
  for (const auto& arg : args) {
    pointers.push_back(arg.c_str());
  }

  RawFlags raw;
  CLI::App app;
  try {
    app.set_help_flag(); // --help is ours, so that CLI11 never prints or exits on its own
    app.allow_extras(true);
    for (const FlagSpec& spec : flagSpecs()) {
      if (spec.text != nullptr) {
        app.add_option(std::string(spec.names), raw.*spec.text)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast); // the last one wins, as in Go
      } else {
        app.add_flag(std::string(spec.names), raw.*spec.flag);
      }
    }
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::ArgumentMismatch& e) {
    const std::string what = e.what(); // "--namespace: 1 required TEXT missing"
    return invalid("flag needs an argument: " + what.substr(0, what.find(':')));
  } catch (const CLI::ConversionError& e) {
    // Only bool flags convert: "Could not convert: --leader-elect = maybe".
    const std::string what = e.what();
    const auto colon = what.find(": ");
    const auto equals = what.find(" = ");
    if (colon == std::string::npos || equals == std::string::npos || equals < colon) {
      return invalid(what);
    }
    return invalid("invalid value \"" + what.substr(equals + 3) + "\" for flag " +
                   what.substr(colon + 2, equals - colon - 2) + ": not a boolean (true or false)");
  } catch (const CLI::Error& e) {
    return invalid(e.what());
  }
  RDR_RETURN_IF_ERROR(checkLeftovers(app.remaining()));

  if (raw.help || raw.version) {
    Options options;
    options.command = raw.help ? Command::Help : Command::Version;
    return options;
  }
  return convert(raw, app, environment);
}

Result<Options> parseOptions(int argc, const char* const argv[]) {
  return parseOptions(argc, argv, Environment::fromProcess());
}

std::string helpText() {
  std::string text = std::string(kProgramName) +
                     ": the controller manager of the Redis disaster-recovery operator.\n\n"
                     "Usage:\n  " +
                     std::string(kProgramName) + " [flags]\n\nFlags:\n";
  for (const FlagSpec& spec : flagSpecs()) {
    std::string names(spec.names);
    if (const auto comma = names.find(','); comma != std::string::npos) {
      names = names.substr(comma + 1) + ", " + names.substr(0, comma); // "-h, --help"
    }
    text += "  " + names;
    if (!spec.value.empty()) {
      text += " " + std::string(spec.value);
    }
    std::string description = "      " + std::string(spec.help);
    if (!spec.defaultText.empty()) {
      const std::string note = "(default: " + std::string(spec.defaultText) + ")";
      description += description.size() + 1 + note.size() <= 100 ? " " + note : "\n      " + note;
    }
    text += "\n" + description + "\n";
  }
  text += "\nDurations are Go-style: 500ms, 15s, 1m30s. Addresses: :8080, 127.0.0.1:8080, "
          "[::1]:8080.\n";
  return text;
}

} // namespace rdr::app
