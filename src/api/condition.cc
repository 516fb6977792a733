// Status conditions: apimachinery's SetStatusCondition semantics with `now` passed in, and the
// metav1.Condition JSON shape.
#include "rdr/api/condition.h"

#include <array>

#include "enum_names.h"
#include "json_read.h"
#include "rdr/common/time_format.h"

namespace rdr::api {
namespace {

using nlohmann::json;

constexpr std::array<detail::EnumName<ConditionStatus>, 3> kConditionStatusNames = {{
    {ConditionStatus::True, "True"},
    {ConditionStatus::False, "False"},
    {ConditionStatus::Unknown, "Unknown"},
}};

Condition* findMutable(std::vector<Condition>& conditions, std::string_view type) {
  for (auto& condition : conditions) {
    if (condition.type == type) {
      return &condition;
    }
  }
  return nullptr;
}

} // namespace

std::string_view toString(ConditionStatus status) {
  return detail::enumName(kConditionStatusNames, status);
}

Result<ConditionStatus> parseConditionStatus(std::string_view text) {
  return detail::parseEnum(kConditionStatusNames, text);
}

// As meta.SetStatusCondition (apimachinery, the version that reports `changed`):
// 1. no condition of that type: append `desired`, with lastTransitionTime = now unless `desired`
//    carries one;
// 2. the status flips: take the new status, and lastTransitionTime = `desired`'s if set, else now;
// 3. reason, message and observedGeneration are copied whenever they differ, and never move
//    lastTransitionTime (a reason-only change is not a transition).
bool setCondition(std::vector<Condition>& conditions, const Condition& desired, SystemTime now) {
  Condition* existing = findMutable(conditions, desired.type);
  if (existing == nullptr) {
    Condition added = desired;
    if (added.last_transition_time.empty()) {
      added.last_transition_time = formatRfc3339(now);
    }
    conditions.push_back(std::move(added));
    return true;
  }
  bool changed = false;
  if (existing->status != desired.status) {
    existing->status = desired.status;
    existing->last_transition_time =
        desired.last_transition_time.empty() ? formatRfc3339(now) : desired.last_transition_time;
    changed = true;
  }
  if (existing->reason != desired.reason) {
    existing->reason = desired.reason;
    changed = true;
  }
  if (existing->message != desired.message) {
    existing->message = desired.message;
    changed = true;
  }
  if (existing->observed_generation != desired.observed_generation) {
    existing->observed_generation = desired.observed_generation;
    changed = true;
  }
  return changed;
}

bool removeCondition(std::vector<Condition>& conditions, std::string_view type) {
  const auto before = conditions.size();
  std::erase_if(conditions, [type](const Condition& condition) { return condition.type == type; });
  return conditions.size() != before;
}

const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const auto& condition : conditions) {
    if (condition.type == type) {
      return &condition;
    }
  }
  return nullptr;
}

bool isConditionTrue(const std::vector<Condition>& conditions, std::string_view type,
                     std::optional<std::int64_t> min_generation) {
  const Condition* condition = findCondition(conditions, type);
  if (condition == nullptr || condition->status != ConditionStatus::True) {
    return false;
  }
  // A True computed for an older generation says nothing about the current spec (kubectl wait
  // --for=condition=... compares observedGeneration the same way).
  return !min_generation || condition->observed_generation >= *min_generation;
}

Result<Condition> parseCondition(const json& value, std::string_view path) {
  if (!value.is_object()) {
    return detail::typeError(path, "object", value);
  }
  Condition condition;
  RDR_ASSIGN_OR_RETURN(auto type, detail::readString(value, "type", path));
  if (!type || type->empty()) {
    return detail::requiredError(detail::joinPath(path, "type"));
  }
  condition.type = std::move(*type);
  RDR_ASSIGN_OR_RETURN(auto status, detail::readEnum(value, "status", path, parseConditionStatus));
  if (!status) {
    return detail::requiredError(detail::joinPath(path, "status"));
  }
  condition.status = *status;
  RDR_ASSIGN_OR_RETURN(auto reason, detail::readString(value, "reason", path));
  RDR_ASSIGN_OR_RETURN(auto message, detail::readString(value, "message", path));
  RDR_ASSIGN_OR_RETURN(auto time, detail::readString(value, "lastTransitionTime", path));
  RDR_ASSIGN_OR_RETURN(auto generation, detail::readInt(value, "observedGeneration", path));
  condition.reason = reason.value_or("");
  condition.message = message.value_or("");
  condition.last_transition_time = time.value_or("");
  condition.observed_generation = generation.value_or(0);
  return condition;
}

// metav1.Condition: type, status, lastTransitionTime, reason and message are always written (the
// CRD schema requires them); observedGeneration is omitted when zero (`omitempty` in Go).
json toJson(const Condition& condition) {
  json out = {{"type", condition.type},
              {"status", std::string(toString(condition.status))},
              {"reason", condition.reason},
              {"message", condition.message},
              {"lastTransitionTime", condition.last_transition_time}};
  if (condition.observed_generation != 0) {
    out["observedGeneration"] = condition.observed_generation;
  }
  return out;
}

} // namespace rdr::api
