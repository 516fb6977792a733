// Helpers for the runtime tests: a Sleeper driven by a ManualClock, bounded waits for hand-offs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "fakes/manual_clock.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::runtime::testing {

// A ManualClock that other threads may read while the test (or a FakeSleeper) moves it.
// (fakes/manual_clock.h is not synchronised; ThreadSanitizer flags it once threads share it.)
class SharedManualClock final : public Clock {
public:
  // Clock
  SystemTime now() const override {
    std::lock_guard lock(mutex_);
    return clock_.now();
  }
  MonotonicTime monotonic() const override {
    std::lock_guard lock(mutex_);
    return clock_.monotonic();
  }

  void advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mutex_);
    clock_.advance(by);
  }

private:
  mutable std::mutex mutex_;
  rdr::testing::ManualClock clock_;
};

// Records each requested sleep and moves the manual clock by it instead of waiting. hold() makes
// sleeps block until release() (or a stop request), so a test can act "during" a backoff.
class FakeSleeper final : public Sleeper {
public:
  explicit FakeSleeper(SharedManualClock& clock) : clock_(clock) {}

  // Sleeper
  bool sleepFor(std::chrono::milliseconds duration, std::stop_token stop) override {
    std::unique_lock lock(mutex_);
    sleeps_.push_back(duration);
    clock_.advance(duration);
    ++blocked_;
    cv_.notify_all();
    // A tiny real pause keeps retry loops from spinning hot; a held sleeper waits for release.
    cv_.wait_for(lock, stop, held_ ? std::chrono::milliseconds(10'000) : std::chrono::milliseconds(1),
                 [&] { return !held_ && released_; });
    --blocked_;
    return !stop.stop_requested();
  }

  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
    released_ = false;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    released_ = true;
    cv_.notify_all();
  }
  int blocked() {
    std::lock_guard lock(mutex_);
    return blocked_;
  }
  std::vector<std::chrono::milliseconds> sleeps() {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

private:
  SharedManualClock& clock_;
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::vector<std::chrono::milliseconds> sleeps_;
  bool held_ = false;
  bool released_ = false;
  int blocked_ = 0;
};

// Polls `condition` until it holds or `timeout` passes (for hand-offs to other threads only).
inline bool waitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return condition();
}

} // namespace rdr::runtime::testing
