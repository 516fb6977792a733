// The planned hand-over of a healthy primary (steps in execute.h).
#include <spdlog/spdlog.h>

#include "execute.h"

namespace rdr::controller {

Status runSwitchover(const Switchover& action, ExecutionContext& context) {
  auto from = context.connector.admin({action.from_ip, 6379}, context.credentials);
  auto to = context.connector.admin({action.to_ip, 6379}, context.credentials);
  const std::string what = "switching over from " + action.from_pod + " to " + action.to_pod;

  if (Status paused = from->pauseWrites(context.write_pause); !paused) { // 1
    return paused.error().wrap(what + ": pausing writes on " + action.from_pod);
  }
  auto source = from->replicationInfo();
  if (!source) {
    (void)from->unpause();
    return source.error().wrap(what + ": reading the offset of " + action.from_pod);
  }
  const std::int64_t target = source->master_repl_offset;
  const auto deadline = context.clock.now() + context.catch_up_timeout;
  std::int64_t reached = -1;
  while (true) { // 2
    if (auto info = to->replicationInfo(); info) {
      reached = info->processedOffset();
      if (reached >= target) {
        break;
      }
    }
    if (context.clock.now() >= deadline) {
      // A planned hand-over never trades acknowledged writes for speed: give up, let the old
      // primary take writes again, and let the next reconcile try again.
      (void)from->unpause();
      return Error(ErrorCode::Transient,
                   what + ": " + action.to_pod + " reached offset " + std::to_string(reached) +
                       " of " + std::to_string(target) + " within " +
                       std::to_string(context.catch_up_timeout.count()) +
                       " ms; not promoted (writes resumed on " + action.from_pod + ")");
    }
    context.sleeper.sleepFor(std::chrono::milliseconds(20), {});
  }
  if (Status promoted = to->promote(); !promoted) { // 3
    (void)from->unpause();
    return promoted.error().wrap(what + ": promoting " + action.to_pod);
  }
  if (context.credentials.password) { // 4
    if (Status set = from->configSet("masterauth", *context.credentials.password); !set) {
      return set.error().wrap(what + ": setting masterauth on " + action.from_pod);
    }
  }
  if (Status following = from->replicaOf({action.to_host, 6379}); !following) {
    return following.error().wrap(what + ": making " + action.from_pod + " follow " + action.to_pod);
  }
  (void)from->unpause(); // 5: a replica takes no client writes anyway
  spdlog::info("{}: done at offset {} of {}.", what, reached, target);
  return okStatus();
}

} // namespace rdr::controller
