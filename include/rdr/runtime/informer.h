// Informer: client-go's reflector (list, watch, resume, relist on 410) feeding a Cache and handlers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/kube/client.h"
#include "rdr/runtime/backoff.h"
#include "rdr/runtime/cache.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::runtime {

// Called on the informer's thread, after the cache has the new state.
struct EventHandlers {
  std::function<void(const nlohmann::json&)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& new_object)> on_update;
  std::function<void(const nlohmann::json&)> on_delete; // last known state
};

struct InformerOptions {
  std::string namespace_; // empty: all namespaces
  std::string label_selector;
  int page_size = 500;
  std::chrono::seconds min_watch_timeout{300}; // each watch asks for 1-2× this
  std::chrono::milliseconds short_watch{1000}; // a watch ending sooner with no events failed
  BackoffOptions backoff;
};

class Informer {
public:
  Informer(kube::Client& client, kube::Resource resource, InformerOptions options,
           const Clock& clock, Sleeper& sleeper);
  ~Informer();

  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers must be added before start().
  void addHandlers(EventHandlers handlers);
  void start();
  // Cancels the blocked watch, waits for the thread; idempotent.
  void stop();

  // @return true once the first list has been stored and handed to the handlers.
  bool hasSynced() const { return synced_.load(); }
  const Cache& cache() const { return cache_; }
  const kube::Resource& resource() const { return resource_; }
  // The RV the next watch (or relist) starts from.
  std::string lastSyncResourceVersion() const;

private:
  void run(std::stop_token stop);
  // One reflector cycle: list, then watch until something needs a relist. An error means the
  // cycle failed and the caller backs off.
  Status listAndWatch(std::stop_token stop);
  Status listAll();
  // @return nothing after a normal end (re-watch), an error otherwise.
  Status watchOnce(std::stop_token stop);
  Status handleEvent(const kube::WatchEvent& event);
  void setLastSyncResourceVersion(std::string rv);

  kube::Client& client_;
  const kube::Resource resource_;
  const InformerOptions options_;
  const Clock& clock_;
  Sleeper& sleeper_;
  Cache cache_;
  ExponentialBackoff backoff_;
  std::vector<EventHandlers> handlers_;
  std::atomic<bool> synced_{false};

  mutable std::mutex mutex_;
  std::string last_sync_rv_;
  bool relist_from_latest_ = false; // the last relist hit 410: list with "" next
  std::unique_ptr<kube::WatchStream> current_watch_; // guarded by mutex_ so stop() can cancel it
  std::uint32_t watch_count_ = 0;
  std::jthread thread_;
};

} // namespace rdr::runtime
