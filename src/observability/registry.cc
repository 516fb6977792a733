// The registry: validated, unique family names; the whole exposition sorted by family name.
#include <cmath>
#include <set>
#include <utility>

#include "rdr/observability/metrics.h"

namespace rdr::observability {
namespace {

bool isNameStart(char c, bool allowColon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':');
}

bool isNameChar(char c, bool allowColon) {
  return isNameStart(c, allowColon) || (c >= '0' && c <= '9');
}

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]*.
bool isValidName(std::string_view name, bool allowColon) {
  if (name.empty() || !isNameStart(name.front(), allowColon)) {
    return false;
  }
  for (const char c : name) {
    if (!isNameChar(c, allowColon)) {
      return false;
    }
  }
  return true;
}

Error invalid(const std::string& name, const std::string& why) {
  return Error(ErrorCode::Invalid, "metric " + name + ": " + why);
}

} // namespace

Status Registry::admit(const std::string& name, const std::vector<std::string>& labelNames) const {
  if (!isValidName(name, true)) {
    return Error(ErrorCode::Invalid,
                 "invalid metric name \"" + name + "\" (must match [a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  std::set<std::string> seen;
  for (const auto& label : labelNames) {
    if (!isValidName(label, false) || label.rfind("__", 0) == 0) {
      return invalid(name, "invalid label name \"" + label +
                               "\" (must match [a-zA-Z_][a-zA-Z0-9_]* without a leading __)");
    }
    if (!seen.insert(label).second) {
      return invalid(name, "duplicate label name \"" + label + "\"");
    }
  }
  return okStatus();
}

Status Registry::insert(std::shared_ptr<Family> family) {
  std::lock_guard lock(mutex_);
  const std::string name = family->name();
  if (!families_.emplace(name, std::move(family)).second) {
    return Error(ErrorCode::AlreadyExists, "metric " + name + " is already registered");
  }
  return okStatus();
}

Result<std::shared_ptr<Counter>> Registry::addCounter(std::string name, std::string help,
                                                      std::vector<std::string> labelNames) {
  RDR_RETURN_IF_ERROR(admit(name, labelNames));
  if (help.empty()) {
    return invalid(name, "help text is empty");
  }
  auto family = std::make_shared<Counter>(std::move(name), std::move(help), std::move(labelNames));
  RDR_RETURN_IF_ERROR(insert(family));
  return family;
}

Result<std::shared_ptr<Gauge>> Registry::addGauge(std::string name, std::string help,
                                                  std::vector<std::string> labelNames) {
  RDR_RETURN_IF_ERROR(admit(name, labelNames));
  if (help.empty()) {
    return invalid(name, "help text is empty");
  }
  auto family = std::make_shared<Gauge>(std::move(name), std::move(help), std::move(labelNames));
  RDR_RETURN_IF_ERROR(insert(family));
  return family;
}

Result<std::shared_ptr<Histogram>> Registry::addHistogram(std::string name, std::string help,
                                                          std::vector<std::string> labelNames,
                                                          std::vector<double> bounds) {
  RDR_RETURN_IF_ERROR(admit(name, labelNames));
  if (help.empty()) {
    return invalid(name, "help text is empty");
  }
  for (const auto& label : labelNames) {
    if (label == "le") {
      return invalid(name, "a histogram cannot have a label named \"le\"");
    }
  }
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) {
    bounds.pop_back(); // +Inf is always the last bucket; accept it spelled out
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      return invalid(name, "bucket bounds must be finite numbers");
    }
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      return invalid(name, "bucket bounds must be strictly increasing");
    }
  }
  auto family = std::make_shared<Histogram>(std::move(name), std::move(help), std::move(labelNames),
                                            std::move(bounds));
  RDR_RETURN_IF_ERROR(insert(family));
  return family;
}

std::string Registry::render() const {
  std::vector<std::shared_ptr<Family>> families;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      families.push_back(family); // std::map: already sorted by name
    }
  }
  std::string out;
  for (const auto& family : families) {
    family->render(out);
  }
  return out;
}

} // namespace rdr::observability
