// Telling a partial from a full resync of a leader by its source's sync counters (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rdr::replication {

enum class ResyncKind { Partial, Full };

// The source's INFO stats counters that count the syncs it served.
struct SyncCounters {
  std::int64_t sync_full = 0;
  std::int64_t sync_partial_ok = 0;
};

// What is remembered between two probe rounds.
struct ResyncTracker {
  SyncCounters counters;              // from before the current outage
  bool link_up = false;               // the leader's link at the last round
  std::optional<ResyncKind> pending;  // detected, not yet in the stored status
  std::string evidence;               // "the source's sync_full went from 3 to 4"
};

// One round. Rules:
// 1. a resync is the leader's link going from down to up between two rounds;
// 2. Full when the source's sync_full grew since the link was last seen up, else Partial when
//    sync_partial_ok grew; neither: nothing is claimed (another replica of the source may have
//    synced meanwhile: the counters are the source's, which is what Redis offers);
// 3. the counters are kept while the link is down, so a sync that starts and ends between two
//    rounds is still counted;
// 4. a detection stays pending until the stored status shows it (a failed status write must not
//    lose it).
// @param stored the stored status's last resync, if any.
ResyncTracker trackResync(ResyncTracker before, const SyncCounters& now, bool link_up,
                          std::optional<ResyncKind> stored);

// A tracker seen for the first time: nothing to compare yet.
inline ResyncTracker firstResyncTracker(const SyncCounters& now, bool link_up) {
  return ResyncTracker{now, link_up, std::nullopt, {}};
}

} // namespace rdr::replication
