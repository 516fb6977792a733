// Counter, gauge and histogram families: one series per label set, rendered as Prometheus text.
#include "rdr/observability/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <iterator>
#include <utility>

namespace rdr::observability {
namespace {

const char* typeName(MetricType type) {
  switch (type) {
  case MetricType::Counter:
    return "counter";
  case MetricType::Gauge:
    return "gauge";
  case MetricType::Histogram:
    return "histogram";
  }
  return "untyped";
}

void appendHeader(std::string& out, const Family& family) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  out += escapeHelp(family.help());
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += typeName(family.type());
  out += '\n';
}

// `name{a="x",b="y"} value` (or `name value` without labels); `le` is the histogram's extra label.
void appendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& labelNames, const LabelValues& values,
                  const std::string* le, double value) {
  out += name;
  out += suffix;
  if (!labelNames.empty() || le != nullptr) {
    out += '{';
    for (std::size_t i = 0; i < labelNames.size(); ++i) {
      if (i > 0) {
        out += ',';
      }
      out += labelNames[i];
      out += "=\"";
      out += escapeLabelValue(values[i]);
      out += '"';
    }
    if (le != nullptr) {
      if (!labelNames.empty()) {
        out += ',';
      }
      out += "le=\"";
      out += *le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += formatValue(value);
  out += '\n';
}

template <typename Map> std::size_t eraseMatching(Map& series, int index, std::string_view value) {
  if (index < 0) {
    return 0;
  }
  return std::erase_if(series, [&](const auto& entry) {
    return entry.first[static_cast<std::size_t>(index)] == value;
  });
}

} // namespace

std::vector<double> defaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// Family

Family::Family(std::string name, std::string help, std::vector<std::string> labelNames)
    : name_(std::move(name)), help_(std::move(help)), labelNames_(std::move(labelNames)) {}

bool Family::checkArity(const LabelValues& values) const {
  const bool ok = values.size() == labelNames_.size();
  assert(ok && "metric used with the wrong number of label values");
  return ok;
}

int Family::labelIndex(std::string_view labelName) const {
  const auto it = std::find(labelNames_.begin(), labelNames_.end(), labelName);
  return it == labelNames_.end() ? -1 : static_cast<int>(std::distance(labelNames_.begin(), it));
}

// ScalarFamily

ScalarFamily::ScalarFamily(std::string name, std::string help, std::vector<std::string> labelNames)
    : Family(std::move(name), std::move(help), std::move(labelNames)) {
  if (this->labelNames().empty()) {
    series_[{}] = 0; // a family without labels exports 0 from the start, as client_golang does
  }
}

double ScalarFamily::value(const LabelValues& values) const {
  std::lock_guard lock(mutex_);
  const auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second;
}

void ScalarFamily::add(const LabelValues& values, double delta) {
  if (!checkArity(values)) {
    return;
  }
  std::lock_guard lock(mutex_);
  series_[values] += delta;
}

void ScalarFamily::store(const LabelValues& values, double value) {
  if (!checkArity(values)) {
    return;
  }
  std::lock_guard lock(mutex_);
  series_[values] = value;
}

bool ScalarFamily::remove(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  if (labelNames().empty()) {
    return false; // the single series of a family without labels always exists
  }
  return series_.erase(values) > 0;
}

std::size_t ScalarFamily::removeMatching(std::string_view labelName, std::string_view value) {
  std::lock_guard lock(mutex_);
  return eraseMatching(series_, labelIndex(labelName), value);
}

void ScalarFamily::clear() {
  std::lock_guard lock(mutex_);
  series_.clear();
  if (labelNames().empty()) {
    series_[{}] = 0;
  }
}

void ScalarFamily::render(std::string& out) const {
  std::lock_guard lock(mutex_);
  if (series_.empty()) {
    return;
  }
  appendHeader(out, *this);
  for (const auto& [values, value] : series_) {
    appendSample(out, name(), "", labelNames(), values, nullptr, value);
  }
}

void Counter::inc(const LabelValues& values, double delta) {
  assert(delta >= 0 && "a counter only goes up");
  if (!(delta >= 0)) {
    return;
  }
  ScalarFamily::add(values, delta);
}

void Gauge::set(const LabelValues& values, double value) { store(values, value); }

void Gauge::add(const LabelValues& values, double delta) { ScalarFamily::add(values, delta); }

// Histogram

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> labelNames,
                     std::vector<double> bounds)
    : Family(std::move(name), std::move(help), std::move(labelNames)), bounds_(std::move(bounds)) {
  if (this->labelNames().empty()) {
    series_[{}].counts.assign(bounds_.size() + 1, 0);
  }
}

void Histogram::observe(const LabelValues& values, double value) {
  if (!checkArity(values)) {
    return;
  }
  // The first bucket whose upper bound is >= value (buckets are "less than or equal"); NaN lands
  // in +Inf only, as in client_golang.
  const auto bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<std::size_t>(std::distance(
                bounds_.begin(), std::lower_bound(bounds_.begin(), bounds_.end(), value)));
  std::lock_guard lock(mutex_);
  Series& series = series_[values];
  if (series.counts.empty()) {
    series.counts.assign(bounds_.size() + 1, 0);
  }
  ++series.counts[bucket];
  series.sum += value;
  ++series.count;
}

Histogram::Snapshot Histogram::snapshot(const LabelValues& values) const {
  Snapshot snapshot;
  snapshot.cumulative.assign(bounds_.size() + 1, 0);
  std::lock_guard lock(mutex_);
  const auto it = series_.find(values);
  if (it == series_.end()) {
    return snapshot;
  }
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < it->second.counts.size(); ++i) {
    running += it->second.counts[i];
    snapshot.cumulative[i] = running;
  }
  snapshot.sum = it->second.sum;
  snapshot.count = it->second.count;
  return snapshot;
}

bool Histogram::remove(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  if (labelNames().empty()) {
    return false;
  }
  return series_.erase(values) > 0;
}

std::size_t Histogram::removeMatching(std::string_view labelName, std::string_view value) {
  std::lock_guard lock(mutex_);
  return eraseMatching(series_, labelIndex(labelName), value);
}

void Histogram::clear() {
  std::lock_guard lock(mutex_);
  series_.clear();
  if (labelNames().empty()) {
    series_[{}].counts.assign(bounds_.size() + 1, 0);
  }
}

void Histogram::render(std::string& out) const {
  std::vector<std::string> les;
  les.reserve(bounds_.size() + 1);
  for (const double bound : bounds_) {
    les.push_back(formatValue(bound));
  }
  les.emplace_back("+Inf");
  std::lock_guard lock(mutex_);
  if (series_.empty()) {
    return;
  }
  appendHeader(out, *this);
  for (const auto& [values, series] : series_) {
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < les.size(); ++i) {
      running += series.counts[i];
      appendSample(out, name(), "_bucket", labelNames(), values, &les[i],
                   static_cast<double>(running));
    }
    appendSample(out, name(), "_sum", labelNames(), values, nullptr, series.sum);
    appendSample(out, name(), "_count", labelNames(), values, nullptr,
                 static_cast<double>(series.count));
  }
}

} // namespace rdr::observability
