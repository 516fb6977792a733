// redis-dr-operator: the controller manager's entry point.
#include <cstdio>

#include "manager.h"
#include "rdr/app/options.h"
#include "rdr/app/version.h"
#include "rdr/common/log.h"
#include "signals.h"

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and only run()'s sigwait
  // receives SIGTERM/SIGINT.
  if (!rdr::app::blockShutdownSignals()) {
    std::fprintf(stderr, "%s: cannot block SIGTERM and SIGINT\n", rdr::app::kProgramName.data());
    return 1;
  }
  const auto options = rdr::app::parseOptions(argc, argv);
  if (!options) {
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", rdr::app::kProgramName.data(),
                 options.error().message().c_str(), rdr::app::kProgramName.data());
    return 2;
  }
  switch (options->command) {
  case rdr::app::Command::Help:
    std::fputs(rdr::app::helpText().c_str(), stdout);
    return 0;
  case rdr::app::Command::Version:
    std::printf("%s %s\n", rdr::app::kProgramName.data(), rdr::app::kVersion);
    return 0;
  case rdr::app::Command::Run:
    break;
  }
  rdr::setupLogging(options->logFormat, options->logLevel);
  return rdr::app::runManager(*options, rdr::app::kVersion);
}
