// Reading a Sentinel group's answer about the primary (rules in sentinel_view.h).
#include "rdr/replication/sentinel_view.h"

#include <map>

namespace rdr::replication {

SentinelVerdict readSentinels(const std::vector<SentinelAnswer>& answers, int configured) {
  SentinelVerdict verdict;
  const int majority = configured / 2 + 1; // rule 1
  std::map<std::string, int> named;
  int monitoring = 0;
  for (const SentinelAnswer& answer : answers) {
    if (!answer.reachable) {
      continue;
    }
    ++verdict.answering;
    if (answer.master) {
      ++monitoring;
      ++named[*answer.master];
    }
  }
  std::string most;
  for (const auto& [address, count] : named) {
    if (count > verdict.agreeing) {
      most = address;
      verdict.agreeing = count;
    }
  }
  const std::string counts = std::to_string(verdict.answering) + " of " +
                             std::to_string(configured) + " Sentinels answer";
  if (verdict.answering < majority) { // rule 2
    verdict.kind = SentinelVerdictKind::NoQuorum;
    verdict.explanation = counts + "; a majority is " + std::to_string(majority) +
                          ": the group cannot decide a failover";
  } else if (verdict.agreeing >= majority) { // rule 3
    verdict.kind = SentinelVerdictKind::Agreed;
    verdict.primary = most;
    verdict.explanation = counts + "; " + std::to_string(verdict.agreeing) + " name " + most;
  } else if (monitoring == 0) { // rule 4
    verdict.kind = SentinelVerdictKind::Unmonitored;
    verdict.explanation = counts + "; none monitors the master name yet";
  } else { // rule 5
    verdict.kind = SentinelVerdictKind::Disagreed;
    verdict.explanation = counts + "; no address is named by a majority of " +
                          std::to_string(majority) + " (" + std::to_string(named.size()) +
                          " different answers)";
  }
  return verdict;
}

} // namespace rdr::replication
