// redis-dr-operator: the controller manager's entry point.
#include <cstdio>
#include <cstring>

#include "rdr/app/version.h"

namespace {

constexpr const char* kUsage = R"(redis-dr-operator: Kubernetes operator for Redis disaster recovery.

Usage:
  redis-dr-operator --version   print the version and exit
  redis-dr-operator --help      print this help and exit

This build contains the API types, CRDs and resource builders. The controller manager itself
(Kubernetes client, watches, reconcilers) is not built yet; running it without --version or
--help fails with exit code 2 instead of pretending to manage anything.
)";

} // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
    std::printf("redis-dr-operator %s\n", rdr::app::kVersion);
    return 0;
  }
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fputs("redis-dr-operator: the controller manager is not implemented in this build yet "
             "(it arrives with the Kubernetes client and runtime); only --version and --help "
             "work. See README.md, \"What works today\".\n",
             stderr);
  return 2;
}
