// Leader choice: the four rules, as a table.
#include <gtest/gtest.h>

#include "rdr/replication/leader_choice.h"

namespace rdr::replication {
namespace {

Candidate pod(int ordinal, bool reachable, bool recent, std::int64_t offset, bool deleting = false) {
  return Candidate{"cache-" + std::to_string(ordinal), ordinal, reachable, deleting, recent, offset};
}

struct Case {
  const char* name;
  std::vector<Candidate> candidates;
  std::optional<std::string> chosen;
};

TEST(ChooseLeader, FollowsTheNumberedRules) {
  const Case cases[] = {
      {"nobody", {}, std::nullopt},
      {"rule 1: unreachable pods are not eligible", {pod(1, false, true, 900), pod(2, true, true, 100)},
       "cache-2"},
      {"rule 1: pods being deleted are not eligible",
       {pod(1, true, true, 900, true), pod(2, true, true, 100)}, "cache-2"},
      {"rule 1: nobody eligible", {pod(1, false, true, 900), pod(2, true, true, 1, true)}, std::nullopt},
      {"rule 2: a recent link beats a higher offset", {pod(1, true, false, 900), pod(2, true, true, 100)},
       "cache-2"},
      {"rule 3: the highest offset", {pod(1, true, true, 100), pod(2, true, true, 900)}, "cache-2"},
      {"rule 4: the lowest ordinal on a tie", {pod(2, true, true, 500), pod(1, true, true, 500)},
       "cache-1"},
      {"rule 2 fallback: all links old, offset decides", {pod(1, true, false, 10), pod(2, true, false, 20)},
       "cache-2"},
  };
  for (const auto& c : cases) {
    const LeaderChoice choice = chooseLeader(c.candidates);
    EXPECT_EQ(choice.chosen, c.chosen) << c.name << ": " << choice.explanation;
    EXPECT_FALSE(choice.explanation.empty()) << c.name;
  }
}

TEST(ChooseLeader, ExplainsWhoWasNotEligible) {
  const LeaderChoice choice = chooseLeader({pod(1, false, true, 9), pod(2, true, true, 5)});
  EXPECT_NE(choice.explanation.find("cache-2 (offset 5"), std::string::npos) << choice.explanation;
  EXPECT_NE(choice.explanation.find("cache-1 (unreachable)"), std::string::npos) << choice.explanation;
  const LeaderChoice none = chooseLeader({pod(1, false, true, 9)});
  EXPECT_EQ(none.explanation, "no other pod can be promoted: cache-1 (unreachable)");
}

} // namespace
} // namespace rdr::replication
