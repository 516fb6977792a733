// Two and three LeaderElectors on one Lease of the emulator: one leader, handover, expiry takeover.
#include <atomic>
#include <optional>

#include "emulator_fixture.h"
#include "rdr/common/time_format.h"
#include "rdr/runtime/leader_elector.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::client_emulator {
namespace {

using Clock = std::chrono::steady_clock;

// Leadership intervals per identity: from on_started_leading until the guarded work stops (as the
// manager does, right before it stops the elector) or on_stopped_leading, whichever comes first.
class Intervals {
public:
  void started(const std::string& id) {
    std::lock_guard lock(mutex_);
    open_[id] = Clock::now();
  }
  void ended(const std::string& id) {
    std::lock_guard lock(mutex_);
    if (const auto it = open_.find(id); it != open_.end()) {
      closed_.push_back({id, it->second, Clock::now()});
      open_.erase(it);
    }
  }
  // @return a description of the first overlap of two identities' intervals, or "".
  std::string overlap() const {
    std::lock_guard lock(mutex_);
    auto all = closed_;
    for (const auto& [id, start] : open_) {
      all.push_back({id, start, Clock::time_point::max()});
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
      for (std::size_t j = i + 1; j < all.size(); ++j) {
        if (all[i].start < all[j].end && all[j].start < all[i].end) {
          return all[i].id + " and " + all[j].id + " led at the same time";
        }
      }
    }
    return "";
  }
  std::size_t count(const std::string& id) const {
    std::lock_guard lock(mutex_);
    std::size_t n = open_.contains(id) ? 1 : 0;
    for (const auto& interval : closed_) {
      n += interval.id == id ? 1 : 0;
    }
    return n;
  }

private:
  struct Interval {
    std::string id;
    Clock::time_point start;
    Clock::time_point end;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Clock::time_point> open_;
  std::vector<Interval> closed_;
};

class Candidate {
public:
  Candidate(std::unique_ptr<kube::RestClient> client, const std::string& id, bool release,
            Intervals& intervals, const rdr::Clock& clock)
      : id_(id), client_(std::move(client)), intervals_(intervals) {
    runtime::LeaderElectionConfig config;
    config.lease_namespace = "default";
    config.lease_name = "ce-leader";
    config.identity = id;
    config.lease_duration = 2000ms;
    config.renew_deadline = 1200ms;
    config.retry_period = 200ms;
    config.release_on_cancel = release;
    config.on_started_leading = [this] { intervals_.started(id_); };
    config.on_stopped_leading = [this] { intervals_.ended(id_); };
    valid_ = static_cast<bool>(runtime::validateLeaderElectionConfig(config));
    elector_ = std::make_unique<runtime::LeaderElector>(*client_, std::move(config), clock,
                                                        runtime::RealSleeper::instance());
  }
  ~Candidate() { stop(); }

  bool valid() const { return valid_; }
  void start() { elector_->start(); }
  // Stops the guarded work first, then the elector (release or not, as configured).
  void stop() {
    intervals_.ended(id_);
    elector_->stop();
  }
  bool leads() const { return elector_->isLeader(); }
  std::string observedLeader() const { return elector_->observedLeader(); }

private:
  std::string id_;
  std::unique_ptr<kube::RestClient> client_;
  Intervals& intervals_;
  bool valid_ = false;
  std::unique_ptr<runtime::LeaderElector> elector_;
};

// Samples isLeader() of every candidate until stopped; counts the samples with two leaders.
class Sampler {
public:
  explicit Sampler(std::vector<const Candidate*> candidates)
      : candidates_(std::move(candidates)), thread_([this](std::stop_token stop) {
          while (!stop.stop_requested()) {
            int leaders = 0;
            for (const Candidate* c : candidates_) {
              leaders += c->leads() ? 1 : 0;
            }
            if (leaders > 1) {
              ++violations_;
            }
            std::this_thread::sleep_for(2ms);
          }
        }) {}
  int violations() const { return violations_.load(); }

private:
  std::vector<const Candidate*> candidates_;
  std::atomic<int> violations_{0};
  std::jthread thread_;
};

TEST_F(ClientEmulatorTest, LeaseHandsOverOnReleaseAndAfterExpiryWithoutTwoLeaders) {
  Intervals intervals;
  Candidate a(newClient(), "replica-a", /*release=*/true, intervals, clock_);
  Candidate b(newClient(), "replica-b", /*release=*/false, intervals, clock_);
  Candidate c(newClient(), "replica-c", /*release=*/true, intervals, clock_);
  ASSERT_TRUE(a.valid() && b.valid() && c.valid());
  Sampler sampler({&a, &b, &c});

  // 1. a leads; b joins and stays out while a renews (longer than the lease duration).
  a.start();
  ASSERT_TRUE(waitUntil([&] { return a.leads(); }));
  b.start();
  ASSERT_TRUE(waitUntil([&] { return b.observedLeader() == "replica-a"; }));
  const auto quiet_until = Clock::now() + 2500ms;
  while (Clock::now() < quiet_until) {
    ASSERT_TRUE(a.leads()) << "a lost the lease while renewing";
    ASSERT_FALSE(b.leads());
    std::this_thread::sleep_for(20ms);
  }

  // 2. a stops and releases: b leads at once, well before a lease duration.
  a.stop();
  const auto released = Clock::now();
  ASSERT_TRUE(waitUntil([&] { return b.leads(); }, 5000ms));
  const auto handover = Clock::now() - released;
  EXPECT_LT(handover, 1200ms) << "a released lease must be taken without waiting for expiry";

  // 3. c joins; b stops without releasing (a crash): c waits for the lease to expire by its own
  //    observation, then takes over.
  c.start();
  ASSERT_TRUE(waitUntil([&] { return c.observedLeader() == "replica-b"; }));
  b.stop();
  const auto killed = Clock::now();
  ASSERT_FALSE(b.leads());
  // b's last renewal, as written on the lease: c may not take over until a lease duration later.
  auto abandoned = client_->get(kube::resources::leases(), {"default", "ce-leader"});
  ASSERT_TRUE(abandoned) << abandoned.error().toString();
  ASSERT_EQ((*abandoned)["spec"].value("holderIdentity", ""), "replica-b");
  auto last_renewal = parseRfc3339((*abandoned)["spec"].value("renewTime", ""));
  ASSERT_TRUE(last_renewal) << last_renewal.error().toString();
  ASSERT_TRUE(waitUntil([&] { return c.leads(); }, 8000ms));
  EXPECT_GE(std::chrono::system_clock::now() - *last_renewal, 2000ms)
      << "c took a lease that had not expired";
  const auto takeover = Clock::now() - killed;
  EXPECT_GT(takeover, handover);
  EXPECT_LT(takeover, 6000ms);
  c.stop();

  EXPECT_EQ(intervals.overlap(), "");
  EXPECT_EQ(sampler.violations(), 0);
  EXPECT_EQ(intervals.count("replica-a"), 1u);
  EXPECT_EQ(intervals.count("replica-b"), 1u);
  EXPECT_EQ(intervals.count("replica-c"), 1u);
  // c released on stop: the lease is free.
  auto lease = client_->get(kube::resources::leases(), {"default", "ce-leader"});
  ASSERT_TRUE(lease) << lease.error().toString();
  EXPECT_EQ((*lease)["spec"].value("holderIdentity", ""), "");
  EXPECT_GE((*lease)["spec"].value("leaseTransitions", 0), 2);
}

} // namespace
} // namespace rdr::client_emulator
