// RestClient writes against the emulator: conflicts, the status subresource, finalizers.
#include <mutex>
#include <thread>
#include <vector>

#include "emulator_fixture.h"

namespace rdr::client_emulator {
namespace {

const kube::Resource kClusters = kube::resources::redisClusters();
const kube::Resource kConnections = kube::resources::activeRedisConnections();

std::int64_t generationOf(const json& object) {
  return object.at("metadata").value("generation", std::int64_t{-1});
}

TEST_F(ClientEmulatorTest, ConflictingUpdateIsRetriedAfterRereading) {
  createNamespace("ce-conflict");
  const json manifest = seed("003-redis-east.yaml", "ce-conflict");
  ASSERT_TRUE(client_->create(kClusters, manifest));
  auto other = newClient();
  ASSERT_NE(other, nullptr);
  const kube::ObjectKey key{"ce-conflict", "redis-east"};
  auto mine = client_->get(kClusters, key);
  auto theirs = other->get(kClusters, key);
  ASSERT_TRUE(mine);
  ASSERT_TRUE(theirs);
  ASSERT_EQ((*mine)["metadata"]["resourceVersion"], (*theirs)["metadata"]["resourceVersion"]);

  (*mine)["spec"]["instances"] = 3;
  auto first = client_->update(kClusters, *mine);
  ASSERT_TRUE(first) << first.error().toString();
  (*theirs)["spec"]["instances"] = 7;
  auto second = other->update(kClusters, *theirs);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::Conflict);
  EXPECT_EQ(second.error().message(),
            "Operation cannot be fulfilled on redisclusters.redis.io \"redis-east\": the object "
            "has been modified; please apply your changes to the latest version and try again");

