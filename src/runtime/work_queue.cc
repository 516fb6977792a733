// WorkQueue: dirty/processing sets, delayed keys by ready time, drain on shutdown.
#include "rdr/runtime/work_queue.h"

#include <algorithm>

namespace rdr::runtime {
namespace {

// While delayed keys wait, a blocked get() re-reads the clock at least this often, so that a clock
// that jumps (a manual one in tests) is noticed even without notifyClockAdvanced().
constexpr std::chrono::milliseconds kMaxDelayedWait{1000};

} // namespace

WorkQueue::WorkQueue(const Clock& clock, std::unique_ptr<RateLimiter> limiter)
    : clock_(clock), limiter_(std::move(limiter)) {}

void WorkQueue::add(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  addLocked(key);
}

void WorkQueue::addLocked(const kube::ObjectKey& key) {
  if (shutting_down_ || dirty_.contains(key)) {
    return;
  }
  dirty_.insert(key);
  waiting_.erase(key);
  if (processing_.contains(key)) {
    return; // parked: done() re-queues it (rule 2)
  }
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::addAfter(const kube::ObjectKey& key, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) {
    return;
  }
  if (delay.count() <= 0) {
    addLocked(key);
    return;
  }
  const MonotonicTime ready = clock_.monotonic() + delay;
  auto it = waiting_.find(key);
  if (it == waiting_.end() || ready < it->second) {
    waiting_[key] = ready;
  }
  cv_.notify_all();
}

void WorkQueue::addRateLimited(const kube::ObjectKey& key) { addAfter(key, limiter_->when(key)); }

void WorkQueue::forget(const kube::ObjectKey& key) { limiter_->forget(key); }

int WorkQueue::numRequeues(const kube::ObjectKey& key) { return limiter_->numRequeues(key); }

void WorkQueue::promoteDueLocked() {
  const MonotonicTime now = clock_.monotonic();
  std::vector<std::pair<MonotonicTime, kube::ObjectKey>> due;
  for (const auto& [key, ready] : waiting_) {
    if (ready <= now) {
      due.emplace_back(ready, key);
    }
  }
  std::sort(due.begin(), due.end());
  for (const auto& [ready, key] : due) {
    waiting_.erase(key);
    addLocked(key);
  }
}

std::optional<kube::ObjectKey> WorkQueue::popLocked() {
  promoteDueLocked();
  if (queue_.empty()) {
    return std::nullopt;
  }
  kube::ObjectKey key = queue_.front();
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

std::optional<kube::ObjectKey> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (auto key = popLocked()) {
      return key;
    }
    if (shutting_down_) {
      return std::nullopt;
    }
    if (waiting_.empty()) {
      cv_.wait(lock); // add, addAfter, done and shutDown notify
      continue;
    }
    const MonotonicTime earliest =
        std::min_element(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
          return a.second < b.second;
        })->second;
    cv_.wait_for(lock, std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      earliest - clock_.monotonic()),
                                  std::chrono::milliseconds(1), kMaxDelayedWait));
  }
}

std::optional<kube::ObjectKey> WorkQueue::tryGet() {
  std::lock_guard lock(mutex_);
  return popLocked();
}

void WorkQueue::done(const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::shutDown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  waiting_.clear();
  cv_.notify_all();
}

bool WorkQueue::isShuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

void WorkQueue::notifyClockAdvanced() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

std::size_t WorkQueue::len() {
  std::lock_guard lock(mutex_);
  promoteDueLocked();
  return queue_.size();
}

std::size_t WorkQueue::delayedLen() {
  std::lock_guard lock(mutex_);
  promoteDueLocked();
  return waiting_.size();
}

std::size_t WorkQueue::processingLen() {
  std::lock_guard lock(mutex_);
  return processing_.size();
}

} // namespace rdr::runtime
