// planSentinels as a table: Sentinel's choice is followed, never overruled; a DR cluster's
// Sentinels monitor nothing; re-created Sentinels are configured; stale entries reset one at a
// time; settings that drift from the spec are applied.
#include <gtest/gtest.h>

#include "rdr/controller/sentinel_plan.h"

namespace rdr::controller {
namespace {

using Lines = std::vector<std::string>;

const std::string kPrimary = "127.10.0.5:6379";
const std::string kOther = "127.10.0.6:6379";
const std::vector<std::string> kCurrent = {"127.10.0.5", "127.10.0.6", "127.10.0.7",
                                           "127.10.0.20", "127.10.0.21", "127.10.0.22"};

const SentinelSettings kSettings{"prod", 2, 5000, 60000};
const std::vector<std::string> kStreaming = {"127.10.0.6", "127.10.0.7"};

SentinelGroupFacts facts(bool following_source, std::optional<std::string> recorded) {
  return {3, following_source, std::move(recorded), kCurrent, kStreaming,
          {"127.10.0.5", "127.10.0.6", "127.10.0.7"}, kSettings};
}

SentinelObservation sentinel(int i, std::optional<std::string> master, bool reachable = true) {
  return {"prod-sentinel-" + std::to_string(i), "127.10.0." + std::to_string(20 + i), reachable,
          std::move(master), {"127.10.0.6", "127.10.0.7"}, {}, {}, false};
}

Lines describe(const SentinelPlan& plan) {
  Lines out;
  for (const SentinelAction& action : plan.actions) {
    out.push_back(std::visit(
        [](const auto& a) -> std::string {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, MonitorPrimary>) {
            return "monitor " + a.pod + " " + a.primary;
          } else if constexpr (std::is_same_v<T, StopMonitoring>) {
            return "stop " + a.pod;
          } else if constexpr (std::is_same_v<T, ApplySettings>) {
            return "apply settings " + a.pod;
          } else if constexpr (std::is_same_v<T, ForceFailover>) {
            return "failover " + a.pod;
          } else {
            return "reset " + a.pod;
          }
        },
        action));
  }
  return out;
}

struct Case {
  const char* name;
  std::vector<SentinelObservation> sentinels;
  bool following_source;
  std::optional<std::string> recorded;
  Lines actions;
};

TEST(PlanSentinels, Rules) {
  SentinelObservation stale = sentinel(2, kPrimary);
  stale.known_ips.push_back("127.10.0.9"); // a pod that was re-created elsewhere
  SentinelObservation stale_too = sentinel(0, kPrimary);
  stale_too.known_ips.push_back("127.10.0.9");
  const Case cases[] = {
      {"a healthy group: nothing to do",
       {sentinel(0, kPrimary), sentinel(1, kPrimary), sentinel(2, kPrimary)}, false, kPrimary, {}},
      {"rule 1: a DR cluster's Sentinels stop monitoring",
       {sentinel(0, kPrimary), sentinel(1, std::nullopt), sentinel(2, kPrimary, false)}, true,
       kPrimary, {"stop prod-sentinel-0"}},
      {"rule 3a: a re-created Sentinel follows the group's choice, not the recorded primary",
       {sentinel(0, kOther), sentinel(1, kOther), sentinel(2, std::nullopt)}, false, kPrimary,
       {"monitor prod-sentinel-2 " + kOther}},
      {"rule 4: a Sentinel naming another address is never overruled",
       {sentinel(0, kOther), sentinel(1, kOther), sentinel(2, kPrimary)}, false, kPrimary, {}},
      {"rule 3c: bootstrap points every Sentinel at the recorded primary",
       {sentinel(0, std::nullopt), sentinel(1, std::nullopt), sentinel(2, std::nullopt)}, false,
       kPrimary,
       {"monitor prod-sentinel-0 " + kPrimary, "monitor prod-sentinel-1 " + kPrimary,
        "monitor prod-sentinel-2 " + kPrimary}},
      {"rule 3c: bootstrap waits for a recorded primary",
       {sentinel(0, std::nullopt), sentinel(1, std::nullopt), sentinel(2, std::nullopt)}, false,
       std::nullopt, {}},
      {"rule 3b: a group being rebuilt follows its surviving member, not the recorded primary",
       {sentinel(0, kOther), sentinel(1, std::nullopt, false), sentinel(2, std::nullopt)}, false,
       kPrimary, {"monitor prod-sentinel-2 " + kOther}},
      {"rule 3c: every member re-created, one still down (no quorum): the recorded primary",
       {sentinel(0, std::nullopt), sentinel(1, std::nullopt, false), sentinel(2, std::nullopt, false)},
       false, kPrimary, {"monitor prod-sentinel-0 " + kPrimary}},
      {"rule 3: answers still converging: wait",
       {sentinel(0, kOther), sentinel(1, kPrimary), sentinel(2, std::nullopt)}, false, kPrimary, {}},
      {"rule 7: one stale Sentinel is reset",
       {sentinel(0, kPrimary), sentinel(1, kPrimary), stale}, false, kPrimary,
       {"reset prod-sentinel-2"}},
      {"rule 7: one reset per round",
       {stale_too, sentinel(1, kPrimary), stale}, false, kPrimary, {"reset prod-sentinel-0"}},
      {"rule 3d: they agree on a gone address and know no data pod: all pointed at the primary",
       [] {
         std::vector<SentinelObservation> lost;
         for (int i = 0; i < 3; ++i) {
           lost.push_back(sentinel(i, std::string("127.10.0.99:6379")));
           lost.back().known_ips = {"127.10.0.98", "127.10.0.2" + std::to_string(i)};
         }
         return lost;
       }(),
       false, kPrimary,
       {"monitor prod-sentinel-0 " + kPrimary, "monitor prod-sentinel-1 " + kPrimary,
        "monitor prod-sentinel-2 " + kPrimary}},
      {"rule 3d: not while one of them still knows a data pod (Sentinel can fail over to it)",
       [] {
         std::vector<SentinelObservation> lost;
         for (int i = 0; i < 3; ++i) {
           lost.push_back(sentinel(i, std::string("127.10.0.99:6379")));
           lost.back().known_ips = {"127.10.0.98"};
         }
         lost[1].known_ips.push_back("127.10.0.6");
         return lost;
       }(),
       false, kPrimary, {}},
      {"rule 7a: no reset while a Sentinel reports a failover in progress (it would abort it)",
       {[] {
          SentinelObservation leader = sentinel(0, kPrimary);
          leader.failover_in_progress = true;
          return leader;
        }(),
        sentinel(1, kPrimary), stale},
       false, kPrimary, {}},
      {"rule 7a: no reset while the Sentinels' primary is not the recorded master",
       {sentinel(0, kPrimary), sentinel(1, kPrimary), stale}, false, std::nullopt, {}},
      {"rule 7b: no reset while another Sentinel has not re-learned every replica (it was "
       "just reset)",
       {[] {
          SentinelObservation relearning = sentinel(0, kPrimary);
          relearning.known_ips = {"127.10.0.6"};
          return relearning;
        }(),
        sentinel(1, kPrimary), stale},
       false, kPrimary, {}},
      {"rule 7: no reset while another Sentinel is being configured",
       {sentinel(0, kPrimary), sentinel(1, std::nullopt), stale}, false, kPrimary,
       {"monitor prod-sentinel-1 " + kPrimary}},
  };
  for (const Case& c : cases) {
    const SentinelPlan plan =
        planSentinels(c.sentinels, facts(c.following_source, c.recorded));
    EXPECT_EQ(describe(plan), c.actions) << c.name;
  }
}

// Rule 6: a monitoring Sentinel reports other settings than the spec's (the spec changed, or it
// was configured by hand): it gets the spec's, in place.
TEST(PlanSentinels, SettingsThatDifferAreApplied) {
  const auto reporting = [](int i, std::optional<std::string> master,
                            std::map<std::string, std::string> settings) {
    SentinelObservation observed = sentinel(i, std::move(master));
    observed.settings = std::move(settings);
    return observed;
  };
  const auto wanted = kSettings.reported();
  auto quorum3 = wanted;
  quorum3["quorum"] = "3";
  auto slow = wanted;
  slow["down-after-milliseconds"] = "30000"; // Sentinel's default: SET never ran
  SentinelObservation stale = reporting(2, kPrimary, slow);
  stale.known_ips.push_back("127.10.0.9");
  const Case cases[] = {
      {"settings as wanted: nothing",
       {reporting(0, kPrimary, wanted), reporting(1, kPrimary, wanted),
        reporting(2, kPrimary, wanted)},
       false, kPrimary, {}},
      {"rule 6: each Sentinel with another quorum or timing gets the settings",
       {reporting(0, kPrimary, quorum3), reporting(1, kPrimary, wanted),
        reporting(2, kPrimary, slow)},
       false, kPrimary, {"apply settings prod-sentinel-0", "apply settings prod-sentinel-2"}},
      {"rule 6: also a Sentinel that names another address than the majority (its settings "
       "only, never its choice)",
       {reporting(0, kOther, quorum3), reporting(1, kPrimary, wanted),
        reporting(2, kPrimary, wanted)},
       false, kPrimary, {"apply settings prod-sentinel-0"}},
      {"rule 6: nothing reported (SENTINEL MASTER failed) is not a difference",
       {reporting(0, kPrimary, {}), reporting(1, kPrimary, wanted), reporting(2, kPrimary, wanted)},
       false, kPrimary, {}},
      {"rule 6: a Sentinel that monitors nothing is monitored (which applies them), not set",
       {reporting(0, std::nullopt, {}), reporting(1, kPrimary, wanted),
        reporting(2, kPrimary, wanted)},
       false, kPrimary, {"monitor prod-sentinel-0 " + kPrimary}},
      {"rule 6: an unreachable Sentinel is left alone",
       {reporting(0, kPrimary, wanted), reporting(1, kPrimary, wanted),
        sentinel(2, std::nullopt, false)},
       false, kPrimary, {}},
      {"rule 1: a DR cluster's Sentinels are stopped, not set",
       {reporting(0, kPrimary, quorum3), reporting(1, kPrimary, wanted),
        reporting(2, std::nullopt, {})},
       true, kPrimary, {"stop prod-sentinel-0", "stop prod-sentinel-1"}},
      {"rule 7: no reset in a round that applies settings",
       {reporting(0, kPrimary, wanted), reporting(1, kPrimary, wanted), stale}, false, kPrimary,
       {"apply settings prod-sentinel-2"}},
  };
  for (const Case& c : cases) {
    const SentinelPlan plan =
        planSentinels(c.sentinels, facts(c.following_source, c.recorded));
    EXPECT_EQ(describe(plan), c.actions) << c.name;
  }
  EXPECT_EQ(wanted, (std::map<std::string, std::string>{{"quorum", "2"},
                                                        {"down-after-milliseconds", "5000"},
                                                        {"failover-timeout", "60000"},
                                                        {"parallel-syncs", "1"}}))
      << "what SENTINEL MASTER reports once the settings are applied";
}

} // namespace
} // namespace rdr::controller
