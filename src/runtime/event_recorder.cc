// EventRecorder: builds core/v1 Events (client-go tools/record makeEvent) and aggregates repeats.
#include "rdr/runtime/event_recorder.h"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "rdr/common/time_format.h"

namespace rdr::runtime {
namespace {

using nlohmann::json;

std::string typeName(EventType type) { return type == EventType::Normal ? "Normal" : "Warning"; }

} // namespace

EventRecorder::EventRecorder(kube::Client& client, EventRecorderOptions options, const Clock& clock)
    : client_(client), options_(std::move(options)), clock_(clock) {}

json EventRecorder::makeEvent(const json& object, EventType type, const std::string& reason,
                              const std::string& message) const {
  const json& meta = object.value("metadata", json::object());
  const std::string involved_name = meta.value("name", "");
  std::string namespace_ = meta.value("namespace", "");
  if (namespace_.empty()) {
    namespace_ = "default"; // events about cluster-scoped objects live in "default"
  }
  const SystemTime now = clock_.now();
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  char suffix[24];
  std::snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(nanos));
  const std::string timestamp = formatRfc3339(now);
  json involved = {{"apiVersion", object.value("apiVersion", "")},
                   {"kind", object.value("kind", "")},
                   {"name", involved_name},
                   {"uid", meta.value("uid", "")},
                   {"resourceVersion", meta.value("resourceVersion", "")}};
  if (meta.contains("namespace")) {
    involved["namespace"] = meta.at("namespace");
  }
  json source = {{"component", options_.component}};
  if (!options_.instance.empty()) {
    source["host"] = options_.instance;
  }
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", involved_name + "." + suffix}, {"namespace", namespace_}}},
          {"involvedObject", involved},
          {"reason", reason},
          {"message", message},
          {"type", typeName(type)},
          {"source", source},
          {"firstTimestamp", timestamp},
          {"lastTimestamp", timestamp},
          {"count", 1},
          {"eventTime", nullptr},
          {"reportingComponent", options_.component},
          {"reportingInstance", options_.instance}};
}

void EventRecorder::remember(const AggregateKey& key, const std::string& namespace_,
                             const std::string& name) {
  lru_.push_front(key);
  aggregates_[key] = Aggregate{namespace_, name, 1, lru_.begin()};
  // Bounded: the least recently seen aggregate goes first.
  while (aggregates_.size() > options_.cache_size) {
    aggregates_.erase(lru_.back());
    lru_.pop_back();
  }
}

void EventRecorder::event(const json& object, EventType type, const std::string& reason,
                          const std::string& message) {
  const json& meta = object.value("metadata", json::object());
  const std::string identity =
      meta.value("uid", "").empty()
          ? meta.value("namespace", "") + "/" + object.value("kind", "") + "/" +
                meta.value("name", "")
          : meta.value("uid", "");
  const AggregateKey key{identity, typeName(type), reason, message};
  std::lock_guard lock(mutex_);
  // 1. A repeat within the cache: PATCH count and lastTimestamp of the existing Event.
  if (auto it = aggregates_.find(key); it != aggregates_.end()) {
    Aggregate& aggregate = it->second;
    lru_.splice(lru_.begin(), lru_, aggregate.lru);
    const json patch = {{"count", aggregate.count + 1},
                        {"lastTimestamp", formatRfc3339(clock_.now())}};
    auto patched = client_.patch(kube::resources::events(),
                                 {aggregate.namespace_, aggregate.name}, kube::PatchType::Merge,
                                 patch);
    if (patched) {
      ++aggregate.count;
      return;
    }
    // 2. The Event vanished (TTL, someone deleted it): start a new one below.
    spdlog::warn("Updating event {}/{} failed: {}; creating a new one.", aggregate.namespace_,
                 aggregate.name, patched.error().toString());
    aggregates_.erase(it);
    lru_.remove(key);
  }
  // 3. First occurrence: POST a new Event.
  const json event = makeEvent(object, type, reason, message);
  auto created = client_.create(kube::resources::events(), event);
  if (!created) {
    spdlog::warn("Recording event {} {} about {} failed: {}.", typeName(type), reason,
                 meta.value("name", ""), created.error().toString());
    return;
  }
  remember(key, event["metadata"]["namespace"], event["metadata"]["name"]);
}

} // namespace rdr::runtime
