// SIGTERM/SIGINT handling with a blocked mask and sigwait: no handler runs inside other threads.
#include "signals.h"

#include <pthread.h>
#include <signal.h>

namespace rdr::app {
namespace {

sigset_t shutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

} // namespace

bool blockShutdownSignals() {
  const sigset_t set = shutdownSignals();
  return pthread_sigmask(SIG_BLOCK, &set, nullptr) == 0;
}

int waitForShutdownSignal() {
  const sigset_t set = shutdownSignals();
  int received = 0;
  if (sigwait(&set, &received) != 0) {
    return -1; // only for an invalid set, which shutdownSignals() never builds
  }
  return received;
}

const char* signalName(int signal) {
  switch (signal) {
  case SIGTERM:
    return "SIGTERM";
  case SIGINT:
    return "SIGINT";
  default:
    return "an unexpected signal";
  }
}

} // namespace rdr::app
