// Leader choice (rules in leader_choice.h).
#include "rdr/replication/leader_choice.h"

#include <algorithm>
#include <tuple>

namespace rdr::replication {

LeaderChoice chooseLeader(const std::vector<Candidate>& candidates) {
  std::vector<const Candidate*> eligible;
  std::string excluded;
  for (const Candidate& candidate : candidates) {
    if (candidate.reachable && !candidate.deleting) { // rule 1
      eligible.push_back(&candidate);
      continue;
    }
    excluded += (excluded.empty() ? "" : ", ") + candidate.name +
                (candidate.deleting ? " (being deleted)" : " (unreachable)");
  }
  if (eligible.empty()) {
    return {std::nullopt, candidates.empty()
                              ? "there is no other pod to promote"
                              : "no other pod can be promoted: " + excluded};
  }
  // Rules 2-4 as one ordering: recent link first, then offset, then ordinal.
  const auto key = [](const Candidate* c) {
    return std::make_tuple(!c->link_recently_up, -c->offset, c->ordinal);
  };
  const Candidate* best =
      *std::min_element(eligible.begin(), eligible.end(),
                        [&](const Candidate* a, const Candidate* b) { return key(a) < key(b); });
  std::string why = best->name + " (offset " + std::to_string(best->offset) +
                    (best->link_recently_up ? ", link recently up" : ", link down for long") +
                    ", ordinal " + std::to_string(best->ordinal) + ")";
  if (eligible.size() > 1) {
    why += " among " + std::to_string(eligible.size()) + " eligible pods";
  }
  if (!excluded.empty()) {
    why += "; not eligible: " + excluded;
  }
  return {best->name, why};
}

} // namespace rdr::replication
