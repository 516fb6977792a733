// redis-dr-sandbox: the local stand-in for a Kubernetes cluster (development and test fixture).
#include <signal.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "rdr/common/ipv4.h"
#include "rdr/common/log.h"
#include "serve.h"

namespace {

// An IPv4 CIDR (rdr::Ipv4Cidr: no host bits set) with a prefix length between 8 and 30, e.g.
// 127.10.0.0/17: every range of the sandbox must leave room for a few addresses.
const CLI::Validator kIpv4Cidr(
    [](std::string& text) -> std::string {
      const auto cidr = rdr::Ipv4Cidr::parse(text);
      if (!cidr) {
        return cidr.error().message();
      }
      if (cidr->prefix < 8 || cidr->prefix > 30) {
        return "the CIDR \"" + text + "\" needs a prefix length between 8 and 30";
      }
      return "";
    },
    "IPv4 CIDR");

} // namespace

int main(int argc, char** argv) {
  // Termination signals are taken by sigwait() in serve(); block them before any thread starts
  // so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"redis-dr-sandbox: a local Kubernetes API server emulator for redis-dr-operator"};
  app.require_subcommand(1);
  rdr::sandbox::ServeOptions options;
  std::string log_format = "text";
  std::string log_level = "info";
  std::uint16_t insecure_port = 0;
  CLI::App* serve = app.add_subcommand("serve", "Serve the emulated Kubernetes API over HTTPS");
  serve->add_option("--name", options.name, "Sandbox name (a DNS label)")->required();
  serve
      ->add_option("--state-dir", options.state_dir,
                   "Directory for certificates, token, "
                   "kubeconfig and pid")
      ->required();
  serve->add_option("--address", options.address, "Loopback address to serve on")->required();
  serve->add_option("--port", options.port, "HTTPS port (0: any free port)")->required();
  serve->add_option("--crds", options.crds, "Directory of CRD manifests")
      ->required()
      ->check(CLI::ExistingDirectory);
  CLI::Option* insecure = serve->add_option("--insecure-http-port", insecure_port,
                                            "Also serve plain HTTP without authentication");
  serve->add_option("--pod-cidr", options.pod_cidr,
                    "Pod IPs of the node agent, e.g. 127.10.0.0/17 (turns the node agent on)")
      ->check(kIpv4Cidr);
  serve->add_option("--service-cidr", options.service_cidr,
                    "Service ClusterIPs, e.g. 127.10.128.0/18 (default 10.96.0.0/12)")
      ->check(kIpv4Cidr);
  serve->add_option("--load-balancer-cidr", options.load_balancer_cidr,
                    "LoadBalancer ingress IPs of the Service proxy, e.g. 127.10.192.0/18")
      ->check(kIpv4Cidr);
  bool node_agent = false;
  bool no_node_agent = false;
  CLI::Option* node_agent_flag = serve->add_flag(
      "--node-agent", node_agent, "Run the node agent and the Service proxy (needs --pod-cidr)");
  CLI::Option* no_node_agent_flag =
      serve->add_flag("--no-node-agent", no_node_agent, "Serve the API only");
  node_agent_flag->excludes(no_node_agent_flag);
  std::int64_t probe_period_ms = 1000;
  std::int64_t backoff_initial_ms = 10'000;
  std::int64_t backoff_max_ms = 300'000;
  serve->add_option("--probe-period-ms", probe_period_ms, "Readiness probe period (tests)")
      ->check(CLI::Range(10, 600'000));
  serve->add_option("--restart-backoff-ms", backoff_initial_ms,
                    "First CrashLoopBackOff delay (tests; default 10000)")
      ->check(CLI::Range(0, 3'600'000));
  serve->add_option("--restart-backoff-max-ms", backoff_max_ms,
                    "Largest CrashLoopBackOff delay (default 300000)")
      ->check(CLI::Range(0, 3'600'000));
  serve->add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  serve->add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  CLI11_PARSE(app, argc, argv);

  rdr::setupLogging(rdr::parseLogFormat(log_format).value(), rdr::parseLogLevel(log_level).value());
  if (!rdr::sandbox::isValidSandboxName(options.name)) {
    spdlog::error(
        "The sandbox name \"{}\" is not a DNS label (lower-case letters, digits and "
        "'-', at most 63 characters).",
        options.name);
    return rdr::sandbox::kExitFailure;
  }
  if (insecure->count() > 0) {
    options.insecure_http_port = insecure_port;
  }
  if (node_agent) {
    options.node_agent = true;
  } else if (no_node_agent) {
    options.node_agent = false;
  }
  if (options.node_agent.value_or(false) && options.pod_cidr.empty()) {
    spdlog::error("--node-agent needs --pod-cidr (the range the pods' IPs come from).");
    return rdr::sandbox::kExitFailure;
  }
  options.probe_period = std::chrono::milliseconds(probe_period_ms);
  options.backoff_initial = std::chrono::milliseconds(backoff_initial_ms);
  options.backoff_max = std::chrono::milliseconds(backoff_max_ms);
  return rdr::sandbox::serve(options);
}
