// Informer against the emulator: watch resume, 410 relist with synthesised deletes, injected drops.
#include <set>

#include "emulator_fixture.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::client_emulator {
namespace {

const kube::Resource kConfigMaps = kube::resources::configMaps();
const std::string kCmPath = "/api/v1/namespaces/default/configmaps";

// The collection's LIST requests (not GETs of one object, not watches).
std::vector<LoggedRequest> lists(const std::vector<LoggedRequest>& all) {
  std::vector<LoggedRequest> out;
  for (const auto& r : all) {
    if (r.method == "GET" && r.path == kCmPath && !r.isWatch()) {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<LoggedRequest> watches(const std::vector<LoggedRequest>& all) {
  std::vector<LoggedRequest> out;
  for (const auto& r : all) {
    if (r.method == "GET" && r.path == kCmPath && r.isWatch()) {
      out.push_back(r);
    }
  }
  return out;
}

std::uint64_t rvNumber(const std::string& rv) { return std::stoull(rv); }

TEST_F(ClientEmulatorTest, WatchResumesFromTheLastSeenVersion) {
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("a", "1")));
  auto options = informerOptions();
  options.min_watch_timeout = 1s; // the server ends each watch after 1 s (timeoutSeconds=1)
  HandlerLog log;
  runtime::Informer informer(*client_, kConfigMaps, options, clock_,
                             runtime::RealSleeper::instance());
  informer.addHandlers(log.handlers());
  informer.start();
  ASSERT_TRUE(waitUntil([&] { return informer.hasSynced(); }));
  EXPECT_EQ(log.adds("a"), 1);

  ASSERT_TRUE(client_->create(kConfigMaps, configMap("b", "1")));
  auto a = client_->get(kConfigMaps, {"default", "a"});
  ASSERT_TRUE(a);
  (*a)["data"]["v"] = "2";
  ASSERT_TRUE(client_->update(kConfigMaps, *a));
  ASSERT_TRUE(client_->remove(kConfigMaps, {"default", "b"}));
  ASSERT_TRUE(waitUntil([&] { return log.deletes("b") == 1 && log.lastValue("a") == "2"; }));
  EXPECT_EQ(log.adds("b"), 1);
  EXPECT_EQ(log.updates("a"), 1);

  // The store's version now: nothing else is written until "c".
  const std::string seen = faultState()["resourceVersion"].get<std::string>();
  const std::size_t opened = watches(requests(kCmPath)).size();

  // Let the server end at least two watches; each one is resumed from exactly what was seen
  // (the last event's or bookmark's RV).
  ASSERT_TRUE(waitUntil([&] { return watches(requests(kCmPath)).size() >= opened + 2; }, 8000ms));
  const auto resumed = watches(requests(kCmPath));
  for (std::size_t i = opened; i < resumed.size(); ++i) {
    EXPECT_EQ(resumed[i].resourceVersion(), seen) << "watch " << i;
  }
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("c", "1")));
  ASSERT_TRUE(waitUntil([&] { return log.adds("c") == 1; }));
  auto c = client_->get(kConfigMaps, {"default", "c"});
  ASSERT_TRUE(c);
  (*c)["data"]["v"] = "2";
  ASSERT_TRUE(client_->update(kConfigMaps, *c));
  ASSERT_TRUE(waitUntil([&] { return log.lastValue("c") == "2"; }));
  informer.stop();

  const auto all = requests(kCmPath);
  // One list only: every later watch resumed from an RV instead of relisting.
  const auto listed = lists(all);
  ASSERT_EQ(listed.size(), 1u);
  const auto watched = watches(all);
  ASSERT_GE(watched.size(), 3u);
  std::uint64_t previous = 0;
  for (const auto& w : watched) {
    ASSERT_NE(w.resourceVersion(), "<none>");
    ASSERT_NE(w.resourceVersion(), "0");
    const auto rv = rvNumber(w.resourceVersion());
    EXPECT_GE(rv, previous) << "a watch went back in time";
    previous = rv;
  }
  // The first list reads the watch cache ("0"); the resumed watches start after what was seen.
  EXPECT_EQ(listed.front().resourceVersion(), "0");
  EXPECT_GT(rvNumber(watched.back().resourceVersion()), rvNumber(watched.front().resourceVersion()));
  // No duplicate ADDs and the cache matches the server.
  EXPECT_EQ(log.adds("a"), 1);
  EXPECT_EQ(log.adds("c"), 1);
  EXPECT_EQ(log.totalAdds(), 3);
  EXPECT_EQ(cachedValues(informer), serverValues(*client_, "default"));
}

