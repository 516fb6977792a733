// Starts container processes from one long-lived thread, so PR_SET_PDEATHSIG holds until the end.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "rdr/common/result.h"

namespace rdr::sandbox {

struct LaunchSpec {
  std::vector<std::string> argv; // argv[0] is looked up in the PATH of `env` when it has no '/'
  std::vector<std::pair<std::string, std::string>> env; // exactly this environment
  std::filesystem::path cwd;
  std::filesystem::path log; // stdout and stderr are appended here
};

// The kernel sends PR_SET_PDEATHSIG when the *thread* that forked a child exits, not the process:
// every fork therefore happens on this object's own thread, which lives until stop(). Each child
// runs in its own session with the default signal mask and dispositions, stdin from /dev/null and
// no inherited descriptor but stdout/stderr.
class ProcessLauncher {
public:
  ProcessLauncher();
  ~ProcessLauncher();
  ProcessLauncher(const ProcessLauncher&) = delete;
  ProcessLauncher& operator=(const ProcessLauncher&) = delete;

  // Forks and execs; blocks until the exec succeeded or failed.
  // @return the child's pid; Invalid when the program cannot be found or executed (with errno's
  //         text), Transient when fork fails or the launcher is stopped.
  Result<pid_t> launch(const LaunchSpec& spec);

  // Ends the launcher thread: every child still running gets SIGKILL from the kernel. Idempotent.
  void stop();

private:
  struct Job {
    const LaunchSpec* spec;
    Result<pid_t> result = Error(ErrorCode::Transient, "the process launcher stopped");
    bool done = false;
  };
  void run();
  static Result<pid_t> forkExec(const LaunchSpec& spec);

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job*> queue_; // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

// The executable a command name resolves to in `path_list` (":"-separated), or NotFound.
Result<std::string> findExecutable(const std::string& name, const std::string& path_list);

} // namespace rdr::sandbox
