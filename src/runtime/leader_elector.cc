// LeaderElector: tryAcquireOrRenew on a Lease, the acquire/renew loop, release on shutdown.
#include "rdr/runtime/leader_elector.h"

#include <algorithm>
#include <condition_variable>

#include <spdlog/spdlog.h>

#include "rdr/common/time_format.h"

namespace rdr::runtime {
namespace {

using nlohmann::json;

constexpr double kJitterFactor = 1.2;

std::chrono::seconds toSeconds(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

} // namespace

Status validateLeaderElectionConfig(const LeaderElectionConfig& config) {
  if (config.identity.empty()) {
    return Error(ErrorCode::Invalid, "leader election needs a non-empty identity");
  }
  if (config.lease_name.empty() || config.lease_namespace.empty()) {
    return Error(ErrorCode::Invalid, "leader election needs the lease's namespace and name");
  }
  if (config.retry_period.count() <= 0 || config.renew_deadline.count() <= 0 ||
      config.lease_duration.count() <= 0) {
    return Error(ErrorCode::Invalid, "leader election durations must be positive");
  }
  if (config.lease_duration <= config.renew_deadline) {
    return Error(ErrorCode::Invalid, "leaseDuration must be greater than renewDeadline");
  }
  if (static_cast<double>(config.renew_deadline.count()) <=
      kJitterFactor * static_cast<double>(config.retry_period.count())) {
    return Error(ErrorCode::Invalid, "renewDeadline must be greater than retryPeriod*1.2");
  }
  return okStatus();
}

LeaderElector::LeaderElector(kube::Client& client, LeaderElectionConfig config, const Clock& clock,
                             Sleeper& sleeper)
    : client_(client), config_(std::move(config)), clock_(clock), sleeper_(sleeper) {}

LeaderElector::~LeaderElector() { stop(); }

std::string LeaderElector::observedLeader() const {
  std::lock_guard lock(mutex_);
  return observed_spec_.value("holderIdentity", "");
}

bool LeaderElector::holdsFreshRecordLocked() const {
  if (!observed_lease_ || observed_spec_.value("holderIdentity", "") != config_.identity) {
    return false;
  }
  const auto duration = std::chrono::seconds(observed_spec_.value("leaseDurationSeconds", 0));
  return observed_time_ + duration > clock_.monotonic();
}

json LeaderElector::recordFor(const json& old_spec, bool keep_acquire_time) const {
  const std::string now = formatRfc3339Micro(clock_.now());
  const bool same_holder = old_spec.value("holderIdentity", "") == config_.identity;
  const int transitions = old_spec.value("leaseTransitions", 0);
  const bool new_lease = old_spec.empty();
  return {{"holderIdentity", config_.identity},
          {"leaseDurationSeconds", toSeconds(config_.lease_duration).count()},
          {"acquireTime",
           keep_acquire_time && same_holder ? old_spec.value("acquireTime", now) : now},
          {"renewTime", now},
          {"leaseTransitions", same_holder || new_lease ? transitions : transitions + 1}};
}

// Remembers a lease we read or wrote; the observation time moves only when its spec changed.
void LeaderElector::observeLocked(const json& lease) {
  json spec = lease.value("spec", json::object());
  if (!spec.is_object()) {
    spec = json::object();
  }
  if (spec != observed_spec_) {
    observed_spec_ = spec;
    observed_time_ = clock_.monotonic();
  }
  observed_lease_ = lease;
  const std::string holder = spec.value("holderIdentity", "");
  if (holder != reported_leader_) {
    reported_leader_ = holder;
    if (!holder.empty()) {
      spdlog::info("The lease {}/{} is now held by {}.", config_.lease_namespace,
                   config_.lease_name, holder);
      if (config_.on_new_leader) {
        config_.on_new_leader(holder);
      }
    }
  }
}

// Rules (client-go leaderelection.go tryAcquireOrRenew):
// 1. Fast path: while we hold a fresh record, PUT the renewal on the lease we last saw.
// 2. Otherwise GET the lease; when there is none, POST one naming us.
// 3. Expiry is judged by the local time we first saw the current record, plus its
//    leaseDurationSeconds, never by renewTime (the other replica's clock may be skewed).
// 4. Another holder with an unexpired record wins; an empty holder (released) is free at once.
// 5. Taking over from someone else starts a new acquireTime and counts a transition.
bool LeaderElector::tryAcquireOrRenew() {
  std::lock_guard lock(mutex_);
  const kube::Resource leases = kube::resources::leases();
  const kube::ObjectKey key{config_.lease_namespace, config_.lease_name};
  if (holdsFreshRecordLocked()) {
    json lease = *observed_lease_;
    lease["spec"] = recordFor(observed_spec_, true);
    auto renewed = client_.update(leases, lease);
    if (renewed) {
      observeLocked(*renewed);
      return true;
    }
    spdlog::debug("Renewing the lease {} failed: {}.", key.toString(), renewed.error().toString());
  }
  auto current = client_.get(leases, key);
  if (!current) {
    if (!current.error().is(ErrorCode::NotFound)) {
      spdlog::warn("Reading the lease {} failed: {}.", key.toString(), current.error().toString());
      return false;
    }
    json lease = {{"apiVersion", leases.apiVersion()},
                  {"kind", leases.kind},
                  {"metadata", {{"name", key.name}, {"namespace", key.namespace_}}},
                  {"spec", recordFor(json::object(), false)}};
    auto created = client_.create(leases, lease);
    if (!created) {
      spdlog::info("Creating the lease {} failed: {}.", key.toString(), created.error().toString());
      return false;
    }
    observeLocked(*created);
    return true;
  }
  observeLocked(*current);
  const std::string holder = observed_spec_.value("holderIdentity", "");
  const auto duration = std::chrono::seconds(observed_spec_.value("leaseDurationSeconds", 0));
  if (!holder.empty() && holder != config_.identity &&
      observed_time_ + duration > clock_.monotonic()) {
    return false;
  }
  json lease = *current;
  lease["spec"] = recordFor(observed_spec_, true);
  auto written = client_.update(leases, lease);
  if (!written) {
    spdlog::info("Taking the lease {} failed: {}.", key.toString(), written.error().toString());
    return false;
  }
  observeLocked(*written);
  return true;
}

Status LeaderElector::release() {
  std::lock_guard lock(mutex_);
  if (!observed_lease_ || observed_spec_.value("holderIdentity", "") != config_.identity) {
    return okStatus();
  }
  const std::string now = formatRfc3339Micro(clock_.now());
  json lease = *observed_lease_;
  lease["spec"] = {{"holderIdentity", ""},
                   {"leaseDurationSeconds", 1},
                   {"acquireTime", now},
                   {"renewTime", now},
                   {"leaseTransitions", observed_spec_.value("leaseTransitions", 0)}};
  auto written = client_.update(kube::resources::leases(), lease);
  if (!written) {
    return written.error().wrap("while releasing the lease " + config_.lease_name);
  }
  observeLocked(*written);
  spdlog::info("Released the lease {}/{}.", config_.lease_namespace, config_.lease_name);
  return okStatus();
}

std::chrono::milliseconds LeaderElector::jittered(std::chrono::milliseconds period) {
  // wait.JitterUntil: period + random·1.2·period (a small LCG keeps tests reproducible).
  jitter_state_ = jitter_state_ * 1'103'515'245u + 12'345u;
  const double fraction = static_cast<double>((jitter_state_ >> 8) % 1000) / 1000.0;
  return period + std::chrono::milliseconds(static_cast<std::int64_t>(
                      fraction * kJitterFactor * static_cast<double>(period.count())));
}

void LeaderElector::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void LeaderElector::stop() {
  const bool from_callback = std::this_thread::get_id() == watchdog_id_.load() ||
                             (thread_.joinable() && thread_.get_id() == std::this_thread::get_id());
  if (thread_.joinable() && from_callback) {
    thread_.request_stop(); // called from a callback on our own thread: the loop ends by itself
    return;
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void LeaderElector::run(std::stop_token stop) {
  while (!stop.stop_requested() && !tryAcquireOrRenew()) {
    if (!sleeper_.sleepFor(jittered(config_.retry_period), stop)) {
      return;
    }
  }
  if (stop.stop_requested()) {
    return;
  }
  spdlog::info("{} became the leader on the lease {}/{}.", config_.identity,
               config_.lease_namespace, config_.lease_name);
  leading_.store(true);
  last_renewal_.store(clock_.monotonic().time_since_epoch().count());
  if (config_.on_started_leading) {
    config_.on_started_leading();
  }
  std::jthread watchdog([this](std::stop_token watch_stop) { watchRenewDeadline(watch_stop); });
  while (!stopped_leading_.load() && sleeper_.sleepFor(config_.retry_period, stop)) {
    if (tryAcquireOrRenew()) {
      last_renewal_.store(clock_.monotonic().time_since_epoch().count());
      continue;
    }
    // Renewal failed for longer than renewDeadline: we can no longer be sure we lead. Stop now.
    const MonotonicTime last{MonotonicTime::duration(last_renewal_.load())};
    if (clock_.monotonic() - last >= config_.renew_deadline) {
      spdlog::error("{} lost the lease {}/{}: no renewal for {} ms.", config_.identity,
                    config_.lease_namespace, config_.lease_name,
                    config_.renew_deadline.count());
      break;
    }
  }
  watchdog.request_stop();
  watchdog.join();
  watchdog_id_.store(std::thread::id());
  if (stop.stop_requested() && !stopped_leading_.load() && config_.release_on_cancel) {
    leading_.store(false);
    if (Status released = release(); !released) {
      spdlog::warn("Releasing the lease failed: {}.", released.error().toString());
    }
  }
  stopLeading();
}

void LeaderElector::watchRenewDeadline(std::stop_token stop) {
  watchdog_id_.store(std::this_thread::get_id());
  std::mutex mutex;
  std::condition_variable_any wake;
  const auto poll = std::min<std::chrono::milliseconds>(config_.retry_period,
                                                        std::chrono::milliseconds(200));
  std::unique_lock lock(mutex);
  while (!wake.wait_for(lock, stop, poll, [] { return false; })) {
    if (stop.stop_requested()) {
      return;
    }
    const MonotonicTime last{MonotonicTime::duration(last_renewal_.load())};
    if (clock_.monotonic() - last >= config_.renew_deadline) {
      spdlog::error("{} lost the lease {}/{}: no renewal for {} ms while a renewal is still in "
                    "flight.",
                    config_.identity, config_.lease_namespace, config_.lease_name,
                    config_.renew_deadline.count());
      stopLeading();
      return;
    }
  }
}

void LeaderElector::stopLeading() {
  if (stopped_leading_.exchange(true)) {
    return;
  }
  leading_.store(false);
  if (config_.on_stopped_leading) {
    config_.on_stopped_leading();
  }
}

} // namespace rdr::runtime
