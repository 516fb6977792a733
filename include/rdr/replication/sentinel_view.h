// What a Sentinel group says about who the primary is, read by the operator in mode: sentinel
// (pure). In that mode Sentinel decides local failovers; the operator only follows its answer.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rdr::replication {

// One Sentinel's answer to SENTINEL GET-MASTER-ADDR-BY-NAME <master>.
struct SentinelAnswer {
  std::string sentinel;              // the Sentinel pod's name, for messages
  bool reachable = false;            // it answered at all
  std::optional<std::string> master; // "ip:port" it names; none: it monitors nothing by that name
  bool operator==(const SentinelAnswer&) const = default;
};

enum class SentinelVerdictKind {
  Agreed,     // a majority of the configured group names the same primary
  NoQuorum,   // fewer than a majority answer: Sentinel cannot authorise a failover either
  Disagreed,  // a majority answers but does not agree (a failover being propagated)
  Unmonitored // a majority answers and monitors nothing by that name (not configured yet)
};

struct SentinelVerdict {
  SentinelVerdictKind kind = SentinelVerdictKind::NoQuorum;
  std::optional<std::string> primary; // "ip:port", only when Agreed
  int answering = 0;                  // Sentinels that answered
  int agreeing = 0;                   // of those, how many name `primary` (or the most named)
  std::string explanation;            // one sentence with the counts, for conditions and logs
};

// Reads the group's answer. Rules, in order:
// 1. a majority is counted against the configured group (spec.sentinel.instances), never against
//    those that happen to answer: two of five agreeing is not a majority, whoever is down;
// 2. fewer than a majority answering -> NoQuorum (Sentinel needs a majority to authorise a
//    failover, so the group cannot change the primary either);
// 3. a majority naming the same address -> Agreed on it;
// 4. a majority answering, none of them monitoring the name -> Unmonitored;
// 5. otherwise -> Disagreed (answers are converging after a failover: wait a round).
SentinelVerdict readSentinels(const std::vector<SentinelAnswer>& answers, int configured);

// What the operator does with the verdict in mode: sentinel (written here so that the plan and
// the docs say the same). Rules:
// 1. it never promotes a pod itself while Sentinels can act: one brain decides local failover
//    (the RedisCluster plan's two exceptions: a promotion out of replica mode, when the Sentinels
//    monitor nothing yet, and a restarted primary that Sentinel can replace by nobody);
// 2. Agreed: the pod at that address is the primary: relabel, currentPrimary, report; a pod
//    Sentinel did not choose is never promoted over it, and its choice is never undone;
// 3. NoQuorum: it reports it (Ready=False with the counts; when the primary is down as well,
//    PrimaryAvailable=False with reason SentinelQuorumLost) and repairs the group (re-creates
//    missing Sentinel pods and configures them towards the primary the others name, or the last
//    one it recorded), but promotes nobody: a partition can leave Sentinels it cannot reach
//    able to fail over, and two deciders would be a split brain;
// 4. Disagreed: keeps the recorded primary for this round and looks again;
// 5. Unmonitored: configures the Sentinels (SENTINEL MONITOR) towards the recorded primary.
// (No code: the RedisCluster plan implements these rules.)

} // namespace rdr::replication
