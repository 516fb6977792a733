// Status conditions with apimachinery semantics (meta.SetStatusCondition), taking `now` as input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"

namespace rdr::api {

enum class ConditionStatus { True, False, Unknown };

std::string_view toString(ConditionStatus status);
Result<ConditionStatus> parseConditionStatus(std::string_view text);

struct Condition {
  std::string type;
  ConditionStatus status = ConditionStatus::Unknown;
  std::string reason;
  std::string message;
  std::string last_transition_time; // RFC 3339
  std::int64_t observed_generation = 0;

  bool operator==(const Condition&) const = default;
};

// Sets `desired` in `conditions` the way apimachinery does:
// 1. a condition of a new type is appended with lastTransitionTime = now;
// 2. an existing one takes reason, message and observedGeneration from `desired`;
// 3. its lastTransitionTime moves to `now` only when its status flips.
// @return true when anything in `conditions` changed (the caller writes status only then).
bool setCondition(std::vector<Condition>& conditions, const Condition& desired, SystemTime now);

// Removes the condition of that type; @return true when one was removed.
bool removeCondition(std::vector<Condition>& conditions, std::string_view type);

const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type);

// True when the condition exists with status True (and, if given, at least that generation).
bool isConditionTrue(const std::vector<Condition>& conditions, std::string_view type,
                     std::optional<std::int64_t> min_generation = std::nullopt);

Result<Condition> parseCondition(const nlohmann::json& value, std::string_view path);
nlohmann::json toJson(const Condition& condition);

} // namespace rdr::api