TEST_F(ClientEmulatorTest, RelistsAfterExpiryAndSynthesisesDeletes) {
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("keep", "1")));
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("gone", "1")));
  HandlerLog log;
  runtime::Informer informer(*client_, kConfigMaps, informerOptions(), clock_,
                             runtime::RealSleeper::instance());
  informer.addHandlers(log.handlers());
  informer.start();
  ASSERT_TRUE(waitUntil([&] { return informer.hasSynced() && faultState()["openWatches"] == 1; }));
  const auto listsBefore = lists(requests(kCmPath)).size();
  const std::string seenRv = informer.lastSyncResourceVersion();

  // Disconnect the informer: its watch ends and it cannot open another one.
  holdWatches(true);
  injectFault({{"dropWatches", true}});
  ASSERT_TRUE(waitUntil([&] { return heldWatches() == 1; }));
  ASSERT_TRUE(client_->remove(kConfigMaps, {"default", "gone"}));
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("new", "1")));
  auto keep = client_->get(kConfigMaps, {"default", "keep"});
  ASSERT_TRUE(keep);
  (*keep)["data"]["v"] = "2";
  ASSERT_TRUE(client_->update(kConfigMaps, *keep));
  injectFault({{"expireResourceVersions", true}});
  EXPECT_EQ(log.deletes("gone"), 0);
  holdWatches(false);

  // The held watch gets 410 Expired; the informer relists and reconciles its cache.
  ASSERT_TRUE(waitUntil([&] {
    return log.deletes("gone") == 1 && log.adds("new") == 1 && log.lastValue("keep") == "2";
  }));
  // The path taken: the relist at the last RV was refused (410), then the latest state listed.
  const auto relists = lists(requests(kCmPath));
  ASSERT_GT(relists.size(), listsBefore);
  bool expired = false;
  bool latest = false;
  for (std::size_t i = listsBefore; i < relists.size(); ++i) {
    expired = expired || relists[i].status == 410;
    latest = latest || (relists[i].resourceVersion() == "" && relists[i].status == 200);
  }
  EXPECT_TRUE(expired) << "no list was answered 410 Expired";
  EXPECT_TRUE(latest) << "no list of the latest state (resourceVersion=\"\")";
  EXPECT_EQ(cachedValues(informer), serverValues(*client_, "default"));
  EXPECT_EQ(cachedValues(informer),
            (std::map<std::string, std::string>{{"keep", "2"}, {"new", "1"}}));
  EXPECT_EQ(log.adds("keep"), 1);
  EXPECT_EQ(log.adds("gone"), 1);
  EXPECT_NE(informer.lastSyncResourceVersion(), seenRv);
  // And it is watching again from the relisted state.
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("after", "1")));
  EXPECT_TRUE(waitUntil([&] { return log.adds("after") == 1; }));
  informer.stop();
}

TEST_F(ClientEmulatorTest, KeepsAnExactViewThroughRepeatedWatchDrops) {
  HandlerLog log;
  runtime::Informer informer(*client_, kConfigMaps, informerOptions(), clock_,
                             runtime::RealSleeper::instance());
  informer.addHandlers(log.handlers());
  informer.start();
  ASSERT_TRUE(waitUntil([&] { return informer.hasSynced() && faultState()["openWatches"] == 1; }));

  std::set<std::string> created;
  std::set<std::string> deleted;
  int drops = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string name = "cm-" + std::to_string(i);
    ASSERT_TRUE(client_->create(kConfigMaps, configMap(name, "1")));
    created.insert(name);
    if (i % 3 == 1) { // update an earlier one
      const std::string target = "cm-" + std::to_string(i - 1);
      auto object = client_->get(kConfigMaps, {"default", target});
      ASSERT_TRUE(object);
      (*object)["data"]["v"] = std::to_string(i);
      ASSERT_TRUE(client_->update(kConfigMaps, *object));
    }
    if (i % 4 == 3) { // delete an earlier one
      const std::string target = "cm-" + std::to_string(i - 2);
      ASSERT_TRUE(client_->remove(kConfigMaps, {"default", target}));
      deleted.insert(target);
    }
    if (i % 5 == 4) {
      injectFault({{"dropWatches", true}});
      ++drops;
    }
  }
  ASSERT_GE(drops, 5);
  const auto expected = serverValues(*client_, "default");
  EXPECT_EQ(expected.size(), created.size() - deleted.size());
  ASSERT_TRUE(waitUntil([&] { return cachedValues(informer) == expected; }, 10000ms))
      << "the informer's cache never matched the server";
  // Let any in-flight delivery settle, then check the handlers told a consistent story.
  ASSERT_TRUE(waitUntil([&] {
    for (const auto& [name, value] : expected) {
      if (log.lastValue(name) != value) {
        return false;
      }
    }
    return true;
  }));
  for (const auto& name : created) {
    EXPECT_LE(log.adds(name), 1) << name << " was added twice";
    if (deleted.contains(name)) {
      EXPECT_EQ(log.deletes(name), log.adds(name)) << name;
    } else {
      EXPECT_EQ(log.adds(name), 1) << name;
      EXPECT_EQ(log.deletes(name), 0) << name;
    }
  }
  // The drops ended watches that were opened again (a drop between two watches ends nothing).
  EXPECT_GE(watches(requests(kCmPath)).size(), 2u);
  // Still live after the drops.
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("last", "1")));
  EXPECT_TRUE(waitUntil([&] { return log.adds("last") == 1; }));
  informer.stop();
}

} // namespace
} // namespace rdr::client_emulator
