// One container's readiness prober: a thread that probes every period and keeps the verdict.
#include "sandbox/nodeagent/prober.h"

#include <mutex>

#include <spdlog/spdlog.h>

#include "sandbox/nodeagent/probe.h"

namespace rdr::sandbox {

Prober::Prober(ProbeTarget target, std::chrono::milliseconds period,
               std::chrono::milliseconds timeout, int failure_threshold,
               std::function<void()> on_change)
    : target_(std::move(target)), period_(period), timeout_(timeout),
      failure_threshold_(failure_threshold < 1 ? 1 : failure_threshold),
      on_change_(std::move(on_change)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

Prober::~Prober() {
  thread_.request_stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Prober::run(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  int failures = 0;
  // A short first wait: a fresh redis-server needs a few milliseconds to listen.
  std::chrono::milliseconds wait = std::min(period_, std::chrono::milliseconds(100));
  while (true) {
    {
      std::unique_lock lock(mutex);
      if (wake.wait_for(lock, stop, wait, [] { return false; }) || stop.stop_requested()) {
        return;
      }
    }
    wait = period_;
    const auto result = probeRedis(target_.ip, target_.port, target_.password, timeout_);
    if (stop.stop_requested()) {
      return;
    }
    const bool was_ready = ready_.load();
    if (result) {
      failures = 0;
      ready_ = true;
    } else if (++failures >= failure_threshold_) {
      ready_ = false;
    }
    if (was_ready != ready_.load()) {
      if (ready_) {
        spdlog::info("The readiness probe of {} at {}:{} succeeded: it is ready.",
                     target_.description, target_.ip, target_.port);
      } else {
        spdlog::info("The readiness probe of {} failed {} times in a row ({}): it is not ready.",
                     target_.description, failures, result.error().message());
      }
      on_change_();
    }
  }
}

} // namespace rdr::sandbox
