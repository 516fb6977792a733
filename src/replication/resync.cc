// Partial or full resync, from the source's counters (rules in resync.h).
#include "rdr/replication/resync.h"

namespace rdr::replication {

ResyncTracker trackResync(ResyncTracker before, const SyncCounters& now, bool link_up,
                          std::optional<ResyncKind> stored) {
  ResyncTracker after = before;
  if (!before.link_up && link_up) { // rule 1
    if (now.sync_full > before.counters.sync_full) { // rule 2
      after.pending = ResyncKind::Full;
      after.evidence = "the source's sync_full went from " +
                       std::to_string(before.counters.sync_full) + " to " +
                       std::to_string(now.sync_full);
    } else if (now.sync_partial_ok > before.counters.sync_partial_ok) {
      after.pending = ResyncKind::Partial;
      after.evidence = "the source's sync_partial_ok went from " +
                       std::to_string(before.counters.sync_partial_ok) + " to " +
                       std::to_string(now.sync_partial_ok);
    }
  } else if (before.pending && stored == before.pending) { // rule 4
    after.pending.reset();
    after.evidence.clear();
  }
  if (link_up) { // rule 3
    after.counters = now;
  }
  after.link_up = link_up;
  return after;
}

} // namespace rdr::replication
