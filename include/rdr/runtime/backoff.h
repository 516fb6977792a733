// Exponential backoff with jitter and a quiet-period reset (client-go's ExponentialBackoffManager).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "rdr/common/clock.h"

namespace rdr::runtime {

struct BackoffOptions {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30'000};
  std::chrono::milliseconds reset_after{120'000}; // quiet time after which we start over
  double factor = 2.0;
  double jitter = 1.0; // each delay grows by a random fraction in [0, jitter) of itself
  std::uint32_t seed = 0x5eed;
};

class ExponentialBackoff {
public:
  ExponentialBackoff(BackoffOptions options, const Clock& clock);

  // @return the next delay: initial, then ×factor up to max, plus jitter; back to initial when
  // the previous call was longer than reset_after ago.
  std::chrono::milliseconds next();

  // Starts over at the initial delay.
  void reset();

private:
  BackoffOptions options_;
  const Clock& clock_;
  std::mt19937 random_;
  std::chrono::milliseconds current_{0};
  MonotonicTime last_call_{};
};

} // namespace rdr::runtime
