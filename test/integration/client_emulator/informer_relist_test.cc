// Informer against the emulator: a paged relist whose continue token expires starts over cleanly.
#include "emulator_fixture.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::client_emulator {
namespace {

const kube::Resource kConfigMaps = kube::resources::configMaps();
const std::string kCmPath = "/api/v1/namespaces/default/configmaps";

TEST_F(ClientEmulatorTest, RelistThatExpiresBetweenPagesStartsOverAtTheNewVersion) {
  for (const std::string name : {"p1", "p2", "p3"}) {
    ASSERT_TRUE(client_->create(kConfigMaps, configMap(name, "1")));
  }
  HandlerLog log;
  auto options = informerOptions();
  options.page_size = 2; // relists (not the first list at "0") come in pages of two
  runtime::Informer informer(*client_, kConfigMaps, options, clock_,
                             runtime::RealSleeper::instance());
  informer.addHandlers(log.handlers());
  informer.start();
  ASSERT_TRUE(waitUntil([&] { return informer.hasSynced() && faultState()["openWatches"] == 1; }));

  // Disconnect; change things and compact, so that the informer has to relist from the latest
  // state, in pages.
  holdWatches(true);
  holdContinuedLists(true);
  injectFault({{"dropWatches", true}});
  ASSERT_TRUE(waitUntil([&] { return heldWatches() + heldContinuedLists() == 1; }));
  ASSERT_TRUE(client_->remove(kConfigMaps, {"default", "p1"}));
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("p4", "1")));
  injectFault({{"expireResourceVersions", true}});
  holdWatches(false);
  // The relist has served its first page and waits for the second one...
  ASSERT_TRUE(waitUntil([&] { return heldContinuedLists() == 1; }));
  // ... whose continue token expires meanwhile.
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("p5", "1")));
  injectFault({{"expireResourceVersions", true}});
  const std::uint64_t compacted = std::stoull(faultState()["compactedResourceVersion"].get<std::string>());
  const std::size_t mark = requests(kCmPath).size();
  holdContinuedLists(false);

  const std::map<std::string, std::string> expected{{"p2", "1"}, {"p3", "1"}, {"p4", "1"},
                                                    {"p5", "1"}};
  ASSERT_EQ(serverValues(*client_, "default"), expected);
  ASSERT_TRUE(waitUntil([&] { return cachedValues(informer) == expected; }));
  ASSERT_TRUE(waitUntil([&] { return faultState()["openWatches"] == 1; }));
  ASSERT_TRUE(client_->create(kConfigMaps, configMap("p6", "1")));
  ASSERT_TRUE(waitUntil([&] { return log.adds("p6") == 1; }));
  informer.stop();

  EXPECT_EQ(log.deletes("p1"), 1);
  for (const std::string name : {"p2", "p3", "p4", "p5", "p6"}) {
    EXPECT_EQ(log.adds(name), 1) << name;
    EXPECT_EQ(log.deletes(name), 0) << name;
  }
  // The expired page made the informer start over from the latest state (a 410 on the continue
  // request, then a list with resourceVersion=""), and its next watch starts at the version of
  // that new list, not at the first page's, which is gone.
  const auto all = requests(kCmPath);
  bool continue_expired = false;
  bool watched = false;
  for (std::size_t i = mark; i < all.size(); ++i) {
    const LoggedRequest& r = all[i];
    if (r.method != "GET") {
      continue;
    }
    if (!r.isWatch()) {
      continue_expired = continue_expired || (r.query.contains("continue") && r.status == 410);
      continue;
    }
    watched = true;
    ASSERT_NE(r.resourceVersion(), "<none>");
    EXPECT_GE(std::stoull(r.resourceVersion()), compacted)
        << "a watch started from a version older than the relist that preceded it";
  }
  EXPECT_TRUE(continue_expired);
  EXPECT_TRUE(watched);
}

} // namespace
} // namespace rdr::client_emulator
