// Starts container processes from one long-lived thread (fork, setsid, PR_SET_PDEATHSIG, execve).
#include "sandbox/nodeagent/process_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <sstream>

namespace rdr::sandbox {

Result<std::string> findExecutable(const std::string& name, const std::string& path_list) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  std::stringstream dirs(path_list);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return Error(ErrorCode::NotFound,
               "executable file \"" + name + "\" not found in $PATH (" + path_list + ")");
}

ProcessLauncher::ProcessLauncher() : thread_([this] { run(); }) {}

ProcessLauncher::~ProcessLauncher() { stop(); }

void ProcessLauncher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

Result<pid_t> ProcessLauncher::launch(const LaunchSpec& spec) {
  Job job{&spec};
  std::unique_lock lock(mutex_);
  if (stopping_) {
    return job.result;
  }
  queue_.push_back(&job);
  cv_.notify_all();
  cv_.wait(lock, [&] { return job.done; });
  return job.result;
}

void ProcessLauncher::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    while (!queue_.empty()) {
      Job* job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      Result<pid_t> result = forkExec(*job->spec);
      lock.lock();
      job->result = std::move(result);
      job->done = true;
      cv_.notify_all();
    }
    if (stopping_) {
      return;
    }
  }
}

Result<pid_t> ProcessLauncher::forkExec(const LaunchSpec& spec) {
  if (spec.argv.empty()) {
    return Error(ErrorCode::Invalid, "an empty command");
  }
  // Everything the child needs is prepared here: after fork only async-signal-safe calls.
  std::string path_list = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& [name, value] : spec.env) {
    if (name == "PATH") {
      path_list = value;
    }
  }
  RDR_ASSIGN_OR_RETURN(const std::string program, findExecutable(spec.argv[0], path_list));
  std::vector<char*> argv;
  for (const auto& word : spec.argv) {
    argv.push_back(const_cast<char*>(word.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (const auto& [name, value] : spec.env) {
    env_text.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& entry : env_text) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  const int log_fd = ::open(spec.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return Error(ErrorCode::Invalid, "cannot open the log " + spec.log.string() + ": " +
                                         std::strerror(errno));
  }
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (null_fd < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    ::close(log_fd);
    if (null_fd >= 0) {
      ::close(null_fd);
    }
    return Error(ErrorCode::Transient, std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The child: its own session, killed when this thread (the sandbox) dies, plain signals.
    ::setsid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127); // the sandbox died between fork and prctl
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) {
      ::signal(sig, SIG_DFL);
    }
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::syscall(SYS_close_range, 3, report[1] - 1, 0);
    ::syscall(SYS_close_range, report[1] + 1, UINT_MAX, 0);
    int error = 0;
    if (::chdir(spec.cwd.c_str()) != 0) {
      error = errno;
    } else {
      ::execve(program.c_str(), argv.data(), envp.data());
      error = errno;
    }
    [[maybe_unused]] const auto written = ::write(report[1], &error, sizeof error);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(report[1]);
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) {
    ::close(report[0]);
    return Error(ErrorCode::Transient, std::string("fork failed: ") + std::strerror(fork_errno));
  }
  int child_errno = 0;
  ssize_t got = 0;
  do {
    got = ::read(report[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == sizeof child_errno) {
    // The child exits with 127 right after reporting: collect it here, nobody else knows its pid.
    int status = 0;
    ::waitpid(pid, &status, 0);
    return Error(ErrorCode::Invalid, "cannot run " + program + " in " + spec.cwd.string() + ": " +
                                         std::strerror(child_errno));
  }
  return pid;
}

} // namespace rdr::sandbox
