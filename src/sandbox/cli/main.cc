// redis-dr-sandbox: the local stand-in for a Kubernetes cluster (development and test fixture).
#include <signal.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "rdr/common/log.h"
#include "serve.h"

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
  return rdr::sandbox::serve(options);
}
