// Tests of the Event recorder: the core/v1 Event shape, aggregation of repeats, failures, the bound.
#include "rdr/runtime/event_recorder.h"

#include <regex>

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.h"
#include "fakes/manual_clock.h"

namespace rdr::runtime {
namespace {

using rdr::testing::Verb;

class EventRecorderTest : public ::testing::Test {
protected:
  EventRecorderTest() {
    auto created = client_.create(kube::resources::redisClusters(),
                                  {{"metadata", {{"name", "redis"}, {"namespace", "prod"}}},
                                   {"spec", {{"replicas", 3}}}});
    cluster_ = created.value();
  }

  std::vector<nlohmann::json> events() {
    return client_.list(kube::resources::events(), "", {}).value().items;
  }

  rdr::testing::ManualClock clock_;
  rdr::testing::FakeKubeClient client_{clock_};
  nlohmann::json cluster_;
  EventRecorder recorder_{client_, {"redis-dr-operator", "pod-1", 16}, clock_};
};

TEST_F(EventRecorderTest, CreatesACoreV1EventAboutTheObject) {
  recorder_.event(cluster_, EventType::Normal, "Scaled", "scaled from 1 to 3 replicas");
  const auto all = events();
  ASSERT_EQ(all.size(), 1u);
  const nlohmann::json& event = all[0];
  EXPECT_TRUE(std::regex_match(event["metadata"]["name"].get<std::string>(),
                               std::regex(R"(redis\.[0-9a-f]{16})")))
      << event["metadata"]["name"];
  EXPECT_EQ(event["metadata"]["namespace"], "prod");
  const nlohmann::json& involved = event["involvedObject"];
  EXPECT_EQ(involved["apiVersion"], "redis.io/v1");
  EXPECT_EQ(involved["kind"], "RedisCluster");
  EXPECT_EQ(involved["name"], "redis");
  EXPECT_EQ(involved["namespace"], "prod");
  EXPECT_EQ(involved["uid"], cluster_["metadata"]["uid"]);
  EXPECT_EQ(involved["resourceVersion"], cluster_["metadata"]["resourceVersion"]);
  EXPECT_EQ(event["reason"], "Scaled");
  EXPECT_EQ(event["message"], "scaled from 1 to 3 replicas");
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["source"]["component"], "redis-dr-operator");
  EXPECT_EQ(event["reportingComponent"], "redis-dr-operator");
  EXPECT_EQ(event["reportingInstance"], "pod-1");
  EXPECT_EQ(event["count"], 1);
  EXPECT_EQ(event["firstTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(event["lastTimestamp"], "2026-01-01T00:00:00Z");
}

TEST_F(EventRecorderTest, ARepeatIsPatchedWithCountTwo) {
  recorder_.event(cluster_, EventType::Warning, "ProbeFailed", "redis-0 did not answer");
  clock_.advance(std::chrono::seconds(30));
  recorder_.event(cluster_, EventType::Warning, "ProbeFailed", "redis-0 did not answer");
  const auto patches = client_.calls(Verb::Patch);
  ASSERT_EQ(patches.size(), 1u);
  EXPECT_EQ(patches[0].body["count"], 2);
  EXPECT_EQ(client_.calls(Verb::Create).size(), 2u) << "the cluster and one Event";
  const auto all = events();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["count"], 2);
  EXPECT_EQ(all[0]["firstTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(all[0]["lastTimestamp"], "2026-01-01T00:00:30Z");
  recorder_.event(cluster_, EventType::Warning, "ProbeFailed", "redis-1 did not answer");
  EXPECT_EQ(events().size(), 2u) << "another message is another Event";
}

TEST_F(EventRecorderTest, FailuresAreSwallowedAndAVanishedEventIsRecreated) {
  client_.failNext(Verb::Create, ErrorCode::Transient);
  recorder_.event(cluster_, EventType::Normal, "Scaled", "first");
  EXPECT_TRUE(events().empty());
  recorder_.event(cluster_, EventType::Normal, "Scaled", "first");
  ASSERT_EQ(events().size(), 1u);
  const std::string name = events()[0]["metadata"]["name"];
  ASSERT_TRUE(client_.remove(kube::resources::events(), {"prod", name}));
  clock_.advance(std::chrono::seconds(1));
  recorder_.event(cluster_, EventType::Normal, "Scaled", "first");
  ASSERT_EQ(events().size(), 1u);
  EXPECT_EQ(events()[0]["count"], 1);
}

TEST_F(EventRecorderTest, TheAggregationCacheIsBounded) {
  EventRecorder small(client_, {"redis-dr-operator", "pod-1", 1}, clock_);
  small.event(cluster_, EventType::Normal, "A", "a");
  clock_.advance(std::chrono::seconds(1));
  small.event(cluster_, EventType::Normal, "B", "b");
  clock_.advance(std::chrono::seconds(1));
  small.event(cluster_, EventType::Normal, "A", "a");
  EXPECT_EQ(events().size(), 3u) << "A was evicted, so its repeat is a new Event";
  EXPECT_TRUE(client_.calls(Verb::Patch).empty());
}

} // namespace
} // namespace rdr::runtime
