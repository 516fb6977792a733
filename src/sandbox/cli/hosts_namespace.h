// A private mount namespace whose /etc/hosts is the sandbox's own file (cluster DNS for its pods).
#pragma once

#include <filesystem>
#include <string>

#include "rdr/common/result.h"

namespace rdr::sandbox {

struct HostsSetup {
  std::filesystem::path hosts_file; // <state>/hosts, seeded with the machine's /etc/hosts
  std::string base_hosts;           // the machine's /etc/hosts text
  bool isolated = false;            // true when bind-mounted over /etc/hosts in our namespace
  std::string warning;              // why not, when isolated is false
};

// Must run before any thread starts (a new mount namespace applies to the calling thread and to
// what it starts afterwards):
// 1. <state>/hosts is created from the machine's /etc/hosts;
// 2. as root: unshare(CLONE_NEWNS), make every mount private (nothing leaks back to the machine),
//    bind-mount <state>/hosts over /etc/hosts; every process the sandbox starts resolves the names
//    the Service proxy writes there;
// 3. not root, or a step fails: `warning` says that cluster DNS names will not resolve.
// @return an error only when <state>/hosts cannot be written.
Result<HostsSetup> isolateHostsFile(const std::filesystem::path& state_dir);

} // namespace rdr::sandbox
