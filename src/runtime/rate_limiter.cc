// The work queue's rate limiters: per-key exponential failure backoff and an overall token bucket.
#include "rdr/runtime/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace rdr::runtime {

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(
    std::chrono::milliseconds base, std::chrono::milliseconds max)
    : base_(base), max_(max) {}

std::chrono::milliseconds ItemExponentialFailureRateLimiter::when(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  const int failures = failures_[key]++;
  // base · 2^failures in floating point, so that a large exponent saturates instead of overflowing.
  const double delay = static_cast<double>(base_.count()) * std::pow(2.0, failures);
  if (delay >= static_cast<double>(max_.count())) {
    return max_;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

void ItemExponentialFailureRateLimiter::forget(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int ItemExponentialFailureRateLimiter::numRequeues(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(double rate, int burst, const Clock& clock)
    : rate_(rate), burst_(burst), clock_(clock), tokens_(burst), last_(clock.monotonic()) {}

std::chrono::milliseconds BucketRateLimiter::when(const kube::ObjectKey& /*key*/) {
  std::lock_guard lock(mutex_);
  // Like golang.org/x/time/rate Reserve(): refill for the elapsed time (at most burst), take one
  // token, and when the bucket went negative wait until the debt is paid back.
  const MonotonicTime now = clock_.monotonic();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(-tokens_ / rate_ * 1000.0)));
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

std::chrono::milliseconds MaxOfRateLimiter::when(const kube::ObjectKey& key) {
  std::chrono::milliseconds longest{0};
  for (const auto& limiter : limiters_) {
    longest = std::max(longest, limiter->when(key));
  }
  return longest;
}

void MaxOfRateLimiter::forget(const kube::ObjectKey& key) {
  for (const auto& limiter : limiters_) {
    limiter->forget(key);
  }
}

int MaxOfRateLimiter::numRequeues(const kube::ObjectKey& key) {
  int most = 0;
  for (const auto& limiter : limiters_) {
    most = std::max(most, limiter->numRequeues(key));
  }
  return most;
}

std::unique_ptr<RateLimiter> defaultControllerRateLimiter(const Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> parts;
  parts.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(
      std::chrono::milliseconds(5), std::chrono::seconds(1000)));
  parts.push_back(std::make_unique<BucketRateLimiter>(10.0, 100, clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(parts));
}

} // namespace rdr::runtime
