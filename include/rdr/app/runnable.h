// Runnable: what the manager starts once it may reconcile (leading, or without leader election).
#pragma once

#include <string>

#include "rdr/common/result.h"

namespace rdr::app {

// A controller as the manager sees it (typically informers + a runtime::Controller behind an
// adapter). The manager owns its runnables and, on one thread at a time:
//   start()  when the process may reconcile: at once without --leader-elect, else when it becomes
//            the leader. Must return promptly (start threads, do not run the work on the caller's
//            thread). An error stops the manager (exit 1).
//   stop()   on shutdown, in reverse order of registration: stop intake, let in-flight
//            reconciles finish, join the threads. Idempotent; called also if start() was never
//            called or failed.
// A runnable is started at most once: a process that loses leadership exits instead of stopping
// and restarting its controllers.
class Runnable {
public:
  virtual ~Runnable() = default;

  // A short name for logs, e.g. "rediscluster-controller".
  virtual std::string name() const = 0;
  virtual Status start() = 0;
  virtual void stop() = 0;
};

} // namespace rdr::app
