// Conditions: apimachinery's SetStatusCondition semantics, removal, lookups and JSON shape.
#include "rdr/api/condition.h"

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "rdr/common/time_format.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

Condition make(std::string type, ConditionStatus status, std::string reason,
               std::string message = "", std::int64_t generation = 1) {
  Condition condition;
  condition.type = std::move(type);
  condition.status = status;
  condition.reason = std::move(reason);
  condition.message = std::move(message);
  condition.observed_generation = generation;
  return condition;
}

class ConditionTest : public ::testing::Test {
protected:
  rdr::testing::ManualClock clock_;
  std::vector<Condition> conditions_;
};

TEST_F(ConditionTest, NewConditionIsAppendedWithNow) {
  EXPECT_TRUE(
      setCondition(conditions_, make("Ready", ConditionStatus::True, "Ready"), clock_.now()));
  ASSERT_EQ(conditions_.size(), 1u);
  EXPECT_EQ(conditions_[0].last_transition_time, "2026-01-01T00:00:00Z");
  EXPECT_EQ(conditions_[0].reason, "Ready");
  EXPECT_EQ(conditions_[0].observed_generation, 1);
}

TEST_F(ConditionTest, NewConditionKeepsAGivenTransitionTime) {
  Condition desired = make("Ready", ConditionStatus::True, "Ready");
  desired.last_transition_time = "2025-08-27T08:42:16Z";
  EXPECT_TRUE(setCondition(conditions_, desired, clock_.now()));
  EXPECT_EQ(conditions_[0].last_transition_time, "2025-08-27T08:42:16Z");
}

TEST_F(ConditionTest, UnchangedConditionReportsNoChange) {
  const Condition desired = make("Ready", ConditionStatus::True, "Ready", "all good");
  ASSERT_TRUE(setCondition(conditions_, desired, clock_.now()));
  const auto before = conditions_;
  clock_.advance(30s);
  EXPECT_FALSE(setCondition(conditions_, desired, clock_.now()));
  EXPECT_EQ(conditions_, before);
}

TEST_F(ConditionTest, ReasonMessageOrGenerationChangeKeepsTransitionTime) {
  ASSERT_TRUE(setCondition(conditions_, make("Ready", ConditionStatus::False, "Creating", "a", 1),
                           clock_.now()));
  clock_.advance(10s);
  EXPECT_TRUE(setCondition(conditions_, make("Ready", ConditionStatus::False, "Degraded", "a", 1),
                           clock_.now()));
  EXPECT_TRUE(setCondition(conditions_, make("Ready", ConditionStatus::False, "Degraded", "b", 1),
                           clock_.now()));
  EXPECT_TRUE(setCondition(conditions_, make("Ready", ConditionStatus::False, "Degraded", "b", 2),
                           clock_.now()));
  ASSERT_EQ(conditions_.size(), 1u);
  EXPECT_EQ(conditions_[0], (Condition{"Ready", ConditionStatus::False, "Degraded", "b",
                                       "2026-01-01T00:00:00Z", 2}));
}

TEST_F(ConditionTest, StatusFlipMovesTransitionTime) {
  ASSERT_TRUE(
      setCondition(conditions_, make("Ready", ConditionStatus::False, "Creating"), clock_.now()));
  clock_.advance(90s);
  EXPECT_TRUE(
      setCondition(conditions_, make("Ready", ConditionStatus::True, "Ready"), clock_.now()));
  EXPECT_EQ(conditions_[0].status, ConditionStatus::True);
  EXPECT_EQ(conditions_[0].last_transition_time, "2026-01-01T00:01:30Z");
  EXPECT_EQ(conditions_[0].last_transition_time, formatRfc3339(clock_.now()));
}

TEST_F(ConditionTest, OtherTypesAreLeftAlone) {
  ASSERT_TRUE(
      setCondition(conditions_, make("Ready", ConditionStatus::True, "Ready"), clock_.now()));
  clock_.advance(5s);
  ASSERT_TRUE(setCondition(conditions_, make("ReplicaMode", ConditionStatus::False, "Disabled"),
                           clock_.now()));
  ASSERT_EQ(conditions_.size(), 2u);
  EXPECT_EQ(conditions_[0].last_transition_time, "2026-01-01T00:00:00Z");
  EXPECT_EQ(conditions_[1].last_transition_time, "2026-01-01T00:00:05Z");
  EXPECT_EQ(findCondition(conditions_, "ReplicaMode")->reason, "Disabled");
  EXPECT_EQ(findCondition(conditions_, "Missing"), nullptr);
}

