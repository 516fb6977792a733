// Tests of the controller: the error → retry table, requeue_after, owner mapping, workers, shutdown.
#include "rdr/runtime/controller.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "unit/runtime/test_support.h"

namespace rdr::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const kube::ObjectKey kKey{"ns", "redis"};

// Replays scripted outcomes (or runs a hook) for each reconcile.
class ScriptedReconciler final : public Reconciler {
public:
  std::function<Result<ReconcileResult>(const kube::ObjectKey&)> hook;
  std::atomic<int> calls{0};

  Result<ReconcileResult> reconcile(const kube::ObjectKey& key) override {
    ++calls;
    return hook ? hook(key) : Result<ReconcileResult>(ReconcileResult{});
  }
};

Result<ReconcileResult> fail(ErrorCode code) { return Error(code, "scripted failure"); }

TEST(DecideRetryTest, MapsEveryOutcomeToItsQueueAction) {
  struct Case {
    Result<ReconcileResult> outcome;
    QueueAction action;
    int rule;
  };
  const std::vector<Case> cases = {
      {ReconcileResult{milliseconds(30'000)}, QueueAction::RequeueAfter, 1},
      {ReconcileResult{}, QueueAction::Forget, 2},
      {ReconcileResult{milliseconds(0)}, QueueAction::Forget, 2},
      {fail(ErrorCode::Conflict), QueueAction::RequeueNow, 3},
      {fail(ErrorCode::NotFound), QueueAction::Forget, 4},
      {fail(ErrorCode::Invalid), QueueAction::DropUntilChanged, 5},
      {fail(ErrorCode::Terminal), QueueAction::DropUntilChanged, 5},
      {fail(ErrorCode::Unsupported), QueueAction::DropUntilChanged, 5},
      {fail(ErrorCode::Forbidden), QueueAction::DropUntilChanged, 5},
      {fail(ErrorCode::Transient), QueueAction::RequeueRateLimited, 6},
      {fail(ErrorCode::Internal), QueueAction::RequeueRateLimited, 6},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const RetryDecision decision = decideRetry(cases[i].outcome);
    EXPECT_EQ(decision.action, cases[i].action) << "case " << i;
    EXPECT_EQ(decision.rule, cases[i].rule) << "case " << i;
  }
  EXPECT_EQ(decideRetry(ReconcileResult{milliseconds(30'000)}).after, milliseconds(30'000));
}

class ControllerTest : public ::testing::Test {
protected:
  // Fails once with Transient, so that a later forget() is observable, then runs `outcome`.
  void reconcileAfterOneFailure(Result<ReconcileResult> outcome) {
    int call = 0;
    reconciler_.hook = [&call, outcome](const kube::ObjectKey&) -> Result<ReconcileResult> {
      return call++ == 0 ? fail(ErrorCode::Transient) : outcome;
    };
    controller_.enqueue(kKey);
    ASSERT_TRUE(controller_.processNextItem());
    ASSERT_EQ(controller_.queue().numRequeues(kKey), 1);
    clock_.advance(milliseconds(5));
    ASSERT_TRUE(controller_.processNextItem());
    reconciler_.hook = nullptr;
  }

  testing::SharedManualClock clock_;
  ScriptedReconciler reconciler_;
  Controller controller_{ControllerOptions{"test", 1, {}}, reconciler_, clock_};
};

TEST_F(ControllerTest, ConflictRequeuesAtOnceThroughTheRateLimiter) {
  reconciler_.hook = [](const kube::ObjectKey&) { return fail(ErrorCode::Conflict); };
  controller_.enqueue(kKey);
  ASSERT_TRUE(controller_.processNextItem());
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 1);
  clock_.advance(milliseconds(5));
  EXPECT_EQ(controller_.queue().len(), 1u);
}

TEST_F(ControllerTest, TransientBacksOffExponentially) {
  reconciler_.hook = [](const kube::ObjectKey&) { return fail(ErrorCode::Transient); };
  controller_.enqueue(kKey);
  ASSERT_TRUE(controller_.processNextItem());
  clock_.advance(milliseconds(5));
  ASSERT_TRUE(controller_.processNextItem());
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 2);
  clock_.advance(milliseconds(9));
  EXPECT_FALSE(controller_.processNextItem()) << "the second retry waits 10 ms";
  clock_.advance(milliseconds(1));
  EXPECT_TRUE(controller_.processNextItem());
}

TEST_F(ControllerTest, NotFoundIsDone) {
  reconcileAfterOneFailure(fail(ErrorCode::NotFound));
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 0);
  clock_.advance(seconds(1000));
  EXPECT_EQ(controller_.queue().len(), 0u);
}

TEST_F(ControllerTest, InvalidTerminalAndUnsupportedAreNotRetried) {
  for (ErrorCode code : {ErrorCode::Invalid, ErrorCode::Terminal, ErrorCode::Unsupported}) {
    reconcileAfterOneFailure(fail(code));
    EXPECT_EQ(controller_.queue().numRequeues(kKey), 0) << errorCodeName(code);
    clock_.advance(seconds(1000));
    EXPECT_EQ(controller_.queue().len(), 0u) << errorCodeName(code);
  }
}

TEST_F(ControllerTest, RequeueAfterForgetsFailuresAndComesBackOnTime) {
  reconcileAfterOneFailure(ReconcileResult{milliseconds(30'000)});
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 0);
  clock_.advance(milliseconds(29'999));
  EXPECT_EQ(controller_.queue().len(), 0u);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(controller_.queue().len(), 1u);
}

TEST_F(ControllerTest, SuccessForgets) {
  reconcileAfterOneFailure(ReconcileResult{});
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 0);
  EXPECT_EQ(controller_.queue().delayedLen(), 0u);
}

TEST_F(ControllerTest, AnExceptionIsCaughtAndTreatedAsTransient) {
  reconciler_.hook = [](const kube::ObjectKey&) -> Result<ReconcileResult> {
    throw std::runtime_error("boom");
  };
  controller_.enqueue(kKey);
  ASSERT_TRUE(controller_.processNextItem());
  EXPECT_EQ(controller_.queue().numRequeues(kKey), 1);
  EXPECT_EQ(controller_.queue().delayedLen(), 1u);
}

TEST_F(ControllerTest, EnqueueObjectUsesTheObjectsOwnKey) {
  const EventHandlers handlers = controller_.enqueueObject();
  handlers.on_update({}, {{"metadata", {{"namespace", "ns"}, {"name", "redis"}}}});
  EXPECT_EQ(controller_.queue().tryGet(), kKey);
}

TEST_F(ControllerTest, OnGenerationChangeIgnoresStatusOnlyUpdates) {
  const EventHandlers handlers = onGenerationChange(controller_.enqueueObject());
  const nlohmann::json before = {
      {"metadata", {{"namespace", "ns"}, {"name", "redis"}, {"generation", 3}}},
      {"status", {{"phase", "Creating"}}}};
  nlohmann::json status_only = before;
  status_only["status"]["phase"] = "Healthy";
  handlers.on_update(before, status_only);
  EXPECT_EQ(controller_.queue().len(), 0u) << "a status write must not wake the controller";

  nlohmann::json spec_changed = before;
  spec_changed["metadata"]["generation"] = 4;
  handlers.on_update(before, spec_changed);
  EXPECT_EQ(controller_.queue().tryGet(), kKey);
  controller_.queue().done(kKey);

  nlohmann::json deleting = before;
  deleting["metadata"]["deletionTimestamp"] = "2026-11-22T10:00:00Z";
  handlers.on_update(before, deleting);
  EXPECT_EQ(controller_.queue().len(), 1u);
  handlers.on_add(before);
  handlers.on_delete(before);
  EXPECT_EQ(controller_.queue().len(), 1u) << "adds and deletes pass (deduplicated by key)";
}

TEST_F(ControllerTest, EnqueueOwnerMapsOwnedObjectsToTheirControllerOfTheKind) {
  const EventHandlers handlers = controller_.enqueueOwner("RedisCluster");
  const nlohmann::json pod = {
      {"metadata",
       {{"namespace", "ns"},
        {"name", "redis-0"},
        {"ownerReferences",
         {{{"kind", "RedisCluster"}, {"name", "other"}, {"controller", false}},
          {{"kind", "StatefulSet"}, {"name", "sts"}, {"controller", true}},
          {{"kind", "RedisCluster"}, {"name", "redis"}, {"controller", true}}}}}}};
  handlers.on_add(pod);
  EXPECT_EQ(controller_.queue().tryGet(), kKey);
  EXPECT_EQ(controller_.queue().tryGet(), std::nullopt);
  handlers.on_delete({{"metadata", {{"namespace", "ns"}, {"name", "orphan"}}}});
  EXPECT_EQ(controller_.queue().len(), 0u);
}

TEST_F(ControllerTest, StopWaitsForTheInFlightReconcile) {
  std::mutex mutex;
  std::condition_variable cv;
  bool entered = false;
  bool may_finish = false;
  std::atomic<bool> finished{false};
  reconciler_.hook = [&](const kube::ObjectKey&) -> Result<ReconcileResult> {
    std::unique_lock lock(mutex);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return may_finish; });
    finished = true;
    return ReconcileResult{};
  };
  controller_.start();
  controller_.enqueue(kKey);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, seconds(5), [&] { return entered; }));
  }
  std::atomic<bool> stopped{false};
  bool finished_when_stopped = false;
  std::thread stopper([&] {
    controller_.stop();
    finished_when_stopped = finished.load();
    stopped = true;
  });
  EXPECT_TRUE(testing::waitUntil([&] { return controller_.queue().isShuttingDown(); }));
  controller_.enqueue({"ns", "late"});
  EXPECT_FALSE(stopped.load());
  {
    std::lock_guard lock(mutex);
    may_finish = true;
    cv.notify_all();
  }
  stopper.join();
  EXPECT_TRUE(finished_when_stopped);
  EXPECT_EQ(reconciler_.calls.load(), 1) << "no intake after stop";
}

