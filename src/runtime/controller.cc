// Controller: reconcile workers and the mapping of reconcile outcomes to work-queue actions.
#include "rdr/runtime/controller.h"

#include <exception>

#include <thread>

#include <spdlog/spdlog.h>

namespace rdr::runtime {

// Rules (controller-runtime reconcileHandler, docs/architecture.md "One reconcile"):
// 1. Success with requeue_after: forget the failures, come back after that delay.
// 2. Success: forget; the next watch event brings the key back.
// 3. Conflict: someone else wrote first; requeue at once (rate limited), logged at debug.
// 4. NotFound: the primary object is gone, nothing to do. Reconcilers report NotFound only for
//    the primary object; a missing secondary object is their own business.
// 5. Invalid, Terminal, Unsupported, Unauthorized, Forbidden: retrying cannot help; forget and
//    wait until the object changes (the reconciler records why in a condition or Event).
// 6. Anything else (Transient, Expired, AlreadyExists, Internal, a caught exception): rate-limited
//    exponential backoff.
RetryDecision decideRetry(const Result<ReconcileResult>& outcome) {
  if (outcome.has_value()) {
    if (outcome->requeue_after && outcome->requeue_after->count() > 0) {
      return {QueueAction::RequeueAfter, *outcome->requeue_after, 1};
    }
    return {QueueAction::Forget, std::chrono::milliseconds(0), 2};
  }
  switch (outcome.error().code()) {
  case ErrorCode::Conflict:
    return {QueueAction::RequeueNow, std::chrono::milliseconds(0), 3};
  case ErrorCode::NotFound:
    return {QueueAction::Forget, std::chrono::milliseconds(0), 4};
  case ErrorCode::Invalid:
  case ErrorCode::Terminal:
  case ErrorCode::Unsupported:
  case ErrorCode::Unauthorized:
  case ErrorCode::Forbidden:
    return {QueueAction::DropUntilChanged, std::chrono::milliseconds(0), 5};
  default:
    return {QueueAction::RequeueRateLimited, std::chrono::milliseconds(0), 6};
  }
}

Controller::Controller(ControllerOptions options, Reconciler& reconciler, const Clock& clock,
                       std::unique_ptr<RateLimiter> limiter)
    : options_(std::move(options)), reconciler_(reconciler),
      queue_(clock, limiter ? std::move(limiter) : defaultControllerRateLimiter(clock)) {}

Controller::~Controller() { stop(); }

EventHandlers Controller::enqueueObject() {
  EventHandlers handlers;
  handlers.on_add = [this](const nlohmann::json& object) { enqueue(Cache::keyOf(object)); };
  handlers.on_update = [this](const nlohmann::json&, const nlohmann::json& object) {
    enqueue(Cache::keyOf(object));
  };
  handlers.on_delete = [this](const nlohmann::json& object) { enqueue(Cache::keyOf(object)); };
  return handlers;
}

EventHandlers onGenerationChange(EventHandlers handlers) {
  if (!handlers.on_update) {
    return handlers;
  }
  handlers.on_update = [inner = std::move(handlers.on_update)](const nlohmann::json& old_object,
                                                               const nlohmann::json& new_object) {
    const auto field = [](const nlohmann::json& object, const char* name) {
      const nlohmann::json meta = object.value("metadata", nlohmann::json::object());
      return meta.is_object() && meta.contains(name) ? meta[name] : nlohmann::json();
    };
    if (field(old_object, "generation") != field(new_object, "generation") ||
        field(old_object, "deletionTimestamp") != field(new_object, "deletionTimestamp")) {
      inner(old_object, new_object);
    }
  };
  return handlers;
}

EventHandlers Controller::enqueueOwner(std::string owner_kind) {
  auto mapToOwner = [this, owner_kind](const nlohmann::json& object) {
    const nlohmann::json& meta = object.value("metadata", nlohmann::json::object());
    for (const nlohmann::json& ref : meta.value("ownerReferences", nlohmann::json::array())) {
      if (ref.value("controller", false) && ref.value("kind", "") == owner_kind) {
        enqueue({meta.value("namespace", ""), ref.value("name", "")});
      }
    }
  };
  EventHandlers handlers;
  handlers.on_add = mapToOwner;
  handlers.on_update = [mapToOwner](const nlohmann::json& old_object,
                                    const nlohmann::json& object) {
    // An owner that was removed from the object still needs to hear about it.
    mapToOwner(old_object);
    mapToOwner(object);
  };
  handlers.on_delete = mapToOwner;
  return handlers;
}

void Controller::enqueue(const kube::ObjectKey& key) { queue_.add(key); }

void Controller::start() {
  spdlog::info("The controller {} is starting {} workers.", options_.name, options_.workers);
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

void Controller::stop() {
  queue_.shutDown();
  for (std::jthread& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
  if (!workers_.empty()) {
    spdlog::info("The controller {} stopped; in-flight reconciles have finished.", options_.name);
  }
  workers_.clear();
}

void Controller::work() {
  if (options_.caches_synced && !options_.caches_synced()) {
    spdlog::info("The controller {} waits for its caches to sync before reconciling.",
                 options_.name);
    while (!options_.caches_synced()) {
      if (queue_.isShuttingDown()) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    spdlog::info("The controller {}: caches synced.", options_.name);
  }
  while (auto key = queue_.get()) {
    processOne(*key);
    queue_.done(*key);
  }
}

bool Controller::processNextItem() {
  auto key = queue_.tryGet();
  if (!key) {
    return false;
  }
  processOne(*key);
  queue_.done(*key);
  return true;
}

void Controller::processOne(const kube::ObjectKey& key) {
  Result<ReconcileResult> outcome = ReconcileResult{};
  try {
    outcome = reconciler_.reconcile(key);
  } catch (const std::exception& e) {
    spdlog::error("The controller {} caught an exception reconciling {}: {}.", options_.name,
                  key.toString(), e.what());
    outcome = Error(ErrorCode::Transient, std::string("reconcile threw: ") + e.what());
  } catch (...) {
    spdlog::error("The controller {} caught an unknown exception reconciling {}.", options_.name,
                  key.toString());
    outcome = Error(ErrorCode::Transient, "reconcile threw a non-standard exception");
  }
  const RetryDecision decision = decideRetry(outcome);
  switch (decision.action) {
  case QueueAction::Forget:
    queue_.forget(key);
    break;
  case QueueAction::RequeueAfter:
    queue_.forget(key);
    queue_.addAfter(key, decision.after);
    break;
  case QueueAction::RequeueNow:
    spdlog::debug("Reconciling {} hit a conflict ({}); requeueing.", key.toString(),
                  outcome.error().message());
    queue_.addRateLimited(key);
    break;
  case QueueAction::RequeueRateLimited:
    spdlog::warn("Reconciling {} failed: {}; retry {} with backoff.", key.toString(),
                 outcome.error().toString(), queue_.numRequeues(key) + 1);
    queue_.addRateLimited(key);
    break;
  case QueueAction::DropUntilChanged:
    spdlog::error("Reconciling {} failed and will not be retried until the object changes: {}.",
                  key.toString(), outcome.error().toString());
    queue_.forget(key);
    break;
  }
}

} // namespace rdr::runtime
