// runtime::Controller fed by an Informer on RedisClusters of the emulator, with a real reconciler.
#include <algorithm>
#include <atomic>

#include "emulator_fixture.h"
#include "rdr/runtime/controller.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::client_emulator {
namespace {

const kube::Resource kClusters = kube::resources::redisClusters();

// Writes status.observedGeneration = metadata.generation of the cached object, through the status
// subresource with the cached resourceVersion (so a stale cache gets a real 409). For the object
// named `contended`, another writer changes it just before the first status write.
class ObservedGenerationReconciler final : public runtime::Reconciler {
public:
  ObservedGenerationReconciler(const runtime::Informer& informer, kube::Client& client,
                               kube::Client& other_writer)
      : informer_(informer), client_(client), other_writer_(other_writer) {}

  Result<runtime::ReconcileResult> reconcile(const kube::ObjectKey& key) override {
    auto object = informer_.cache().get(key);
    std::lock_guard lock(mutex_);
    ++reconciles_[key.name];
    if (!object) {
      return runtime::ReconcileResult{}; // deleted: nothing to do
    }
    const auto generation = (*object)["metadata"].value("generation", std::int64_t{0});
    const json status = object->value("status", json::object());
    if (status.value("observedGeneration", std::int64_t{-1}) == generation) {
      return runtime::ReconcileResult{};
    }
    if (key.name == "contended" && !interfered_) {
      interfered_ = true;
      auto theirs = other_writer_.patch(kClusters, key, kube::PatchType::Merge,
                                        {{"metadata", {{"labels", {{"touched", "yes"}}}}}});
      if (!theirs) {
        return theirs.error();
      }
    }
    json write = *object;
    write["status"] = {{"observedGeneration", generation}, {"phase", "Creating"}};
    auto written = client_.updateStatus(kClusters, write);
    if (!written) {
      outcomes_[key.name].push_back(written.error().code() == ErrorCode::Conflict ? "conflict"
                                                                                 : "error");
      return written.error();
    }
    outcomes_[key.name].push_back("wrote generation " + std::to_string(generation));
    return runtime::ReconcileResult{};
  }

  std::vector<std::string> outcomes(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = outcomes_.find(name);
    return it == outcomes_.end() ? std::vector<std::string>{} : it->second;
  }
  int reconciles(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = reconciles_.find(name);
    return it == reconciles_.end() ? 0 : it->second;
  }

private:
  const runtime::Informer& informer_;
  kube::Client& client_;
  kube::Client& other_writer_;
  mutable std::mutex mutex_;
  bool interfered_ = false;
  std::map<std::string, int> reconciles_;
  std::map<std::string, std::vector<std::string>> outcomes_;
};

json cluster(const std::string& name, int instances) {
  return {{"apiVersion", "redis.io/v1"},
          {"kind", "RedisCluster"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"instances", instances}, {"storage", {{"size", "1Gi"}}}}}};
}

std::int64_t observedGeneration(kube::Client& client, const std::string& name) {
  auto object = client.get(kClusters, {"default", name});
  if (!object) {
    return -2;
  }
  return object->value("status", json::object()).value("observedGeneration", std::int64_t{-1});
}

TEST_F(ClientEmulatorTest, ControllerReconcilesEveryChangeOnceAndRetriesAConflict) {
  auto other = newClient();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(client_->create(kClusters, cluster("before-start", 3)));
  runtime::Informer informer(*client_, kClusters, informerOptions(), clock_,
                             runtime::RealSleeper::instance());
  ObservedGenerationReconciler reconciler(informer, *client_, *other);
  runtime::Controller controller({"redisclusters", 1, {}}, reconciler, clock_);
  // Stop the workers before the informer (and both before the reconciler goes).
  struct Stopper {
    runtime::Controller& controller;
    runtime::Informer& informer;
    ~Stopper() {
      controller.stop();
      informer.stop();
    }
  } stopper{controller, informer};
  informer.addHandlers(controller.enqueueObject());
  controller.start();
  informer.start();

  ASSERT_TRUE(waitUntil([&] { return observedGeneration(*client_, "before-start") == 1; }));
  for (const std::string name : {"one", "two", "three"}) {
    ASSERT_TRUE(client_->create(kClusters, cluster(name, 3)));
  }
  ASSERT_TRUE(client_->create(kClusters, cluster("contended", 3)));
  for (const std::string name : {"one", "two", "three", "contended"}) {
    ASSERT_TRUE(waitUntil([&] { return observedGeneration(*client_, name) == 1; })) << name;
  }
  // A spec change (generation 2) is reconciled once more.
  auto two = client_->get(kClusters, {"default", "two"});
  ASSERT_TRUE(two);
  (*two)["spec"]["instances"] = 5;
  ASSERT_TRUE(client_->update(kClusters, *two));
  ASSERT_TRUE(waitUntil([&] { return observedGeneration(*client_, "two") == 2; }));
  // Let any reconcile triggered by our own status writes finish.
  ASSERT_TRUE(waitUntil([&] {
    return controller.queue().len() == 0 && controller.queue().processingLen() == 0 &&
           controller.queue().delayedLen() == 0;
  }));

  // One status write per object and generation: no change was lost or handled twice.
  for (const std::string name : {"before-start", "one", "three"}) {
    EXPECT_EQ(reconciler.outcomes(name), (std::vector<std::string>{"wrote generation 1"})) << name;
  }
  EXPECT_EQ(reconciler.outcomes("two"),
            (std::vector<std::string>{"wrote generation 1", "wrote generation 2"}));
  // The contended object: the first write hit a real Conflict, a retry succeeded, once. (A
  // reconcile that ran on a cache still lagging behind the success may conflict again: harmless.)
  const auto contended = reconciler.outcomes("contended");
  ASSERT_GE(contended.size(), 2u);
  EXPECT_EQ(contended.front(), "conflict");
  EXPECT_EQ(std::count(contended.begin(), contended.end(), "wrote generation 1"), 1);
  EXPECT_EQ(std::count(contended.begin(), contended.end(), "conflict"),
            static_cast<std::ptrdiff_t>(contended.size()) - 1);
  auto touched = client_->get(kClusters, {"default", "contended"});
  ASSERT_TRUE(touched);
  EXPECT_EQ((*touched)["metadata"]["labels"]["touched"], "yes");

  // A delete reaches the reconciler too (and it finds nothing left to do).
  const int before = reconciler.reconciles("one");
  ASSERT_TRUE(client_->remove(kClusters, {"default", "one"}));
  EXPECT_TRUE(waitUntil([&] { return reconciler.reconciles("one") == before + 1; }));
  EXPECT_EQ(reconciler.outcomes("one").size(), 1u);
}

} // namespace
} // namespace rdr::client_emulator