  // Re-read, re-apply the change, succeed.
  auto reread = other->get(kClusters, key);
  ASSERT_TRUE(reread);
  EXPECT_EQ((*reread)["spec"]["instances"], 3);
  (*reread)["spec"]["instances"] = 7;
  auto retried = other->update(kClusters, *reread);
  ASSERT_TRUE(retried) << retried.error().toString();
  EXPECT_EQ((*retried)["spec"]["instances"], 7);
  EXPECT_EQ(generationOf(*retried), 3);
  auto final_state = client_->get(kClusters, key);
  ASSERT_TRUE(final_state);
  EXPECT_EQ((*final_state)["spec"]["instances"], 7);
  EXPECT_EQ((*final_state)["metadata"]["resourceVersion"], (*retried)["metadata"]["resourceVersion"]);
}

TEST_F(ClientEmulatorTest, StatusSubresourceChangesOnlyStatusAndGenerationFollowsSpec) {
  ASSERT_TRUE(client_->create(kClusters, seed("003-redis-east.yaml", "default")));
  const kube::ObjectKey key{"default", "redis-east"};
  auto created = client_->get(kClusters, key);
  ASSERT_TRUE(created);
  EXPECT_EQ(generationOf(*created), 1);
  EXPECT_FALSE(created->contains("status") && !(*created)["status"].empty());

  // updateStatus takes .status only: a spec change in the same object is ignored.
  json statusWrite = *created;
  statusWrite["spec"]["instances"] = 9;
  statusWrite["status"] = {{"phase", "Healthy"}, {"observedGeneration", 1}};
  auto afterStatus = client_->updateStatus(kClusters, statusWrite);
  ASSERT_TRUE(afterStatus) << afterStatus.error().toString();
  EXPECT_EQ((*afterStatus)["spec"]["instances"], 5);
  EXPECT_EQ((*afterStatus)["status"]["phase"], "Healthy");
  EXPECT_EQ(generationOf(*afterStatus), 1);

  // The main endpoint ignores .status; a metadata-only change keeps the generation.
  json mainWrite = *afterStatus;
  mainWrite["status"] = {{"phase", "Failed"}, {"observedGeneration", 0}};
  mainWrite["metadata"]["labels"] = {{"team", "dr"}};
  auto afterMain = client_->update(kClusters, mainWrite);
  ASSERT_TRUE(afterMain) << afterMain.error().toString();
  EXPECT_EQ((*afterMain)["status"]["phase"], "Healthy");
  EXPECT_EQ((*afterMain)["status"]["observedGeneration"], 1);
  EXPECT_EQ((*afterMain)["metadata"]["labels"]["team"], "dr");
  EXPECT_EQ(generationOf(*afterMain), 1);

  // A spec change moves the generation; the status still reports the old one.
  json specWrite = *afterMain;
  specWrite["spec"]["instances"] = 7;
  auto afterSpec = client_->update(kClusters, specWrite);
  ASSERT_TRUE(afterSpec) << afterSpec.error().toString();
  EXPECT_EQ(generationOf(*afterSpec), 2);
  EXPECT_EQ((*afterSpec)["status"]["observedGeneration"], 1);

  // The operator catches up: observedGeneration round-trips through the status subresource.
  json catchUp = *afterSpec;
  catchUp["status"]["observedGeneration"] = generationOf(*afterSpec);
  auto caughtUp = client_->updateStatus(kClusters, catchUp);
  ASSERT_TRUE(caughtUp) << caughtUp.error().toString();
  EXPECT_EQ(generationOf(*caughtUp), 2);
  auto read = client_->get(kClusters, key);
  ASSERT_TRUE(read);
  EXPECT_EQ((*read)["status"]["observedGeneration"], 2);
  EXPECT_EQ(generationOf(*read), 2);
  EXPECT_EQ((*read)["spec"]["instances"], 7);

  // A merge patch of the status subresource does not touch the spec either.
  auto patched = client_->patch(kClusters, key, kube::PatchType::Merge,
                                {{"spec", {{"instances", 1}}}, {"status", {{"phase", "Degraded"}}}},
                                {}, "status");
  ASSERT_TRUE(patched) << patched.error().toString();
  EXPECT_EQ((*patched)["status"]["phase"], "Degraded");
  EXPECT_EQ((*patched)["spec"]["instances"], 7);
  EXPECT_EQ(generationOf(*patched), 2);
}

// Collects the event types of one watch on a background thread until DELETED or cancel().
class EventCollector {
public:
  explicit EventCollector(std::unique_ptr<kube::WatchStream> stream) : stream_(std::move(stream)) {
    thread_ = std::thread([this] {
      for (;;) {
        auto next = stream_->next();
        if (!next || !next->has_value()) {
          return;
        }
        std::lock_guard lock(mutex_);
        events_.push_back(**next);
        if ((*next)->type == kube::WatchEventType::Deleted) {
          return;
        }
      }
    });
  }
  ~EventCollector() {
    stream_->cancel();
    thread_.join();
  }
  std::vector<kube::WatchEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool sawDeletionMark() const {
    std::lock_guard lock(mutex_);
    for (const auto& e : events_) {
      if (e.type == kube::WatchEventType::Modified &&
          e.object.at("metadata").contains("deletionTimestamp")) {
        return true;
      }
    }
    return false;
  }
  bool sawDeleted() const {
    std::lock_guard lock(mutex_);
    return !events_.empty() && events_.back().type == kube::WatchEventType::Deleted;
  }

private:
  std::unique_ptr<kube::WatchStream> stream_;
  mutable std::mutex mutex_;
  std::vector<kube::WatchEvent> events_;
  std::thread thread_;
};

TEST_F(ClientEmulatorTest, FinalizerHoldsADeletedObjectUntilItIsRemoved) {
  json connection = seed("000-c6-dest-conn.yaml", "default");
  connection["metadata"]["finalizers"] = {"redis.io/test-cleanup"};
  auto created = client_->create(kConnections, connection);
  ASSERT_TRUE(created) << created.error().toString();
  kube::WatchOptions options;
  options.resource_version = (*created)["metadata"]["resourceVersion"].get<std::string>();
  options.timeout = 30s;
  auto stream = client_->watch(kConnections, "default", options);
  ASSERT_TRUE(stream) << stream.error().toString();
  EventCollector watcher(std::move(stream).value());
  const kube::ObjectKey key{"default", "c6-dest-conn"};

  ASSERT_TRUE(client_->remove(kConnections, key));
  auto marked = client_->get(kConnections, key);
  ASSERT_TRUE(marked) << "an object with a finalizer must survive its delete";
  EXPECT_TRUE((*marked)["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ((*marked)["metadata"]["finalizers"], json::array({"redis.io/test-cleanup"}));
  ASSERT_TRUE(waitUntil([&] { return watcher.sawDeletionMark(); }));
  EXPECT_FALSE(watcher.sawDeleted());
  // A second delete changes nothing; the object is still there.
  ASSERT_TRUE(client_->remove(kConnections, key));
  ASSERT_TRUE(client_->get(kConnections, key));

  auto released = client_->patch(kConnections, key, kube::PatchType::Merge,
                                 {{"metadata", {{"finalizers", nullptr}}}});
  ASSERT_TRUE(released) << released.error().toString();
  auto gone = client_->get(kConnections, key);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), ErrorCode::NotFound);
  ASSERT_TRUE(waitUntil([&] { return watcher.sawDeleted(); }));
  const auto events = watcher.events();
  EXPECT_EQ(events.back().object["metadata"]["name"], "c6-dest-conn");
  EXPECT_TRUE(events.back().object["metadata"].contains("deletionTimestamp"));
}

} // namespace
} // namespace rdr::client_emulator