TEST_F(ConditionTest, RemoveReportsWhetherAnythingWasRemoved) {
  ASSERT_TRUE(
      setCondition(conditions_, make("Ready", ConditionStatus::True, "Ready"), clock_.now()));
  ASSERT_TRUE(setCondition(conditions_, make("ReplicaMode", ConditionStatus::True, "Enabled"),
                           clock_.now()));
  EXPECT_FALSE(removeCondition(conditions_, "PrimaryAvailable"));
  EXPECT_TRUE(removeCondition(conditions_, "Ready"));
  ASSERT_EQ(conditions_.size(), 1u);
  EXPECT_EQ(conditions_[0].type, "ReplicaMode");
  EXPECT_FALSE(removeCondition(conditions_, "Ready"));
}

struct TrueCase {
  std::string name;
  std::optional<ConditionStatus> status; // nothing: no condition at all
  std::int64_t observed_generation;
  std::optional<std::int64_t> min_generation;
  bool expected;

  friend void PrintTo(const TrueCase& c, std::ostream* os) { *os << c.name; }
};

class IsConditionTrueTest : public ::testing::TestWithParam<TrueCase> {};

TEST_P(IsConditionTrueTest, RequiresTrueAndAFreshEnoughGeneration) {
  std::vector<Condition> conditions;
  if (GetParam().status) {
    conditions.push_back(
        make("Ready", *GetParam().status, "R", "", GetParam().observed_generation));
  }
  EXPECT_EQ(isConditionTrue(conditions, "Ready", GetParam().min_generation), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IsConditionTrueTest,
    ::testing::Values(TrueCase{"Missing", std::nullopt, 0, std::nullopt, false},
                      TrueCase{"TrueAnyGeneration", ConditionStatus::True, 1, std::nullopt, true},
                      TrueCase{"False", ConditionStatus::False, 3, 3, false},
                      TrueCase{"Unknown", ConditionStatus::Unknown, 3, std::nullopt, false},
                      TrueCase{"TrueSameGeneration", ConditionStatus::True, 3, 3, true},
                      TrueCase{"TrueNewerGeneration", ConditionStatus::True, 4, 3, true},
                      TrueCase{"TrueStaleGeneration", ConditionStatus::True, 2, 3, false}));

TEST(ConditionStatusTest, NamesRoundTrip) {
  for (const auto status :
       {ConditionStatus::True, ConditionStatus::False, ConditionStatus::Unknown}) {
    const auto parsed = parseConditionStatus(toString(status));
    ASSERT_TRUE(parsed) << toString(status);
    EXPECT_EQ(*parsed, status);
  }
  EXPECT_EQ(toString(ConditionStatus::True), "True");
  EXPECT_EQ(parseConditionStatus("true").error().message(),
            R"(unsupported value "true": supported values: "True", "False", "Unknown")");
}

TEST(ConditionJsonTest, WritesMetav1ConditionShapeAndParsesItBack) {
  const Condition condition{"ReplicaMode",
                            ConditionStatus::True,
                            "Enabled",
                            "Cluster is replicating from east (10.0.0.1:6379)",
                            "2026-01-01T00:00:00Z",
                            7};
  const json expected = json::parse(R"j({"type": "ReplicaMode", "status": "True",
      "reason": "Enabled", "message": "Cluster is replicating from east (10.0.0.1:6379)",
      "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 7})j");
  EXPECT_EQ(toJson(condition), expected);
  const auto parsed = parseCondition(expected, "status.conditions[0]");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, condition);
}

TEST(ConditionJsonTest, ZeroGenerationIsOmittedLikeGo) {
  const Condition condition{"Ready", ConditionStatus::False, "Creating", "", "t", 0};
  EXPECT_FALSE(toJson(condition).contains("observedGeneration"));
  EXPECT_EQ(toJson(condition)["message"], "");
}

TEST(ConditionJsonTest, ErrorsCarryThePath) {
  EXPECT_EQ(parseCondition(json::parse(R"({"type": "Ready"})"), "c").error().message(),
            "c.status: required");
  EXPECT_EQ(parseCondition(json::parse(R"({"type": "Ready", "status": "True",
                                           "observedGeneration": "1"})"),
                           "c")
                .error()
                .message(),
            "c.observedGeneration: must be of type integer, got string");
  EXPECT_EQ(parseCondition(json(3), "c").error().message(),
            "c: must be of type object, got integer");
}

} // namespace
} // namespace rdr::api
