// WorkQueue: client-go's rate-limited, delaying, de-duplicating queue of object keys.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "rdr/common/clock.h"
#include "rdr/kube/resource.h"
#include "rdr/runtime/rate_limiter.h"

namespace rdr::runtime {

// Rules (client-go util/workqueue queue.go, delaying_queue.go, rate_limiting_queue.go):
// 1. A key waiting in the queue is there once (dirty set); adding it again does nothing.
// 2. A key being processed is never handed to a second worker; adding it meanwhile parks it,
//    and done() puts it back in the queue.
// 3. addAfter holds a key until the clock reaches its time; the earliest time wins.
// 4. After shutDown nothing new is accepted; get() drains what is queued, then returns nothing.
class WorkQueue {
public:
  WorkQueue(const Clock& clock, std::unique_ptr<RateLimiter> limiter);

  void add(const kube::ObjectKey& key);
  void addAfter(const kube::ObjectKey& key, std::chrono::milliseconds delay);
  void addRateLimited(const kube::ObjectKey& key);
  void forget(const kube::ObjectKey& key);
  int numRequeues(const kube::ObjectKey& key);

  // Blocks until a key is ready or the queue is shut down and drained (then nothing).
  std::optional<kube::ObjectKey> get();
  // Like get() but returns nothing at once when no key is ready.
  std::optional<kube::ObjectKey> tryGet();
  // Marks the key's processing finished (rule 2).
  void done(const kube::ObjectKey& key);

  void shutDown();
  bool isShuttingDown() const;
  // Wakes blocked get() calls so they see that a (manual) clock has moved.
  void notifyClockAdvanced();

  // Keys ready to hand out (delayed keys that are due count).
  std::size_t len();
  std::size_t delayedLen();
  std::size_t processingLen();

private:
  void promoteDueLocked();
  void addLocked(const kube::ObjectKey& key);
  std::optional<kube::ObjectKey> popLocked();

  const Clock& clock_;
  std::unique_ptr<RateLimiter> limiter_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<kube::ObjectKey> queue_;
  std::set<kube::ObjectKey> dirty_;
  std::set<kube::ObjectKey> processing_;
  std::map<kube::ObjectKey, MonotonicTime> waiting_; // addAfter: key -> ready time
  bool shutting_down_ = false;
};

} // namespace rdr::runtime
