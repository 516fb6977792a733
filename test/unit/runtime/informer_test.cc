// Tests of the informer against the fake client: list+watch, resume, 410 relist, bookmarks, paging.
#include "rdr/runtime/informer.h"

#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.h"
#include "unit/runtime/test_support.h"

namespace rdr::runtime {
namespace {

using rdr::testing::Verb;
using std::chrono::milliseconds;

nlohmann::json pod(const std::string& name, const std::string& namespace_ = "ns") {
  return {{"metadata", {{"name", name}, {"namespace", namespace_}}}, {"spec", {{"n", 1}}}};
}

// Records handler calls as "add:ns/a", "update:ns/a", "delete:ns/a".
class Recorder {
public:
  EventHandlers handlers() {
    EventHandlers h;
    h.on_add = [this](const nlohmann::json& o) { push("add:" + Cache::keyOf(o).toString()); };
    h.on_update = [this](const nlohmann::json&, const nlohmann::json& o) {
      push("update:" + Cache::keyOf(o).toString());
    };
    h.on_delete = [this](const nlohmann::json& o) {
      push("delete:" + Cache::keyOf(o).toString());
    };
    return h;
  }
  std::vector<std::string> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  bool saw(const std::string& call) {
    std::lock_guard lock(mutex_);
    return std::find(calls_.begin(), calls_.end(), call) != calls_.end();
  }

private:
  void push(std::string call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }
  std::mutex mutex_;
  std::vector<std::string> calls_;
};

class InformerTest : public ::testing::Test {
protected:
  InformerTest() { options_.backoff.jitter = 0.0; }

  void startInformer() {
    informer_ = std::make_unique<Informer>(client_, kube::resources::pods(), options_, clock_,
                                           sleeper_);
    informer_->addHandlers(recorder_.handlers());
    informer_->start();
    ASSERT_TRUE(testing::waitUntil([&] { return informer_->hasSynced(); }));
    ASSERT_TRUE(testing::waitUntil([&] { return client_.openWatchCount() == 1; }));
  }

  std::vector<std::string> rvs(Verb verb) {
    std::vector<std::string> out;
    for (const auto& call : client_.calls(verb)) {
      out.push_back(call.resource_version);
    }
    return out;
  }

  testing::SharedManualClock clock_;
  testing::FakeSleeper sleeper_{clock_};
  rdr::testing::FakeKubeClient client_{clock_};
  InformerOptions options_;
  Recorder recorder_;
  std::unique_ptr<Informer> informer_;
};

TEST_F(InformerTest, ListsThenWatchesFromTheListsResourceVersion) {
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("a")));
  ASSERT_TRUE(client_.create(kube::resources::configMaps(), pod("unrelated")));
  startInformer();
  EXPECT_EQ(informer_->cache().size(), 1u);
  EXPECT_EQ(recorder_.calls(), std::vector<std::string>{"add:ns/a"});
  const auto lists = client_.calls(Verb::List);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].resource_version, "0");
  EXPECT_EQ(lists[0].limit, 500);
  EXPECT_EQ(rvs(Verb::Watch), std::vector<std::string>{"2"}) << "the list's RV, not the item's";

  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("b")));
  ASSERT_TRUE(client_.remove(kube::resources::pods(), {"ns", "a"}));
  ASSERT_TRUE(testing::waitUntil([&] { return recorder_.saw("delete:ns/a"); }));
  EXPECT_EQ(recorder_.calls(), (std::vector<std::string>{"add:ns/a", "add:ns/b", "delete:ns/a"}));
  EXPECT_FALSE(informer_->cache().get({"ns", "a"}).has_value());
  EXPECT_TRUE(informer_->cache().get({"ns", "b"}).has_value());
}

TEST_F(InformerTest, ResumesFromTheLastSeenResourceVersionAfterANormalEnd) {
  startInformer();
  auto created = client_.create(kube::resources::pods(), pod("a"));
  ASSERT_TRUE(created);
  ASSERT_TRUE(testing::waitUntil([&] { return informer_->cache().size() == 1; }));
  client_.closeWatches();
  ASSERT_TRUE(testing::waitUntil([&] { return client_.calls(Verb::Watch).size() == 2; }));
  EXPECT_EQ(rvs(Verb::Watch)[1], created->at("metadata").at("resourceVersion"));
  EXPECT_EQ(client_.calls(Verb::List).size(), 1u) << "a normal end re-watches without a relist";
  EXPECT_TRUE(sleeper_.sleeps().empty());
}

