// Tests of FakeKubeClient: the API-server semantics other unit tests rely on.
#include "fakes/fake_kube_client.h"
#include "fakes/manual_clock.h"

#include <thread>

#include <gtest/gtest.h>

namespace rdr::testing {
namespace {

using nlohmann::json;

const kube::Resource kClusters = kube::resources::redisClusters();

json cluster(const std::string& name, json labels = json::object()) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"labels", labels}}},
          {"spec", {{"replicas", 1}}},
          {"status", {{"phase", "Ignored"}}}};
}

std::string rv(const json& object) { return object["metadata"]["resourceVersion"]; }

kube::ListOptions withSelector(std::string selector) {
  kube::ListOptions options;
  options.label_selector = std::move(selector);
  return options;
}

kube::WatchOptions from(std::string resource_version) {
  kube::WatchOptions options;
  options.resource_version = std::move(resource_version);
  return options;
}

class FakeKubeClientTest : public ::testing::Test {
protected:
  ManualClock clock_;
  FakeKubeClient client_{clock_};
};

TEST_F(FakeKubeClientTest, CreateFillsServerFieldsAndRefusesDuplicates) {
  auto created = client_.create(kClusters, cluster("a"));
  ASSERT_TRUE(created);
  EXPECT_EQ(rv(*created), "1");
  EXPECT_EQ((*created)["metadata"]["generation"], 1);
  EXPECT_EQ((*created)["metadata"]["creationTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_FALSE((*created)["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ((*created)["kind"], "RedisCluster");
  EXPECT_FALSE(created->contains("status")) << "create drops status with a status subresource";
  auto again = client_.create(kClusters, cluster("a"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::AlreadyExists);
  EXPECT_EQ(again.error().message(), "redisclusters.redis.io \"a\" already exists");
  EXPECT_EQ(client_.get(kClusters, {"ns", "b"}).error().code(), ErrorCode::NotFound);
}

TEST_F(FakeKubeClientTest, UpdateChecksTheResourceVersionAndMovesGenerationOnSpecOnly) {
  json a = client_.create(kClusters, cluster("a")).value();
  json stale = a;
  a["metadata"]["labels"]["x"] = "y";
  a = client_.update(kClusters, a).value();
  EXPECT_EQ(rv(a), "2");
  EXPECT_EQ(a["metadata"]["generation"], 1);
  a["spec"]["replicas"] = 3;
  a["status"] = {{"phase", "Ignored"}};
  a = client_.update(kClusters, a).value();
  EXPECT_EQ(a["metadata"]["generation"], 2);
  EXPECT_FALSE(a.contains("status")) << "the main endpoint ignores status";
  auto conflict = client_.update(kClusters, stale);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), ErrorCode::Conflict);
  EXPECT_EQ(conflict.error().message(),
            "Operation cannot be fulfilled on redisclusters.redis.io \"a\": the object has been "
            "modified; please apply your changes to the latest version and try again");
  json no_rv = a;
  no_rv["metadata"].erase("resourceVersion");
  EXPECT_EQ(client_.update(kClusters, no_rv).error().code(), ErrorCode::Invalid);
}

TEST_F(FakeKubeClientTest, NoOpWritesKeepTheResourceVersionAndEmitNoEvent) {
  json a = client_.create(kClusters, cluster("a")).value();
  auto watch = client_.watch(kClusters, "", from(rv(a))).value();
  json same = client_.update(kClusters, a).value();
  EXPECT_EQ(rv(same), rv(a));
  json patched = client_.patch(kClusters, {"ns", "a"}, kube::PatchType::Merge,
                               {{"spec", {{"replicas", 1}}}})
                     .value();
  EXPECT_EQ(rv(patched), rv(a));
  client_.closeWatches();
  auto next = watch->next();
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->has_value()) << "the stream ends without any event";
}

TEST_F(FakeKubeClientTest, StatusSubresourceTakesOnlyStatus) {
  json a = client_.create(kClusters, cluster("a")).value();
  a["status"] = {{"phase", "Ready"}};
  a["spec"]["replicas"] = 9;
  a = client_.updateStatus(kClusters, a).value();
  EXPECT_EQ(a["status"]["phase"], "Ready");
  EXPECT_EQ(a["spec"]["replicas"], 1);
  EXPECT_EQ(a["metadata"]["generation"], 1);
  a = client_.patch(kClusters, {"ns", "a"}, kube::PatchType::Json,
                    json::parse(R"([{"op":"replace","path":"/status/phase","value":"Degraded"}])"),
                    {}, "status")
          .value();
  EXPECT_EQ(a["status"]["phase"], "Degraded");
}

