// The injected clock: production code asks a Clock for the time, tests drive a ManualClock.
#pragma once

#include <chrono>

namespace rdr {

using SystemTime = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;

class Clock {
public:
  virtual ~Clock() = default;

  // @return the wall-clock time, for timestamps written to the API (lastTransitionTime, events).
  virtual SystemTime now() const = 0;

  // @return a monotonic time, for timeouts and durations that must not jump with the wall clock.
  virtual MonotonicTime monotonic() const = 0;
};

class SystemClock final : public Clock {
public:
  // Clock
  SystemTime now() const override { return std::chrono::system_clock::now(); }
  MonotonicTime monotonic() const override { return std::chrono::steady_clock::now(); }

  // The process-wide real clock, for wiring in app/ and sandbox/.
  static SystemClock& instance();
};

} // namespace rdr
