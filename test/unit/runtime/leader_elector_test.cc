// Tests of leader election on a Lease: acquire, expiry by local observation, release, renew loss.
#include "rdr/runtime/leader_elector.h"

#include <atomic>
#include <mutex>
#include <condition_variable>
#include <regex>

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.h"
#include "unit/runtime/test_support.h"

namespace rdr::runtime {
namespace {

using rdr::testing::Verb;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Delegates to a FakeKubeClient, but Lease updates block while `hang` is set, like a request to
// an API server that stopped answering (the real client would wait for its 30 s timeout).
class HangingUpdateClient final : public kube::Client {
public:
  explicit HangingUpdateClient(kube::Client& inner) : inner_(inner) {}

  void hang() {
    std::lock_guard lock(mutex_);
    hang_ = true;
  }
  void answer() {
    std::lock_guard lock(mutex_);
    hang_ = false;
    wake_.notify_all();
  }
  int hanging() {
    std::lock_guard lock(mutex_);
    return hanging_;
  }

  // kube::Client
  Result<nlohmann::json> get(const kube::Resource& r, const kube::ObjectKey& k) override {
    return inner_.get(r, k);
  }
  Result<kube::ListResult> list(const kube::Resource& r, const std::string& ns,
                                const kube::ListOptions& o) override {
    return inner_.list(r, ns, o);
  }
  Result<nlohmann::json> create(const kube::Resource& r, const nlohmann::json& o) override {
    return inner_.create(r, o);
  }
  Result<nlohmann::json> update(const kube::Resource& r, const nlohmann::json& o) override {
    std::unique_lock lock(mutex_);
    ++hanging_;
    wake_.wait(lock, [&] { return !hang_; });
    --hanging_;
    lock.unlock();
    return inner_.update(r, o);
  }
  Result<nlohmann::json> updateStatus(const kube::Resource& r, const nlohmann::json& o) override {
    return inner_.updateStatus(r, o);
  }
  Result<nlohmann::json> patch(const kube::Resource& r, const kube::ObjectKey& k,
                               kube::PatchType t, const nlohmann::json& p,
                               const kube::PatchOptions& o, const std::string& sub) override {
    return inner_.patch(r, k, t, p, o, sub);
  }
  Status remove(const kube::Resource& r, const kube::ObjectKey& k,
                const kube::DeleteOptions& o) override {
    return inner_.remove(r, k, o);
  }
  Result<std::unique_ptr<kube::WatchStream>> watch(const kube::Resource& r, const std::string& ns,
                                                   const kube::WatchOptions& o) override {
    return inner_.watch(r, ns, o);
  }

private:
  kube::Client& inner_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool hang_ = false;
  int hanging_ = 0;
};

class LeaderElectorTest : public ::testing::Test {
protected:
  LeaderElectionConfig config(const std::string& identity) {
    LeaderElectionConfig c;
    c.lease_namespace = "ops";
    c.lease_name = "redis-dr-operator";
    c.identity = identity;
    c.on_started_leading = [this, identity] { started_.push_back(identity); };
    c.on_stopped_leading = [this, identity] {
      stopped_.push_back(identity);
      stopped_count_++;
    };
    c.on_new_leader = [this, identity](const std::string& leader) {
      new_leaders_.push_back(identity + " sees " + leader);
    };
    return c;
  }

  nlohmann::json leaseSpec() {
    auto lease = client_.peek(kube::resources::leases(), {"ops", "redis-dr-operator"});
    return lease ? lease->at("spec") : nlohmann::json();
  }

