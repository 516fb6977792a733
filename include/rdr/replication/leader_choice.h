// Which pod becomes the primary when the current one is lost or must be replaced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rdr::replication {

struct Candidate {
  std::string name;
  int ordinal = 0;
  bool reachable = false;      // answered this round's probe
  bool deleting = false;       // its pod is being deleted
  bool link_recently_up = false; // its link to the lost primary is up or went down recently
  std::int64_t offset = 0;     // processed replication offset

  bool operator==(const Candidate&) const = default;
};

struct LeaderChoice {
  std::optional<std::string> chosen;
  std::string explanation; // why, or why nobody: for conditions, Events and logs
};

// Chooses the new primary among the candidates (the caller leaves out the lost primary, and for a
// planned hand-over the pods that do not stream from it), as Sentinel does:
// 1. only pods that answered this round and are not being deleted are eligible;
// 2. prefer a pod whose link to the lost primary is up or was up recently (its data is current);
// 3. then the highest processed offset (the least data lost);
// 4. then the lowest ordinal (a stable, predictable answer).
LeaderChoice chooseLeader(const std::vector<Candidate>& candidates);

} // namespace rdr::replication
