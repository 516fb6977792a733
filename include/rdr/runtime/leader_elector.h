// LeaderElector: leader election on a coordination.k8s.io/v1 Lease (client-go leaderelection).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/kube/client.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::runtime {

// The callbacks run on the elector's thread and must return promptly (start or stop workers, not
// run them). Never keep reconciling after on_stopped_leading: the process is expected to exit.
struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity; // unique per replica: hostname_uuid
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  bool release_on_cancel = true;
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

// client-go's rule: LeaseDuration > RenewDeadline > 1.2 × RetryPeriod, all positive, identity set.
Status validateLeaderElectionConfig(const LeaderElectionConfig& config);

class LeaderElector {
public:
  // The config must have passed validateLeaderElectionConfig.
  LeaderElector(kube::Client& client, LeaderElectionConfig config, const Clock& clock,
                Sleeper& sleeper);
  ~LeaderElector();

  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // One attempt (GET/POST/PUT of the Lease). @return true when we hold the lease afterwards.
  bool tryAcquireOrRenew();
  // Gives the lease up (holderIdentity "", leaseDurationSeconds 1) when we hold it.
  Status release();

  // Runs acquire → lead (renew) on a thread until stop() or until leadership is lost.
  void start();
  // Ends the loop, releases the lease if configured, calls on_stopped_leading if we led.
  // on_stopped_leading runs on the elector's thread, or on its deadline watchdog's when a renewal
  // hangs past renewDeadline; calling stop() from it is safe.
  void stop();

  bool isLeader() const { return leading_.load(); }
  std::string observedLeader() const;

private:
  void run(std::stop_token stop);
  // While leading: wakes every few hundred milliseconds and stops leading once no renewal
  // succeeded for renewDeadline, even while a renewal request still hangs (client-go bounds the
  // whole renew loop by the deadline; our requests have their own, longer, timeout).
  void watchRenewDeadline(std::stop_token stop);
  // Leaves leadership once: leading_ false, on_stopped_leading called exactly one time.
  void stopLeading();
  bool holdsFreshRecordLocked() const;
  nlohmann::json recordFor(const nlohmann::json& old_spec, bool keep_acquire_time) const;
  void observeLocked(const nlohmann::json& lease);
  std::chrono::milliseconds jittered(std::chrono::milliseconds period);

  kube::Client& client_;
  const LeaderElectionConfig config_;
  const Clock& clock_;
  Sleeper& sleeper_;

  mutable std::mutex mutex_;
  std::optional<nlohmann::json> observed_lease_; // the whole Lease as last read or written
  nlohmann::json observed_spec_ = nlohmann::json::object(); // its spec, to notice changes
  MonotonicTime observed_time_{};                // local time the spec last changed
  std::string reported_leader_;
  std::atomic<bool> leading_{false};
  std::atomic<bool> stopped_leading_{false};
  std::atomic<MonotonicTime::rep> last_renewal_{0}; // clock_.monotonic() ticks of the last renewal
  std::atomic<std::thread::id> watchdog_id_{};      // so stop() from a callback never joins itself
  std::uint32_t jitter_state_ = 1;
  std::jthread thread_;
};

} // namespace rdr::runtime