  testing::SharedManualClock clock_;
  testing::FakeSleeper sleeper_{clock_};
  rdr::testing::FakeKubeClient client_{clock_};
  std::vector<std::string> started_;
  std::vector<std::string> stopped_;
  std::atomic<int> stopped_count_{0};
  std::vector<std::string> new_leaders_;
};

TEST_F(LeaderElectorTest, ValidatesDurationsLikeClientGo) {
  LeaderElectionConfig c = config("a");
  EXPECT_TRUE(validateLeaderElectionConfig(c));
  c.renew_deadline = c.lease_duration;
  EXPECT_FALSE(validateLeaderElectionConfig(c));
  c = config("a");
  c.renew_deadline = milliseconds(2400); // == 1.2 × retry period
  EXPECT_FALSE(validateLeaderElectionConfig(c));
  c = config("");
  EXPECT_FALSE(validateLeaderElectionConfig(c));
}

TEST_F(LeaderElectorTest, AcquiresAMissingLeaseByCreatingIt) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  const nlohmann::json spec = leaseSpec();
  EXPECT_EQ(spec["holderIdentity"], "a");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["leaseTransitions"], 0);
  const std::regex micro(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  EXPECT_TRUE(std::regex_match(spec["renewTime"].get<std::string>(), micro)) << spec.dump();
  EXPECT_TRUE(std::regex_match(spec["acquireTime"].get<std::string>(), micro)) << spec.dump();
  EXPECT_EQ(client_.calls(Verb::Create).size(), 1u);
  EXPECT_EQ(new_leaders_, std::vector<std::string>{"a sees a"});
}

TEST_F(LeaderElectorTest, ASecondElectorWaitsUntilTheLeaseExpiresByItsOwnObservation) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  LeaderElector b(client_, config("b"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  clock_.advance(seconds(10));
  EXPECT_FALSE(b.tryAcquireOrRenew()) << "b first sees the record now, so 15 s start now";
  clock_.advance(seconds(14));
  EXPECT_FALSE(b.tryAcquireOrRenew());
  clock_.advance(seconds(2));
  ASSERT_TRUE(b.tryAcquireOrRenew());
  const nlohmann::json spec = leaseSpec();
  EXPECT_EQ(spec["holderIdentity"], "b");
  EXPECT_EQ(spec["leaseTransitions"], 1);
  EXPECT_EQ(b.observedLeader(), "b");
}

TEST_F(LeaderElectorTest, RenewalsKeepTheOtherOut) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  LeaderElector b(client_, config("b"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  const std::string acquired = leaseSpec()["acquireTime"];
  EXPECT_FALSE(b.tryAcquireOrRenew());
  for (int i = 0; i < 5; ++i) {
    clock_.advance(seconds(10));
    ASSERT_TRUE(a.tryAcquireOrRenew());
    EXPECT_FALSE(b.tryAcquireOrRenew()) << "round " << i;
  }
  EXPECT_EQ(leaseSpec()["acquireTime"], acquired) << "a renewal keeps acquireTime";
  EXPECT_EQ(leaseSpec()["leaseTransitions"], 0);
}

TEST_F(LeaderElectorTest, ReleaseLetsTheOtherTakeOverAtOnce) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  LeaderElector b(client_, config("b"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  ASSERT_TRUE(a.release());
  EXPECT_EQ(leaseSpec()["holderIdentity"], "");
  EXPECT_EQ(leaseSpec()["leaseDurationSeconds"], 1);
  EXPECT_TRUE(b.tryAcquireOrRenew());
}

TEST_F(LeaderElectorTest, AConflictOnRenewFallsBackToReadingTheLease) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  // Someone else takes the lease behind a's back: a's renewal PUT carries a stale RV.
  auto lease = client_.peek(kube::resources::leases(), {"ops", "redis-dr-operator"});
  (*lease)["spec"]["holderIdentity"] = "c";
  ASSERT_TRUE(client_.update(kube::resources::leases(), *lease));
  client_.clearCalls();
  EXPECT_FALSE(a.tryAcquireOrRenew());
  const auto calls = client_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].verb, Verb::Update);
  EXPECT_EQ(calls[1].verb, Verb::Get);
  EXPECT_EQ(a.observedLeader(), "c");
  EXPECT_EQ(leaseSpec()["holderIdentity"], "c");
}

TEST_F(LeaderElectorTest, AnInjectedConflictIsRetriedFromAFreshRead) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  client_.failNext(Verb::Update, ErrorCode::Conflict, 2);
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_TRUE(a.tryAcquireOrRenew());
}

