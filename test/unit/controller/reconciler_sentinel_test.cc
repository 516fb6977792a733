// RedisClusterReconciler in mode: sentinel against the in-memory API and simulated Redis and
// Sentinels: the group is configured with the cluster's password, the operator follows Sentinel's
// failovers without promoting anything, and a failing Sentinel command stops nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconciler_fixture.h"

namespace rdr::controller {
namespace {

using namespace testbench;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kMaster = "cache"; // spec.sentinel.masterName absent: the cluster's name

class ReconcilerSentinelTest : public ReconcilerFixture {
protected:
  ReconcilerSentinelTest() {
    auto object = client_.get(kube::resources::redisClusters(), kKey);
    EXPECT_TRUE(object.has_value());
    (*object)["spec"]["mode"] = "sentinel";
    (*object)["spec"]["sentinel"] = {{"instances", 3}, {"downAfterMilliseconds", 4000}};
    EXPECT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  }

  // What the Sentinels learn from the primary's INFO and each other's hellos: every data pod but
  // `primary`, and the other Sentinels.
  void sentinelsLearn(int primary) {
    std::vector<std::string> known;
    for (const auto& [ordinal, endpoint] : endpoints_) {
      if (ordinal != primary) {
        known.push_back(endpoint.host);
      }
    }
    for (const auto& [index, endpoint] : sentinels_) {
      known.push_back(endpoint.host);
    }
    for (const auto& [index, endpoint] : sentinels_) {
      redis_.setSentinelKnownIps(endpoint, kMaster, known);
    }
  }

  // Up, configured and Healthy: every Sentinel monitors cache-0 and knows the replicas.
  void bringUp() {
    for (int round = 0; round < 10 && !everySentinelMonitors(0); ++round) {
      reconcileOnce();
    }
    ASSERT_TRUE(everySentinelMonitors(0)) << "the Sentinels were not pointed at cache-0";
    sentinelsLearn(0);
    ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  }

  bool everySentinelMonitors(int ordinal) {
    if (sentinels_.size() != 3 || !endpoints_.contains(ordinal)) {
      return false;
    }
    for (const auto& [index, endpoint] : sentinels_) {
      if (redis_.sentinelMonitors(endpoint, kMaster) != at(ordinal).host + ":6379") {
        return false;
      }
    }
    return true;
  }

  // What Sentinel does when it fails over to `to`: REPLICAOF NO ONE there, the other live pods
  // re-pointed at its IP, every Sentinel naming it. The simulated commands are then forgotten.
  void sentinelFailsOverTo(int to) {
    const redis::Credentials credentials{std::nullopt, password()};
    ASSERT_TRUE(redis_.admin(at(to), credentials)->promote().has_value());
    for (const auto& [ordinal, endpoint] : endpoints_) {
      if (ordinal != to && !restart_at_.contains(ordinal)) { // a crashed pod is left as it is
        auto admin = redis_.admin(endpoint, credentials);
        ASSERT_TRUE(admin->replicaOf({at(to).host, 6379}).has_value());
      }
    }
    for (const auto& [index, endpoint] : sentinels_) {
      redis_.setSentinelMaster(endpoint, kMaster, at(to));
    }
    sentinelsLearn(to); // the old primary is now a replica Sentinel knows
    redis_.clearCommands();
  }

  // Commands that changed a data pod's replication (REPLICAOF, in any form).
  std::vector<std::string> replicaofCommands() const {
    std::vector<std::string> sent;
    for (const std::string& command : redis_.commands()) {
      if (command.find(" REPLICAOF ") != std::string::npos) {
        sent.push_back(command);
      }
    }
    return sent;
  }

  std::vector<std::string> eventReasons() {
    std::vector<std::string> reasons;
    for (const auto& call : client_.calls(rdr::testing::Verb::Create)) {
      if (call.resource == "events") {
        reasons.push_back(call.body.value("reason", ""));
      }
    }
    return reasons;
  }

