// One container's readiness prober: a thread that probes every period and keeps the verdict.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

namespace rdr::sandbox {

struct ProbeTarget {
  std::string ip;
  int port = 0;
  std::optional<std::string> password; // AUTH first when set (never logged)
  std::string description;             // "container redis of pod apps/cache-0", for logs
};

// The verdict follows the kubelet's readiness rules:
// 1. not ready until the first success;
// 2. ready after any success;
// 3. not ready after `failure_threshold` consecutive failures.
// `on_change` runs on the prober's thread whenever the verdict flips.
class Prober {
public:
  Prober(ProbeTarget target, std::chrono::milliseconds period, std::chrono::milliseconds timeout,
         int failure_threshold, std::function<void()> on_change);
  ~Prober(); // stops and joins (waits for a probe in flight: at most its timeout)

  // Asks the thread to end without waiting, so that many probers stop in parallel.
  void requestStop() { thread_.request_stop(); }
  bool ready() const { return ready_.load(); }

private:
  void run(std::stop_token stop);

  const ProbeTarget target_;
  const std::chrono::milliseconds period_;
  const std::chrono::milliseconds timeout_;
  const int failure_threshold_;
  const std::function<void()> on_change_;
  std::atomic<bool> ready_{false};
  std::jthread thread_; // last: started after every member above exists
};

} // namespace rdr::sandbox
