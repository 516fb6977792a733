// Shutdown signals: blocked in every thread from the start, then awaited by the manager's thread.
#pragma once

namespace rdr::app {

// Blocks SIGTERM and SIGINT in the calling thread; threads created afterwards inherit the mask,
// so no thread is interrupted by them and waitForShutdownSignal() receives them. Call it in main
// before anything starts a thread. @return false when the mask cannot be changed.
bool blockShutdownSignals();

// Waits for SIGTERM or SIGINT (blocked before by blockShutdownSignals). @return its number, -1
// when sigwait fails.
int waitForShutdownSignal();

// "SIGTERM", "SIGINT", else "an unexpected signal", for the shutdown log line.
const char* signalName(int signal);

} // namespace rdr::app
