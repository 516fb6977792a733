// RealSleeper: a condition-variable wait that a stop request interrupts.
#include "rdr/runtime/sleeper.h"

#include <condition_variable>
#include <mutex>

namespace rdr::runtime {

bool RealSleeper::sleepFor(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  return !cv.wait_for(lock, stop, duration, [] { return false; }) && !stop.stop_requested();
}

RealSleeper& RealSleeper::instance() {
  static RealSleeper sleeper;
  return sleeper;
}

} // namespace rdr::runtime
