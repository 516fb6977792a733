// Label selectors ("k=v,k2!=v2,k,!k"): parsed once, matched against metadata.labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::runtime {

class LabelSelector {
public:
  enum class Op { Equals, NotEquals, Exists, NotExists };

  struct Requirement {
    std::string key;
    Op op;
    std::string value;
  };

  // Parses the equality-based grammar: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma = AND.
  // Set-based terms (`k in (a,b)`) are Unsupported; empty text selects everything.
  static Result<LabelSelector> parse(std::string_view text) {
    LabelSelector selector;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      const std::size_t comma = text.find(',', start);
      const std::string_view term =
          trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
      if (term.empty()) {
        return Error(ErrorCode::Invalid,
                     "label selector \"" + std::string(text) + "\" has an empty term");
      }
      if (term.find(" in ") != term.npos || term.find(" notin ") != term.npos ||
          term.find('(') != term.npos) {
        return Error(ErrorCode::Unsupported,
                     "set-based label selector term \"" + std::string(term) + "\" is not supported");
      }
      selector.requirements_.push_back(parseTerm(term));
      if (comma == std::string_view::npos) {
        break;
      }
      start = comma + 1;
    }
    return selector;
  }

  // @return true when every requirement holds for `labels` (an object, or null for none).
  bool matches(const nlohmann::json& labels) const {
    for (const Requirement& req : requirements_) {
      const bool has = labels.is_object() && labels.contains(req.key);
      const std::string value =
          has && labels.at(req.key).is_string() ? labels.at(req.key).get<std::string>() : "";
      switch (req.op) {
      case Op::Equals:
        if (!has || value != req.value) {
          return false;
        }
        break;
      case Op::NotEquals:
        if (has && value == req.value) {
          return false;
        }
        break;
      case Op::Exists:
        if (!has) {
          return false;
        }
        break;
      case Op::NotExists:
        if (has) {
          return false;
        }
        break;
      }
    }
    return true;
  }

  // @return true when the object's metadata.labels satisfy the selector.
  bool matchesObject(const nlohmann::json& object) const {
    const nlohmann::json* labels = nullptr;
    if (object.contains("metadata") && object.at("metadata").contains("labels")) {
      labels = &object.at("metadata").at("labels");
    }
    return matches(labels != nullptr ? *labels : nlohmann::json());
  }

  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

private:
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
      s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
      s.remove_suffix(1);
    }
    return s;
  }

  static Requirement parseTerm(std::string_view term) {
    if (const auto pos = term.find("!="); pos != term.npos) {
      return {std::string(trim(term.substr(0, pos))), Op::NotEquals,
              std::string(trim(term.substr(pos + 2)))};
    }
    if (const auto pos = term.find("=="); pos != term.npos) {
      return {std::string(trim(term.substr(0, pos))), Op::Equals,
              std::string(trim(term.substr(pos + 2)))};
    }
    if (const auto pos = term.find('='); pos != term.npos) {
      return {std::string(trim(term.substr(0, pos))), Op::Equals,
              std::string(trim(term.substr(pos + 1)))};
    }
    if (term.front() == '!') {
      return {std::string(trim(term.substr(1))), Op::NotExists, ""};
    }
    return {std::string(term), Op::Exists, ""};
  }

  std::vector<Requirement> requirements_;
};

} // namespace rdr::runtime
