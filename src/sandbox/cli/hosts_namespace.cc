// A private mount namespace whose /etc/hosts is the sandbox's own file (cluster DNS for its pods).
#include "hosts_namespace.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rdr/common/file.h"
#include "state_files.h"

namespace rdr::sandbox {

Result<HostsSetup> isolateHostsFile(const std::filesystem::path& state_dir) {
  namespace fs = std::filesystem;
  HostsSetup setup;
  setup.hosts_file = state_dir / "hosts";
  auto base = readFile("/etc/hosts");
  setup.base_hosts = base ? *base : "127.0.0.1\tlocalhost\n";
  RDR_RETURN_IF_ERROR(writeFileAtomically(setup.hosts_file, setup.base_hosts,
                                          fs::perms::owner_read | fs::perms::owner_write |
                                              fs::perms::group_read | fs::perms::others_read));
  if (::geteuid() != 0) {
    setup.warning = "it does not run as root, so it cannot give its processes a private "
                    "/etc/hosts";
    return setup;
  }
  if (::unshare(CLONE_NEWNS) != 0) {
    setup.warning = std::string("unshare(CLONE_NEWNS) failed: ") + std::strerror(errno);
    return setup;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    setup.warning = std::string("making the mounts private failed: ") + std::strerror(errno);
    return setup;
  }
  if (::mount(setup.hosts_file.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0) {
    setup.warning = "bind-mounting " + setup.hosts_file.string() +
                    " over /etc/hosts failed: " + std::strerror(errno);
    return setup;
  }
  setup.isolated = true;
  return setup;
}

} // namespace rdr::sandbox
