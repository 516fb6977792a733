// readSentinels as a table: majorities counted against the configured group, never the answering.
#include <gtest/gtest.h>

#include "rdr/replication/sentinel_view.h"

namespace rdr::replication {
namespace {

SentinelAnswer says(const std::string& master) { return {"s", true, master}; }
SentinelAnswer monitorsNothing() { return {"s", true, std::nullopt}; }
SentinelAnswer down() { return {"s", false, std::nullopt}; }

struct Case {
  const char* name;
  std::vector<SentinelAnswer> answers;
  int configured;
  SentinelVerdictKind kind;
  std::optional<std::string> primary;
  std::string explanation;
};

TEST(ReadSentinels, Rules) {
  const std::string a = "127.10.0.5:6379";
  const std::string b = "127.10.0.6:6379";
  const Case cases[] = {
      {"all three agree", {says(a), says(a), says(a)}, 3, SentinelVerdictKind::Agreed, a,
       "3 of 3 Sentinels answer; 3 name 127.10.0.5:6379"},
      {"two of three agree, one down", {says(a), says(a), down()}, 3, SentinelVerdictKind::Agreed,
       a, "2 of 3 Sentinels answer; 2 name 127.10.0.5:6379"},
      {"rule 1: two of five is no majority, whoever is down",
       {says(a), says(a), down(), down(), down()}, 5, SentinelVerdictKind::NoQuorum, std::nullopt,
       "2 of 5 Sentinels answer; a majority is 3: the group cannot decide a failover"},
      {"rule 2: one of three answering", {says(a), down(), down()}, 3,
       SentinelVerdictKind::NoQuorum, std::nullopt,
       "1 of 3 Sentinels answer; a majority is 2: the group cannot decide a failover"},
      {"rule 2: answers from more Sentinels than configured do not lower the bar",
       {says(a), down(), down(), down()}, 3, SentinelVerdictKind::NoQuorum, std::nullopt,
       "1 of 3 Sentinels answer; a majority is 2: the group cannot decide a failover"},
      {"rule 4: nobody monitors the name yet", {monitorsNothing(), monitorsNothing(), down()}, 3,
       SentinelVerdictKind::Unmonitored, std::nullopt,
       "2 of 3 Sentinels answer; none monitors the master name yet"},
      {"rule 5: a failover being propagated", {says(a), says(b), down()}, 3,
       SentinelVerdictKind::Disagreed, std::nullopt,
       "2 of 3 Sentinels answer; no address is named by a majority of 2 (2 different answers)"},
      {"rule 3: the majority wins over a lagging Sentinel", {says(b), says(b), says(a)}, 3,
       SentinelVerdictKind::Agreed, b, "3 of 3 Sentinels answer; 2 name 127.10.0.6:6379"},
      {"a single Sentinel is its own majority", {says(a)}, 1, SentinelVerdictKind::Agreed, a,
       "1 of 1 Sentinels answer; 1 name 127.10.0.5:6379"},
  };
  for (const Case& c : cases) {
    const SentinelVerdict verdict = readSentinels(c.answers, c.configured);
    EXPECT_EQ(verdict.kind, c.kind) << c.name;
    EXPECT_EQ(verdict.primary, c.primary) << c.name;
    EXPECT_EQ(verdict.explanation, c.explanation) << c.name;
  }
}

} // namespace
} // namespace rdr::replication
