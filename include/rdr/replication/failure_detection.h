// Failure detection of a primary: consecutive failed probes and what the pod's status says.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "rdr/common/clock.h"
#include "rdr/replication/node_state.h"

namespace rdr::replication {

// The probe history of one pod, kept by the controller between reconciles.
struct ProbeRecord {
  int consecutive_failures = 0;
  std::optional<SystemTime> last_counted_failure;
  std::string last_error;

  bool operator==(const ProbeRecord&) const = default;
};

// Adds one probe outcome to the record:
// 1. a success resets the count;
// 2. a failure counts when none was counted yet, or when at least 90% of the probe interval has
//    passed since the last counted one, so that reconciles triggered by watch events between two
//    probe ticks do not count one outage twice;
// 3. the last error is kept for messages either way.
void recordProbe(ProbeRecord& record, bool succeeded, SystemTime now,
                 std::chrono::milliseconds probe_interval, std::string error = {});

struct PrimaryFacts {
  bool pod_exists = false;
  bool pod_deleting = false;
  // The kubelet reports the Redis container running (not waiting to restart, not terminated).
  bool container_running = false;
  std::string container_state; // e.g. "waiting: CrashLoopBackOff", for messages
  bool reachable = false;      // the probe of this round answered
  std::optional<NodeRole> role; // when reachable
  ProbeRecord probes;
};

enum class PrimaryVerdict {
  Healthy,   // a reachable master
  Suspect,   // probes failing, fewer than the threshold
  Failed,    // fail over
  NotMaster, // reachable, but it follows someone: the plan makes it a master again
};

struct PrimaryAssessment {
  PrimaryVerdict verdict = PrimaryVerdict::Healthy;
  std::string reason; // a sentence fragment for conditions and Events, e.g. "its pod is gone"
};

// Decides whether the recorded primary has failed, in this order:
// 1. its pod does not exist, or is being deleted                       -> Failed;
// 2. the kubelet reports its container not running (crashed, waiting)  -> Failed;
// 3. failure_threshold or more consecutive probes failed               -> Failed;
// 4. fewer probes failed                                               -> Suspect;
// 5. it answers as a replica                                           -> NotMaster;
// 6. otherwise                                                         -> Healthy.
PrimaryAssessment assessPrimary(const PrimaryFacts& facts, int failure_threshold);

std::string_view toString(PrimaryVerdict verdict);

} // namespace rdr::replication
