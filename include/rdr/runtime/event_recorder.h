// EventRecorder: core/v1 Events about objects, with client-side aggregation of repeats.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/kube/client.h"

namespace rdr::runtime {

enum class EventType { Normal, Warning };

struct EventRecorderOptions {
  std::string component = "redis-dr-operator"; // source.component and reportingComponent
  std::string instance;                         // reportingInstance and source.host
  std::size_t cache_size = 4096;                // aggregated (object, type, reason, message) kept
};

class EventRecorder {
public:
  EventRecorder(kube::Client& client, EventRecorderOptions options, const Clock& clock);

  // Records an Event about `object` (a full object with apiVersion, kind and metadata). A repeat
  // of the same (object, type, reason, message) patches count and lastTimestamp instead.
  // The API call happens on the caller's thread. Failures are logged, never returned: Events are
  // best effort.
  void event(const nlohmann::json& object, EventType type, const std::string& reason,
             const std::string& message);

private:
  // (involved uid or namespace/kind/name, type, reason, message)
  using AggregateKey = std::tuple<std::string, std::string, std::string, std::string>;
  struct Aggregate {
    std::string namespace_;
    std::string name;
    int count = 0;
    std::list<AggregateKey>::iterator lru;
  };

  nlohmann::json makeEvent(const nlohmann::json& object, EventType type, const std::string& reason,
                           const std::string& message) const;
  void remember(const AggregateKey& key, const std::string& namespace_, const std::string& name);

  kube::Client& client_;
  EventRecorderOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<AggregateKey, Aggregate> aggregates_;
  std::list<AggregateKey> lru_; // most recent first
};

} // namespace rdr::runtime
