// ExponentialBackoff: 800 ms → 30 s doubling with jitter, reset after a quiet period.
#include "rdr/runtime/backoff.h"

#include <algorithm>

namespace rdr::runtime {

ExponentialBackoff::ExponentialBackoff(BackoffOptions options, const Clock& clock)
    : options_(options), clock_(clock), random_(options.seed) {}

std::chrono::milliseconds ExponentialBackoff::next() {
  const MonotonicTime now = clock_.monotonic();
  // 1. The first call, or a call after a quiet period, starts at the initial delay.
  // 2. Otherwise the delay grows by the factor, capped at max.
  if (current_.count() == 0 || now - last_call_ > options_.reset_after) {
    current_ = options_.initial;
  } else {
    const auto grown = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(current_.count()) * options_.factor));
    current_ = std::min(grown, options_.max);
  }
  last_call_ = now;
  // 3. Jitter adds up to jitter×delay, so that replicas do not retry in lockstep.
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  const double extra = options_.jitter * fraction(random_) * static_cast<double>(current_.count());
  return current_ + std::chrono::milliseconds(static_cast<std::int64_t>(extra));
}

void ExponentialBackoff::reset() { current_ = std::chrono::milliseconds(0); }

} // namespace rdr::runtime
