// ManualClock: a Clock that tests move by hand.
#pragma once

#include "rdr/common/clock.h"

namespace rdr::testing {

class ManualClock final : public Clock {
public:
  explicit ManualClock(SystemTime start = SystemTime(std::chrono::seconds(1'767'225'600)))
      : now_(start), monotonic_(std::chrono::seconds(1000)) {}

  // Clock
  SystemTime now() const override { return now_; }
  MonotonicTime monotonic() const override { return monotonic_; }

  void advance(std::chrono::nanoseconds by) {
    now_ += std::chrono::duration_cast<SystemTime::duration>(by);
    monotonic_ += std::chrono::duration_cast<MonotonicTime::duration>(by);
  }

private:
  SystemTime now_;
  MonotonicTime monotonic_;
};

} // namespace rdr::testing
