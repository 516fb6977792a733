// Failure detection: probe counting across reconciles and the primary verdict rules, as tables.
#include <gtest/gtest.h>

#include "rdr/replication/failure_detection.h"

namespace rdr::replication {
namespace {

using namespace std::chrono_literals;

const SystemTime kT0 = SystemTime(std::chrono::seconds(1'700'000'000));

TEST(RecordProbe, CountsAFailurePerProbeIntervalNotPerReconcile) {
  ProbeRecord record;
  recordProbe(record, false, kT0, 1000ms, "refused");
  recordProbe(record, false, kT0 + 200ms, 1000ms, "refused"); // an event-triggered reconcile
  EXPECT_EQ(record.consecutive_failures, 1);
  recordProbe(record, false, kT0 + 900ms, 1000ms, "timeout"); // 90% of the interval: counts
  EXPECT_EQ(record.consecutive_failures, 2);
  EXPECT_EQ(record.last_error, "timeout");
  recordProbe(record, false, kT0 + 1900ms, 1000ms, "timeout");
  EXPECT_EQ(record.consecutive_failures, 3);
}

TEST(RecordProbe, ASuccessResetsEverything) {
  ProbeRecord record;
  recordProbe(record, false, kT0, 1000ms, "refused");
  recordProbe(record, false, kT0 + 1s, 1000ms, "refused");
  recordProbe(record, true, kT0 + 2s, 1000ms);
  EXPECT_EQ(record, ProbeRecord{});
  recordProbe(record, false, kT0 + 2100ms, 1000ms, "refused"); // the first failure counts at once
  EXPECT_EQ(record.consecutive_failures, 1);
}

struct VerdictCase {
  const char* name;
  PrimaryFacts facts;
  PrimaryVerdict verdict;
  const char* reason_fragment;
};

PrimaryFacts facts(bool exists, bool deleting, bool running, bool reachable,
                   std::optional<NodeRole> role, int failures) {
  PrimaryFacts f;
  f.pod_exists = exists;
  f.pod_deleting = deleting;
  f.container_running = running;
  f.container_state = running ? "running" : "waiting: CrashLoopBackOff";
  f.reachable = reachable;
  f.role = role;
  f.probes.consecutive_failures = failures;
  f.probes.last_error = failures > 0 ? "connection refused" : "";
  return f;
}

TEST(AssessPrimary, FollowsTheNumberedRules) {
  const VerdictCase cases[] = {
      {"rule 1: pod gone", facts(false, false, false, false, {}, 0), PrimaryVerdict::Failed,
       "does not exist"},
      {"rule 1: pod deleting", facts(true, true, true, true, NodeRole::Master, 0),
       PrimaryVerdict::Failed, "being deleted"},
      {"rule 2: container crashed", facts(true, false, false, false, {}, 1), PrimaryVerdict::Failed,
       "CrashLoopBackOff"},
      {"rule 3: threshold reached", facts(true, false, true, false, {}, 3), PrimaryVerdict::Failed,
       "3 consecutive probe(s) failed (last: connection refused)"},
      {"rule 4: below threshold", facts(true, false, true, false, {}, 2), PrimaryVerdict::Suspect,
       "2 consecutive"},
      {"rule 5: answers as replica", facts(true, false, true, true, NodeRole::Replica, 0),
       PrimaryVerdict::NotMaster, "replica"},
      {"rule 6: healthy master", facts(true, false, true, true, NodeRole::Master, 0),
       PrimaryVerdict::Healthy, "accepts writes"},
      {"rule 2 before 5: not running wins", facts(true, false, false, true, NodeRole::Master, 0),
       PrimaryVerdict::Failed, "not running"},
  };
  for (const auto& c : cases) {
    const PrimaryAssessment assessment = assessPrimary(c.facts, 3);
    EXPECT_EQ(assessment.verdict, c.verdict) << c.name << ": got " << toString(assessment.verdict);
    EXPECT_NE(assessment.reason.find(c.reason_fragment), std::string::npos)
        << c.name << ": " << assessment.reason;
  }
}

} // namespace
} // namespace rdr::replication
