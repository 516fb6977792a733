// Tests of the reflector's exponential backoff: growth, cap, jitter bounds, quiet-period reset.
#include "rdr/runtime/backoff.h"

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"

namespace rdr::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ExponentialBackoffTest, DoublesFrom800MillisecondsUpTo30Seconds) {
  rdr::testing::ManualClock clock;
  BackoffOptions options;
  options.jitter = 0.0;
  ExponentialBackoff backoff(options, clock);
  std::vector<milliseconds> delays;
  for (int i = 0; i < 8; ++i) {
    delays.push_back(backoff.next());
    clock.advance(delays.back());
  }
  EXPECT_EQ(delays, (std::vector<milliseconds>{milliseconds(800), milliseconds(1600),
                                                milliseconds(3200), milliseconds(6400),
                                                milliseconds(12'800), milliseconds(25'600),
                                                milliseconds(30'000), milliseconds(30'000)}));
}

TEST(ExponentialBackoffTest, StartsOverAfterTwoQuietMinutes) {
  rdr::testing::ManualClock clock;
  BackoffOptions options;
  options.jitter = 0.0;
  ExponentialBackoff backoff(options, clock);
  (void)backoff.next();
  (void)backoff.next();
  clock.advance(seconds(120));
  EXPECT_EQ(backoff.next(), milliseconds(3200)) << "exactly two minutes is not yet quiet";
  clock.advance(seconds(120) + milliseconds(1));
  EXPECT_EQ(backoff.next(), milliseconds(800));
}

TEST(ExponentialBackoffTest, JitterAddsUpToOneFullDelay) {
  rdr::testing::ManualClock clock;
  ExponentialBackoff backoff(BackoffOptions{}, clock);
  bool varied = false;
  for (int i = 0; i < 50; ++i) {
    backoff.reset();
    const milliseconds delay = backoff.next();
    EXPECT_GE(delay, milliseconds(800));
    EXPECT_LT(delay, milliseconds(1600));
    varied = varied || delay != milliseconds(800);
  }
  EXPECT_TRUE(varied);
}

} // namespace
} // namespace rdr::runtime
