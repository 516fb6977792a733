// Tests of the work queue and its rate limiters: client-go semantics under a manual clock.
#include "rdr/runtime/work_queue.h"

#include <atomic>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "unit/runtime/test_support.h"

namespace rdr::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const kube::ObjectKey kA{"ns", "a"};
const kube::ObjectKey kB{"ns", "b"};
const kube::ObjectKey kC{"ns", "c"};

class WorkQueueTest : public ::testing::Test {
protected:
  testing::SharedManualClock clock_;
  WorkQueue queue_{clock_, defaultControllerRateLimiter(clock_)};
};

TEST_F(WorkQueueTest, DeduplicatesKeysWaitingInTheQueue) {
  queue_.add(kA);
  queue_.add(kA);
  queue_.add(kB);
  EXPECT_EQ(queue_.len(), 2u);
  EXPECT_EQ(queue_.tryGet(), kA);
  EXPECT_EQ(queue_.tryGet(), kB);
  EXPECT_EQ(queue_.tryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, ReAddDuringProcessingIsParkedUntilDone) {
  queue_.add(kA);
  ASSERT_EQ(queue_.tryGet(), kA);
  queue_.add(kA);
  queue_.add(kA);
  EXPECT_EQ(queue_.len(), 0u) << "a key being processed must not be handed out again";
  EXPECT_EQ(queue_.tryGet(), std::nullopt);
  queue_.done(kA);
  EXPECT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.tryGet(), kA);
  queue_.done(kA);
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, ShutDownDrainsThenReturnsNothingAndRefusesNewKeys) {
  queue_.add(kA);
  queue_.add(kB);
  queue_.shutDown();
  queue_.add(kC);
  EXPECT_TRUE(queue_.isShuttingDown());
  EXPECT_EQ(queue_.get(), kA);
  EXPECT_EQ(queue_.get(), kB);
  EXPECT_EQ(queue_.get(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownWakesABlockedGet) {
  std::atomic<bool> returned{false};
  std::optional<kube::ObjectKey> got = kA;
  std::thread worker([&] {
    got = queue_.get();
    returned = true;
  });
  queue_.shutDown();
  ASSERT_TRUE(testing::waitUntil([&] { return returned.load(); }));
  worker.join();
  EXPECT_EQ(got, std::nullopt);
}

TEST_F(WorkQueueTest, AddAfterHandsKeysOutInReadyOrder) {
  queue_.addAfter(kA, milliseconds(20));
  queue_.addAfter(kB, milliseconds(10));
  EXPECT_EQ(queue_.len(), 0u);
  EXPECT_EQ(queue_.delayedLen(), 2u);
  clock_.advance(milliseconds(10));
  EXPECT_EQ(queue_.tryGet(), kB);
  EXPECT_EQ(queue_.tryGet(), std::nullopt);
  clock_.advance(milliseconds(10));
  EXPECT_EQ(queue_.tryGet(), kA);
}

TEST_F(WorkQueueTest, AddAfterKeepsTheEarliestTime) {
  queue_.addAfter(kA, milliseconds(50));
  queue_.addAfter(kA, milliseconds(10));
  queue_.addAfter(kA, milliseconds(40));
  EXPECT_EQ(queue_.delayedLen(), 1u);
  clock_.advance(milliseconds(10));
  EXPECT_EQ(queue_.tryGet(), kA);
}

TEST_F(WorkQueueTest, BlockedGetSeesADelayedKeyOnceTheClockMoves) {
  queue_.addAfter(kA, seconds(5));
  std::optional<kube::ObjectKey> got;
  std::thread worker([&] { got = queue_.get(); });
  clock_.advance(seconds(5));
  queue_.notifyClockAdvanced();
  worker.join();
  EXPECT_EQ(got, kA);
}

TEST_F(WorkQueueTest, AddRateLimitedBacksOffPerKeyAndForgetResets) {
  queue_.addRateLimited(kA);
  EXPECT_EQ(queue_.numRequeues(kA), 1);
  clock_.advance(milliseconds(4));
  EXPECT_EQ(queue_.len(), 0u);
  clock_.advance(milliseconds(1));
  ASSERT_EQ(queue_.tryGet(), kA);
  queue_.done(kA);
  queue_.addRateLimited(kA);
  clock_.advance(milliseconds(9));
  EXPECT_EQ(queue_.len(), 0u) << "the second failure waits 10 ms";
  clock_.advance(milliseconds(1));
  EXPECT_EQ(queue_.len(), 1u);
  queue_.forget(kA);
  EXPECT_EQ(queue_.numRequeues(kA), 0);
}

TEST_F(WorkQueueTest, NeverHandsOneKeyToTwoWorkers) {
  std::mutex mutex;
  std::map<std::string, int> active;
  int max_active = 0;
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (auto key = queue_.get()) {
        {
          std::lock_guard lock(mutex);
          max_active = std::max(max_active, ++active[key->name]);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
          std::lock_guard lock(mutex);
          --active[key->name];
        }
        ++processed;
        queue_.done(*key);
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    queue_.add(i % 3 == 0 ? kA : kB);
  }
  ASSERT_TRUE(testing::waitUntil([&] { return queue_.len() == 0 && queue_.processingLen() == 0; }));
  queue_.shutDown();
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(max_active, 1);
  EXPECT_GE(processed.load(), 2);
}

TEST(RateLimiterTest, ItemExponentialDoublesFromFiveMillisecondsAndCaps) {
  ItemExponentialFailureRateLimiter limiter(milliseconds(5), seconds(1000));
  EXPECT_EQ(limiter.when(kA), milliseconds(5));
  EXPECT_EQ(limiter.when(kA), milliseconds(10));
  EXPECT_EQ(limiter.when(kA), milliseconds(20));
  EXPECT_EQ(limiter.when(kB), milliseconds(5)) << "keys are counted separately";
  for (int i = 0; i < 30; ++i) {
    (void)limiter.when(kA);
  }
  EXPECT_EQ(limiter.when(kA), seconds(1000));
  EXPECT_EQ(limiter.numRequeues(kA), 34);
  limiter.forget(kA);
  EXPECT_EQ(limiter.when(kA), milliseconds(5));
}

TEST(RateLimiterTest, BucketAllowsABurstThenTenPerSecond) {
  rdr::testing::ManualClock clock;
  BucketRateLimiter limiter(10.0, 100, clock);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limiter.when(kA), milliseconds(0)) << "burst token " << i;
  }
  EXPECT_EQ(limiter.when(kA), milliseconds(100));
  EXPECT_EQ(limiter.when(kB), milliseconds(200));
  clock.advance(seconds(1));
  EXPECT_EQ(limiter.when(kA), milliseconds(0)) << "one second refills ten tokens (debt was two)";
}

TEST(RateLimiterTest, MaxOfTakesTheLongestDelay) {
  rdr::testing::ManualClock clock;
  std::vector<std::unique_ptr<RateLimiter>> parts;
  parts.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(milliseconds(5),
                                                                      seconds(1000)));
  parts.push_back(std::make_unique<BucketRateLimiter>(10.0, 1, clock));
  MaxOfRateLimiter limiter(std::move(parts));
  EXPECT_EQ(limiter.when(kA), milliseconds(5));   // bucket: the one saved token
  EXPECT_EQ(limiter.when(kA), milliseconds(100)); // bucket: 100 ms > 10 ms
  EXPECT_EQ(limiter.numRequeues(kA), 2);
  limiter.forget(kA);
  EXPECT_EQ(limiter.numRequeues(kA), 0);
}

} // namespace
} // namespace rdr::runtime