TEST_F(FakeKubeClientTest, FinalizersDelayDeletionUntilTheLastIsRemoved) {
  json obj = cluster("a");
  obj["metadata"]["finalizers"] = {"redis.io/cleanup"};
  ASSERT_TRUE(client_.create(kClusters, obj));
  ASSERT_TRUE(client_.remove(kClusters, {"ns", "a"}));
  json marked = client_.get(kClusters, {"ns", "a"}).value();
  EXPECT_TRUE(marked["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(marked["metadata"]["generation"], 2);
  json more = marked;
  more["metadata"]["finalizers"].push_back("new");
  EXPECT_EQ(client_.update(kClusters, more).error().code(), ErrorCode::Invalid);
  ASSERT_TRUE(client_.patch(kClusters, {"ns", "a"}, kube::PatchType::Merge,
                            {{"metadata", {{"finalizers", nullptr}}}}));
  EXPECT_FALSE(client_.peek(kClusters, {"ns", "a"}).has_value());
}

TEST_F(FakeKubeClientTest, ListFiltersByNamespaceAndLabels) {
  ASSERT_TRUE(client_.create(kClusters, cluster("a", {{"tier", "db"}})));
  ASSERT_TRUE(client_.create(kClusters, cluster("b", {{"tier", "cache"}})));
  json other = cluster("c", {{"tier", "db"}});
  other["metadata"]["namespace"] = "other";
  ASSERT_TRUE(client_.create(kClusters, other));
  EXPECT_EQ(client_.list(kClusters, "", withSelector("tier=db")).value().items.size(), 2u);
  EXPECT_EQ(client_.list(kClusters, "ns", withSelector("tier=db")).value().items.size(), 1u);
  EXPECT_EQ(client_.list(kClusters, "ns", withSelector("!tier")).value().items.size(), 0u);
  EXPECT_EQ(client_.list(kClusters, "", {}).value().resource_version, "3");
}

TEST_F(FakeKubeClientTest, WatchReplaysStateOrStartsExactlyOrExpires) {
  ASSERT_TRUE(client_.create(kClusters, cluster("a")));
  ASSERT_TRUE(client_.create(kClusters, cluster("b")));
  auto replay = client_.watch(kClusters, "", from("0")).value();
  auto exact = client_.watch(kClusters, "", from("1")).value();
  EXPECT_EQ(replay->next().value()->type, kube::WatchEventType::Added);
  EXPECT_EQ(replay->next().value()->object["metadata"]["name"], "b");
  auto first = exact->next().value();
  EXPECT_EQ(first->object["metadata"]["name"], "b") << "only events after RV 1";
  client_.expireHistory();
  ASSERT_TRUE(client_.create(kClusters, cluster("c")));
  auto old = client_.watch(kClusters, "", from("1")).value();
  auto error = old->next().value();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type, kube::WatchEventType::Error);
  EXPECT_EQ(error->object["code"], 410);
  EXPECT_FALSE(old->next().value().has_value());
  EXPECT_EQ(client_.list(kClusters, "", {"", "", std::string("1"), 10, ""}).error().code(), ErrorCode::Expired);
}

TEST_F(FakeKubeClientTest, SelectorWatchesSeeObjectsEnterAndLeave) {
  kube::WatchOptions options = from("0");
  options.label_selector = "tier=db";
  auto watch = client_.watch(kClusters, "", options).value();
  json a = client_.create(kClusters, cluster("a", {{"tier", "cache"}})).value();
  a["metadata"]["labels"]["tier"] = "db";
  a = client_.update(kClusters, a).value();
  auto entered = watch->next().value();
  EXPECT_EQ(entered->type, kube::WatchEventType::Added);
  a["metadata"]["labels"]["tier"] = "cache";
  a = client_.update(kClusters, a).value();
  auto left = watch->next().value();
  EXPECT_EQ(left->type, kube::WatchEventType::Deleted);
  EXPECT_EQ(left->object["metadata"]["labels"]["tier"], "db") << "the last matching state";
  EXPECT_EQ(rv(left->object), rv(a));
  kube::ListOptions by_name;
  by_name.field_selector = "metadata.name=a";
  EXPECT_EQ(client_.list(kClusters, "", by_name).value().items.size(), 1u);
  by_name.field_selector = "metadata.name!=a";
  EXPECT_EQ(client_.list(kClusters, "", by_name).value().items.size(), 0u);
  by_name.field_selector = "spec.replicas=1";
  EXPECT_EQ(client_.list(kClusters, "", by_name).error().code(), ErrorCode::Invalid);
}

TEST_F(FakeKubeClientTest, FailuresAreInjectedPerVerbAndCancelEndsABlockedWatch) {
  client_.failNext(Verb::Create, ErrorCode::Transient, 2);
  EXPECT_EQ(client_.create(kClusters, cluster("a")).error().code(), ErrorCode::Transient);
  EXPECT_EQ(client_.create(kClusters, cluster("a")).error().code(), ErrorCode::Transient);
  EXPECT_TRUE(client_.create(kClusters, cluster("a")));
  auto watch = client_.watch(kClusters, "", from("1")).value();
  std::thread canceller([&] { watch->cancel(); });
  EXPECT_FALSE(watch->next());
  canceller.join();
}

} // namespace
} // namespace rdr::testing