TEST_F(LeaderElectorTest, StopsLeadingWhenRenewalsFailPastTheDeadline) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  a.start();
  ASSERT_TRUE(testing::waitUntil([&] { return a.isLeader(); }));
  client_.failNext(Verb::Update, ErrorCode::Transient, 1'000'000);
  ASSERT_TRUE(testing::waitUntil([&] { return stopped_count_.load() == 1; }));
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(started_, std::vector<std::string>{"a"});
  // Renewals every 2 s: the loss comes at the first failure at or past 10 s without success.
  const auto sleeps = sleeper_.sleeps();
  milliseconds waited{0};
  for (std::size_t i = 0; i < sleeps.size(); ++i) {
    waited += sleeps[i];
  }
  EXPECT_GE(waited, seconds(10));
  a.stop();
  EXPECT_EQ(stopped_count_.load(), 1);
}

TEST_F(LeaderElectorTest, StopsLeadingAtTheDeadlineWhileARenewalStillHangs) {
  HangingUpdateClient hanging(client_);
  LeaderElector a(hanging, config("a"), clock_, sleeper_);
  a.start();
  ASSERT_TRUE(testing::waitUntil([&] { return a.isLeader(); }));
  hanging.hang();
  ASSERT_TRUE(testing::waitUntil([&] { return hanging.hanging() == 1; }));
  // The renewal is stuck inside update(); another replica takes over after the lease duration
  // (15 s), so this one must give up at the renew deadline (10 s) without the request returning.
  // The fake sleeper already moved the clock one retry period (2 s) before that renewal: 2 + 7 = 9.
  clock_.advance(seconds(7));
  EXPECT_FALSE(testing::waitUntil([&] { return stopped_count_.load() > 0; }, milliseconds(500)));
  EXPECT_TRUE(a.isLeader());
  clock_.advance(seconds(2));
  ASSERT_TRUE(testing::waitUntil([&] { return stopped_count_.load() == 1; }));
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(hanging.hanging(), 1) << "the loss was declared while the renewal still hung";
  hanging.answer();
  a.stop();
  EXPECT_EQ(stopped_count_.load(), 1) << "on_stopped_leading is called exactly once";
}

TEST_F(LeaderElectorTest, StopCalledFromTheLossCallbackDoesNotDeadlock) {
  HangingUpdateClient hanging(client_);
  LeaderElectionConfig c = config("a");
  LeaderElector* self = nullptr;
  c.on_stopped_leading = [&] {
    stopped_count_++;
    self->stop();
  };
  LeaderElector a(hanging, std::move(c), clock_, sleeper_);
  self = &a;
  a.start();
  ASSERT_TRUE(testing::waitUntil([&] { return a.isLeader(); }));
  hanging.hang();
  ASSERT_TRUE(testing::waitUntil([&] { return hanging.hanging() == 1; }));
  clock_.advance(seconds(11));
  ASSERT_TRUE(testing::waitUntil([&] { return stopped_count_.load() == 1; }));
  hanging.answer();
  a.stop();
  EXPECT_EQ(stopped_count_.load(), 1);
}

TEST_F(LeaderElectorTest, ShutdownReleasesSoTheOtherTakesOverWithoutWaiting) {
  LeaderElector a(client_, config("a"), clock_, sleeper_);
  LeaderElector b(client_, config("b"), clock_, sleeper_);
  a.start();
  ASSERT_TRUE(testing::waitUntil([&] { return a.isLeader(); }));
  EXPECT_FALSE(b.tryAcquireOrRenew());
  a.stop();
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(stopped_count_.load(), 1);
  EXPECT_EQ(leaseSpec()["holderIdentity"], "");
  EXPECT_TRUE(b.tryAcquireOrRenew());
}

} // namespace
} // namespace rdr::runtime
