// trackResync: the rounds of a leader's link and its source's counters, as a table.
#include <gtest/gtest.h>

#include "rdr/replication/resync.h"

namespace rdr::replication {
namespace {

struct Round {
  SyncCounters counters;
  bool link_up;
  std::optional<ResyncKind> stored;
  std::optional<ResyncKind> pending_after;
};

struct Case {
  const char* name;
  ResyncTracker start;
  std::vector<Round> rounds;
};

TEST(TrackResync, FollowsTheNumberedRules) {
  const Case cases[] = {
      {"rule 2: a full sync while the link was down",
       firstResyncTracker({3, 1}, false),
       {{{4, 1}, true, std::nullopt, ResyncKind::Full}}},
      {"rule 2: a partial sync",
       firstResyncTracker({3, 1}, true),
       {{{3, 1}, false, std::nullopt, std::nullopt}, {{3, 2}, true, std::nullopt, ResyncKind::Partial}}},
      {"rule 2: counters unchanged: nothing claimed",
       firstResyncTracker({3, 1}, false),
       {{{3, 1}, true, std::nullopt, std::nullopt}}},
      {"rule 3: a sync counted while down is still seen when the link comes up",
       firstResyncTracker({3, 1}, true),
       {{{3, 1}, false, std::nullopt, std::nullopt},
        {{4, 1}, false, std::nullopt, std::nullopt},
        {{4, 1}, true, std::nullopt, ResyncKind::Full}}},
      {"rule 4: pending until the status shows it",
       firstResyncTracker({3, 1}, false),
       {{{4, 1}, true, std::nullopt, ResyncKind::Full},
        {{4, 1}, true, std::nullopt, ResyncKind::Full},
        {{4, 1}, true, ResyncKind::Full, std::nullopt}}},
      {"rule 1: a link that stays up claims nothing",
       firstResyncTracker({3, 1}, true),
       {{{5, 4}, true, std::nullopt, std::nullopt}}},
  };
  for (const Case& c : cases) {
    ResyncTracker tracker = c.start;
    int round = 0;
    for (const Round& r : c.rounds) {
      tracker = trackResync(tracker, r.counters, r.link_up, r.stored);
      EXPECT_EQ(tracker.pending, r.pending_after) << c.name << ", round " << round++;
    }
  }
  const ResyncTracker full = trackResync(firstResyncTracker({3, 1}, false), {4, 1}, true, std::nullopt);
  EXPECT_EQ(full.evidence, "the source's sync_full went from 3 to 4");
}

} // namespace
} // namespace rdr::replication
