// A thread-safe metrics registry: counters, gauges, histograms with labels; Prometheus text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/result.h"

namespace rdr::observability {

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

enum class MetricType { Counter, Gauge, Histogram };

// One metric family: a name, a help text, label names and one series per set of label values.
// Every method is thread-safe. Operations with the wrong number of label values are bugs: they
// assert in debug builds and are ignored in release builds.
class Family {
public:
  Family(std::string name, std::string help, std::vector<std::string> labelNames);
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return labelNames_; }
  virtual MetricType type() const = 0;

  // Removes the series of these label values (a deleted cluster stops exporting). @return whether
  // it existed.
  virtual bool remove(const LabelValues& values) = 0;
  // Removes every series whose label `labelName` equals `value`. @return how many were removed.
  virtual std::size_t removeMatching(std::string_view labelName, std::string_view value) = 0;
  // Removes every series (a family without labels keeps its single series, reset to zero).
  virtual void clear() = 0;

  // Appends the family in text exposition format 0.0.4; nothing when it has no series.
  virtual void render(std::string& out) const = 0;

protected:
  bool checkArity(const LabelValues& values) const;
  // The index of a label name, or -1.
  int labelIndex(std::string_view labelName) const;

private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labelNames_;
};

// Shared storage of counters and gauges: one double per series.
class ScalarFamily : public Family {
public:
  ScalarFamily(std::string name, std::string help, std::vector<std::string> labelNames);

  // @return the current value, 0 for a series that does not exist.
  double value(const LabelValues& values) const;
  bool remove(const LabelValues& values) override;
  std::size_t removeMatching(std::string_view labelName, std::string_view value) override;
  void clear() override;
  void render(std::string& out) const override;

protected:
  void add(const LabelValues& values, double delta);
  void store(const LabelValues& values, double value);

private:
  mutable std::mutex mutex_;
  std::map<LabelValues, double> series_;
};

// A monotonically increasing count (`*_total`).
class Counter final : public ScalarFamily {
public:
  using ScalarFamily::ScalarFamily;
  MetricType type() const override { return MetricType::Counter; }

  // Adds `delta` (>= 0; a negative delta is a bug and ignored) to the series, creating it at 0.
  void inc(const LabelValues& values, double delta = 1);
};

// A value that goes up and down.
class Gauge final : public ScalarFamily {
public:
  using ScalarFamily::ScalarFamily;
  MetricType type() const override { return MetricType::Gauge; }

  void set(const LabelValues& values, double value);
  void add(const LabelValues& values, double delta);
};

// Observations counted into cumulative buckets, with their sum and count.
class Histogram final : public Family {
public:
  // `bounds` are the buckets' upper bounds, strictly increasing and finite ("+Inf" is implicit).
  Histogram(std::string name, std::string help, std::vector<std::string> labelNames,
            std::vector<double> bounds);
  MetricType type() const override { return MetricType::Histogram; }

  void observe(const LabelValues& values, double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative; // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  // @return the series' state, all zero for a series that does not exist.
  Snapshot snapshot(const LabelValues& values) const;
  const std::vector<double>& bounds() const { return bounds_; }

  bool remove(const LabelValues& values) override;
  std::size_t removeMatching(std::string_view labelName, std::string_view value) override;
  void clear() override;
  void render(std::string& out) const override;

private:
  struct Series {
    std::vector<std::uint64_t> counts; // per bucket (not cumulative), the last one is +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };

  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<LabelValues, Series> series_;
};

// The Prometheus defaults (client_golang DefBuckets), in seconds.
std::vector<double> defaultBuckets();

// The families of one process. Registration validates names (Prometheus data model) and rejects
// duplicates; rendering lists the families sorted by name.
class Registry {
public:
  Result<std::shared_ptr<Counter>> addCounter(std::string name, std::string help,
                                              std::vector<std::string> labelNames = {});
  Result<std::shared_ptr<Gauge>> addGauge(std::string name, std::string help,
                                          std::vector<std::string> labelNames = {});
  Result<std::shared_ptr<Histogram>> addHistogram(std::string name, std::string help,
                                                  std::vector<std::string> labelNames,
                                                  std::vector<double> bounds = defaultBuckets());

  // The whole registry in text exposition format 0.0.4.
  std::string render() const;

private:
  Status admit(const std::string& name, const std::vector<std::string>& labelNames) const;
  Status insert(std::shared_ptr<Family> family);

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Family>> families_;
};

// The content type of render()'s output.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Formats a sample value as Prometheus' Go client does (strconv 'g', shortest): "1", "0.25",
// "1e+06", "+Inf", "-Inf", "NaN".
std::string formatValue(double value);

// Escapes a label value: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view value);

// Escapes a HELP text: backslash and newline.
std::string escapeHelp(std::string_view help);

} // namespace rdr::observability
