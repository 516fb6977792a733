// Rate limiters for the work queue (client-go's util/workqueue default_rate_limiters.go).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "rdr/common/clock.h"
#include "rdr/kube/resource.h"

namespace rdr::runtime {

class RateLimiter {
public:
  virtual ~RateLimiter() = default;

  // @return how long to wait before `key` may be processed again; counts a failure.
  virtual std::chrono::milliseconds when(const kube::ObjectKey& key) = 0;
  // Stops tracking `key` (it succeeded, or will not be retried).
  virtual void forget(const kube::ObjectKey& key) = 0;
  // @return the failures counted for `key` since the last forget.
  virtual int numRequeues(const kube::ObjectKey& key) = 0;
};

// delay = base · 2^failures, capped at max.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
public:
  ItemExponentialFailureRateLimiter(std::chrono::milliseconds base = std::chrono::milliseconds(5),
                                    std::chrono::milliseconds max = std::chrono::seconds(1000));

  // RateLimiter
  std::chrono::milliseconds when(const kube::ObjectKey& key) override;
  void forget(const kube::ObjectKey& key) override;
  int numRequeues(const kube::ObjectKey& key) override;

private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds max_;
  std::mutex mutex_;
  std::map<kube::ObjectKey, int> failures_;
};

// One token bucket for all keys: `rate` tokens per second, at most `burst` saved up.
class BucketRateLimiter final : public RateLimiter {
public:
  BucketRateLimiter(double rate, int burst, const Clock& clock);

  // RateLimiter
  std::chrono::milliseconds when(const kube::ObjectKey& key) override;
  void forget(const kube::ObjectKey&) override {}
  int numRequeues(const kube::ObjectKey&) override { return 0; }

private:
  double rate_;
  double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  MonotonicTime last_;
};

// The longest delay of its parts; forget and numRequeues go to all of them.
class MaxOfRateLimiter final : public RateLimiter {
public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  // RateLimiter
  std::chrono::milliseconds when(const kube::ObjectKey& key) override;
  void forget(const kube::ObjectKey& key) override;
  int numRequeues(const kube::ObjectKey& key) override;

private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// MaxOf(ItemExponentialFailure(5 ms, 1000 s), Bucket(10/s, burst 100)): client-go's default.
std::unique_ptr<RateLimiter> defaultControllerRateLimiter(const Clock& clock);

} // namespace rdr::runtime