TEST_F(ControllerTest, WorkersReconcileEveryEnqueuedKey) {
  Controller controller(ControllerOptions{"multi", 3, {}}, reconciler_, clock_);
  controller.start();
  for (int i = 0; i < 20; ++i) {
    controller.enqueue({"ns", "obj-" + std::to_string(i)});
  }
  EXPECT_TRUE(testing::waitUntil([&] { return reconciler_.calls.load() == 20; }));
  controller.stop();
  EXPECT_EQ(reconciler_.calls.load(), 20);
}

// WaitForCacheSync: nothing is reconciled before the caches have synced (a cold cache would take
// a missing object for a deleted one), and a stop while waiting returns at once.
TEST_F(ControllerTest, WorkersWaitForTheCachesToSync) {
  std::atomic<bool> synced{false};
  Controller controller(ControllerOptions{"gated", 2, [&] { return synced.load(); }}, reconciler_,
                        clock_);
  controller.start();
  controller.enqueue({"ns", "early"});
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(reconciler_.calls.load(), 0) << "reconciled against a cold cache";
  synced = true;
  EXPECT_TRUE(testing::waitUntil([&] { return reconciler_.calls.load() == 1; }));
  controller.stop();

  Controller never(ControllerOptions{"never", 1, [] { return false; }}, reconciler_, clock_);
  never.start();
  never.stop(); // returns although the caches never synced
}

} // namespace
} // namespace rdr::runtime