  void labelPod(int ordinal, const std::string& role) {
    const json patch = {{"metadata", {{"labels", {{"redis.io/role", role}}}}}};
    ASSERT_TRUE(client_
                    .patch(kube::resources::pods(), {"apps", api::podName("cache", ordinal)},
                           kube::PatchType::Merge, patch)
                    .has_value());
  }
};

TEST_F(ReconcilerSentinelTest, TheGroupComesUpMonitoringThePrimaryWithThePassword) {
  bringUp();
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Master);
  for (const auto& [index, endpoint] : sentinels_) {
    const auto options = redis_.sentinelOptions(endpoint, kMaster);
    EXPECT_EQ(options.at("auth-pass"), password()) << "Sentinel " << index;
    EXPECT_EQ(options.at("quorum"), "2");
    EXPECT_EQ(options.at("down-after-milliseconds"), "4000");
    EXPECT_EQ(options.at("failover-timeout"), "60000");
    EXPECT_EQ(options.at("parallel-syncs"), "1");
  }
  // Steady state: the Sentinels are only asked, never configured again.
  redis_.clearCommands();
  reconcileOnce();
  for (const std::string& command : redis_.mutations()) {
    EXPECT_THAT(command, Not(HasSubstr("MONITOR")));
    EXPECT_THAT(command, Not(HasSubstr("SENTINEL SET")));
    EXPECT_THAT(command, Not(HasSubstr("REMOVE")));
    EXPECT_THAT(command, Not(HasSubstr("RESET")));
  }
}

TEST_F(ReconcilerSentinelTest, AChangedSettingIsAppliedToTheRunningGroup) {
  bringUp();
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["spec"]["sentinel"]["downAfterMilliseconds"] = 9000;
  ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  reconcileOnce();
  for (const auto& [index, endpoint] : sentinels_) {
    EXPECT_EQ(redis_.sentinelOptions(endpoint, kMaster).at("down-after-milliseconds"), "9000");
    EXPECT_EQ(redis_.sentinelMonitors(endpoint, kMaster), at(0).host + ":6379")
        << "applied in place, never re-monitored";
  }
}

TEST_F(ReconcilerSentinelTest, ASentinelFailoverIsFollowedNotRepeated) {
  bringUp();
  crashPod(0);
  sentinelFailsOverTo(1);

  api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(roleLabel(1), "primary");
  EXPECT_EQ(roleLabel(0), "replica");
  EXPECT_THAT(eventReasons(), ::testing::Contains("FailedOver"));
  EXPECT_TRUE(replicaofCommands().empty()) << replicaofCommands().front();

  // cache-0 restarts behind the fence (following nobody): Sentinel would leave it there, so
  // the operator re-points it at cache-1's IP, as Sentinel names it, and promotes nothing.
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(redis_.node(at(0)).info().master_host, at(1).host);
  EXPECT_EQ(masters(), 1);
  for (const std::string& command : replicaofCommands()) {
    EXPECT_THAT(command, Not(HasSubstr("NO ONE")));
  }
}

TEST_F(ReconcilerSentinelTest, AFailingSentinelCommandDoesNotStopTheRelabel) {
  bringUp();
  crashPod(0);
  // While cache-0 is down the Sentinels still name it: the operator waits for them.
  const auto fenced = [&] { return redis_.node(at(0)).info().master_host == "127.0.0.1"; };
  for (int round = 0; round < 10 && !fenced(); ++round) {
    const api::RedisClusterStatus status = reconcileOnce();
    ASSERT_EQ(status.current_primary, "cache-0");
    ASSERT_EQ(redis_.node(at(1)).role(), redis::Role::Replica) << "Sentinel decides, not us";
    ASSERT_EQ(redis_.node(at(2)).role(), redis::Role::Replica) << "Sentinel decides, not us";
  }
  ASSERT_TRUE(fenced()) << "the kubelet did not restart cache-0";
  // Restarted empty behind the fence, still named by every Sentinel: one of them is asked to
  // fail over now. It refuses; a drifted label is fixed in the same round all the same.
  const redis::Endpoint& asked = sentinels_.at(0);
  redis_.setSentinelFailoverRefusal(asked, kMaster, "NOGOODSLAVE No suitable replica to promote");
  labelPod(2, "primary");
  redis_.clearCommands();
  reconcileOnce(); // fails the test when the reconcile returns an error
  EXPECT_EQ(redis_.sentinelFailoverRequests(asked, kMaster), 1);
  EXPECT_EQ(roleLabel(2), "replica") << "the relabel after the refused SENTINEL FAILOVER ran";
  EXPECT_EQ(roleLabel(0), "primary");
  EXPECT_TRUE(replicaofCommands().empty()) << replicaofCommands().front();

  redis_.setSentinelFailoverRefusal(asked, kMaster, std::nullopt);
  reconcileOnce();
  EXPECT_EQ(redis_.sentinelFailoverRequests(asked, kMaster), 2) << "asked again next round";
  sentinelFailsOverTo(1);
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(masters(), 1);
}

// A renamed spec.sentinel.masterName: the Sentinels monitor the primary under the new name, and
// must not keep monitoring it under the old one (with the old auth-pass and settings): two
// Sentinel masters for one Redis fail it over twice, and a later replica mode would only stop
// the new name, leaving the old one free to promote a DR replica.
TEST_F(ReconcilerSentinelTest, ARenamedMasterIsNotLeftMonitoredUnderItsOldName) {
  bringUp();
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["spec"]["sentinel"]["masterName"] = "cache-renamed";
  ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  for (int round = 0; round < 5; ++round) {
    reconcileOnce();
  }
  for (const auto& [index, endpoint] : sentinels_) {
    EXPECT_EQ(redis_.sentinelMonitors(endpoint, "cache-renamed"), at(0).host + ":6379");
    EXPECT_EQ(redis_.sentinelMonitors(endpoint, kMaster), std::nullopt)
        << "Sentinel " << index << " still monitors the primary under the old name " << kMaster;
  }
}

// MONITOR went through but SET auth-pass did not (a dropped connection): the Sentinel monitors
// the primary without its password, so every PING gets NOAUTH and it holds the primary down. The
// next rounds must still give it the password; applying the other settings is not enough.
TEST_F(ReconcilerSentinelTest, APasswordThatFailedToReachASentinelIsSentAgain) {
  reconcileOnce(); // creates the pods; the kubelet starts them
  ASSERT_EQ(sentinels_.size(), 3u);
  const redis::Endpoint& flaky = sentinels_.at(0);
  redis_.failNextCommand(flaky, "SENTINEL SET cache auth-pass",
                         Error(ErrorCode::Transient, "connection reset by peer"));
  for (int round = 0; round < 6; ++round) {
    reconcileOnce();
  }
  ASSERT_TRUE(everySentinelMonitors(0));
  const auto options = redis_.sentinelOptions(flaky, kMaster);
  EXPECT_EQ(options.at("down-after-milliseconds"), "4000") << "the other settings were applied";
  ASSERT_TRUE(options.contains("auth-pass"))
      << "Sentinel 0 monitors the primary without its password, and nothing sets it again";
  EXPECT_EQ(options.at("auth-pass"), password());
}

} // namespace
} // namespace rdr::controller