TEST_F(InformerTest, ExpiredWatchRelistsAtTheLastSeenVersionThenAtTheLatest) {
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("a")));
  startInformer();
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("b")));
  ASSERT_TRUE(testing::waitUntil([&] { return informer_->cache().size() == 2; }));
  // Writes the informer does not see move the RV past its last one; then history is compacted.
  ASSERT_TRUE(client_.create(kube::resources::configMaps(), pod("elsewhere")));
  client_.expireHistory();
  client_.closeWatches();
  ASSERT_TRUE(testing::waitUntil([&] { return client_.calls(Verb::List).size() == 3; }));
  ASSERT_TRUE(testing::waitUntil([&] { return client_.openWatchCount() == 1; }));
  EXPECT_EQ(rvs(Verb::List), (std::vector<std::string>{"0", "2", ""}));
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("c")));
  EXPECT_TRUE(testing::waitUntil([&] { return informer_->cache().size() == 3; }));
}

TEST_F(InformerTest, RelistSynthesisesDeletesForObjectsThatVanished) {
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("a")));
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("b")));
  startInformer();
  // The watch ends at once with no events (a very short watch, so a failure); while the informer
  // backs off, b is deleted and the history compacted: only the relist can tell.
  sleeper_.hold();
  client_.closeWatches();
  ASSERT_TRUE(testing::waitUntil([&] { return sleeper_.blocked() == 1; }));
  ASSERT_TRUE(client_.remove(kube::resources::pods(), {"ns", "b"}));
  client_.expireHistory();
  sleeper_.release();
  ASSERT_TRUE(testing::waitUntil([&] { return recorder_.saw("delete:ns/b"); }));
  EXPECT_FALSE(informer_->cache().get({"ns", "b"}).has_value());
  EXPECT_TRUE(recorder_.saw("update:ns/a"));
  EXPECT_EQ(sleeper_.sleeps().front(), milliseconds(800));
}

TEST_F(InformerTest, BookmarkAdvancesTheResourceVersionWithoutHandlerCalls) {
  ASSERT_TRUE(client_.create(kube::resources::pods(), pod("a")));
  startInformer();
  ASSERT_TRUE(client_.create(kube::resources::configMaps(), pod("elsewhere")));
  const std::string latest = client_.currentResourceVersion();
  ASSERT_NE(informer_->lastSyncResourceVersion(), latest);
  client_.sendBookmarks();
  ASSERT_TRUE(testing::waitUntil([&] { return informer_->lastSyncResourceVersion() == latest; }));
  EXPECT_EQ(recorder_.calls(), std::vector<std::string>{"add:ns/a"});
}

TEST_F(InformerTest, ListsPageByPage) {
  options_.page_size = 2;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    ASSERT_TRUE(client_.create(kube::resources::pods(), pod(name)));
  }
  startInformer();
  EXPECT_EQ(informer_->cache().size(), 5u);
  const auto lists = client_.calls(Verb::List);
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].resource_version, "0");
  EXPECT_TRUE(lists[0].continue_token.empty());
  EXPECT_FALSE(lists[1].continue_token.empty());
  EXPECT_EQ(lists[1].resource_version, "") << "a continue token carries the RV";
  EXPECT_EQ(lists[2].limit, 2);
  EXPECT_EQ(rvs(Verb::Watch), std::vector<std::string>{"5"});
}

TEST_F(InformerTest, BacksOffExponentiallyOnFailuresAndCountsShortWatchesAsFailures) {
  client_.failNext(Verb::List, ErrorCode::Transient, 3);
  startInformer();
  EXPECT_EQ(sleeper_.sleeps(), (std::vector<milliseconds>{milliseconds(800), milliseconds(1600),
                                                           milliseconds(3200)}));
  // A watch that ends at once with no events (the clock has not moved) is a failure too.
  client_.closeWatches();
  ASSERT_TRUE(testing::waitUntil([&] { return sleeper_.sleeps().size() == 4; }));
  EXPECT_EQ(sleeper_.sleeps()[3], milliseconds(6400));
  ASSERT_TRUE(testing::waitUntil([&] { return client_.calls(Verb::List).size() == 5; }));
}

TEST_F(InformerTest, StopCancelsTheBlockedWatch) {
  startInformer();
  informer_->stop();
  EXPECT_EQ(client_.openWatchCount(), 0u);
  informer_->stop();
}

} // namespace
} // namespace rdr::runtime
