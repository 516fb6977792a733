// Failure detection of a primary (rules in failure_detection.h).
#include "rdr/replication/failure_detection.h"

#include <utility>

namespace rdr::replication {

void recordProbe(ProbeRecord& record, bool succeeded, SystemTime now,
                 std::chrono::milliseconds probe_interval, std::string error) {
  if (succeeded) { // rule 1
    record = ProbeRecord{};
    return;
  }
  record.last_error = std::move(error); // rule 3
  const auto spacing = probe_interval * 9 / 10;
  if (!record.last_counted_failure || now - *record.last_counted_failure >= spacing) { // rule 2
    ++record.consecutive_failures;
    record.last_counted_failure = now;
  }
}

PrimaryAssessment assessPrimary(const PrimaryFacts& facts, int failure_threshold) {
  if (!facts.pod_exists) { // rule 1
    return {PrimaryVerdict::Failed, "its pod does not exist"};
  }
  if (facts.pod_deleting) {
    return {PrimaryVerdict::Failed, "its pod is being deleted"};
  }
  if (!facts.container_running) { // rule 2
    return {PrimaryVerdict::Failed,
            "its Redis container is not running (" +
                (facts.container_state.empty() ? std::string("no status yet")
                                               : facts.container_state) +
                ")"};
  }
  if (!facts.reachable) {
    const int failures = facts.probes.consecutive_failures;
    std::string detail = std::to_string(failures) + " consecutive probe(s) failed";
    if (!facts.probes.last_error.empty()) {
      detail += " (last: " + facts.probes.last_error + ")";
    }
    if (failures >= failure_threshold) { // rule 3
      return {PrimaryVerdict::Failed, detail};
    }
    return {PrimaryVerdict::Suspect, detail}; // rule 4
  }
  if (facts.role == NodeRole::Replica) { // rule 5
    return {PrimaryVerdict::NotMaster, "it answers as a replica"};
  }
  return {PrimaryVerdict::Healthy, "it accepts writes"}; // rule 6
}

std::string_view toString(PrimaryVerdict verdict) {
  switch (verdict) {
  case PrimaryVerdict::Healthy:
    return "healthy";
  case PrimaryVerdict::Suspect:
    return "suspect";
  case PrimaryVerdict::Failed:
    return "failed";
  case PrimaryVerdict::NotMaster:
    return "not-master";
  }
  return "unknown";
}

} // namespace rdr::replication
