// Controller: work queue + N workers calling a Reconciler, with the one error → retry mapping.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/kube/resource.h"
#include "rdr/runtime/informer.h"
#include "rdr/runtime/work_queue.h"

namespace rdr::runtime {

struct ReconcileResult {
  std::optional<std::chrono::milliseconds> requeue_after; // come back after this even if quiet
};

class Reconciler {
public:
  virtual ~Reconciler() = default;

  // Brings the object `key` towards its desired state; level-based and idempotent.
  // @return when to look again, or an error whose code decides the retry (see decideRetry).
  virtual Result<ReconcileResult> reconcile(const kube::ObjectKey& key) = 0;
};

enum class QueueAction {
  Forget,             // done: reset the key's failure count
  RequeueNow,         // rate-limited requeue without logging a failure (conflicts)
  RequeueRateLimited, // rate-limited requeue, the failure is logged
  RequeueAfter,       // forget, then add after `after`
  DropUntilChanged,   // forget; only a new watch event brings the key back
};

struct RetryDecision {
  QueueAction action;
  std::chrono::milliseconds after{0};
  int rule; // the numbered rule of decideRetry that applied
};

// The only place where reconcile outcomes become queue actions (pure).
RetryDecision decideRetry(const Result<ReconcileResult>& outcome);

// controller-runtime's GenerationChangedPredicate: passes adds and deletes through, and updates
// only when metadata.generation or metadata.deletionTimestamp changed. A controller that writes
// its own object's status uses it so that its status writes do not wake it again (it requeues
// itself on a timer instead).
EventHandlers onGenerationChange(EventHandlers handlers);

struct ControllerOptions {
  std::string name = "controller";
  int workers = 1;
  // controller-runtime's WaitForCacheSync: workers reconcile nothing until this returns true
  // (every informer the reconciler reads has listed once). A reconcile against a cold cache
  // would take a missing object for a deleted one. Empty: no wait (tests driving the queue).
  std::function<bool()> caches_synced;
};

class Controller {
public:
  Controller(ControllerOptions options, Reconciler& reconciler, const Clock& clock,
             std::unique_ptr<RateLimiter> limiter = nullptr);
  ~Controller();

  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Handlers that enqueue the event's own object. They capture this controller: stop the
  // informers that call them before the controller goes away.
  EventHandlers enqueueObject();
  // Handlers that enqueue the controller owner (ownerReferences[].controller) of kind `owner_kind`
  // in the object's namespace.
  EventHandlers enqueueOwner(std::string owner_kind);
  void enqueue(const kube::ObjectKey& key);

  void start();
  // Stops intake, lets in-flight reconciles finish, joins the workers; idempotent.
  void stop();

  // Reconciles one ready key on the calling thread (tests and single-threaded drivers).
  // @return false when no key was ready.
  bool processNextItem();

  WorkQueue& queue() { return queue_; }

private:
  void work();
  void processOne(const kube::ObjectKey& key);

  ControllerOptions options_;
  Reconciler& reconciler_;
  WorkQueue queue_;
  std::vector<std::jthread> workers_;
};

} // namespace rdr::runtime
