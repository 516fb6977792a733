// Label selectors with the API server's full grammar, parsed once and matched against labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::kube {

class LabelSelector {
public:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };

  struct Requirement {
    std::string key;
    Op op = Op::Exists;
    std::vector<std::string> values; // one value for Equals/NotEquals, the set for In/NotIn

    bool operator==(const Requirement&) const = default;
  };

  // Parses `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; comma = AND (commas
  // inside parentheses belong to the set). Empty text selects everything. Invalid, with the
  // API server's wording ("unable to parse requirement: …"), on a syntax error.
  static Result<LabelSelector> parse(std::string_view text);

  // @return true when every requirement holds for `labels` (an object, or null for none).
  bool matches(const nlohmann::json& labels) const;
  // @return true when the object's metadata.labels satisfy the selector.
  bool matchesObject(const nlohmann::json& object) const;

  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

private:
  std::vector<Requirement> requirements_;
};

// Splits a selector on the commas that are not inside parentheses (`a in (x,y),b` -> 2 terms);
// field selectors use it too.
std::vector<std::string> splitSelectorTerms(std::string_view text);

} // namespace rdr::kube
