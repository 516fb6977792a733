// What the ActiveRedisConnection controller decides for a connection: finalizer, status (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rdr/api/active_redis_connection.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::controller {

// The source's Secret (spec.secretName) as the reconciler found it.
enum class ConnectionSecret {
  Unused,     // spec.secretName is empty: the source needs no password
  Ready,      // the Secret exists with a non-empty key "password"
  Missing,    // no such Secret in the connection's namespace
  NoPassword, // the Secret exists, but its key "password" is absent, empty or not base64
};

// Everything the plan reads: no I/O happens after these are gathered.
struct ConnectionInputs {
  api::ActiveRedisConnection connection;
  std::optional<api::RedisCluster> target; // the RedisCluster named by spec.instance; absent: none
  // Every connection of the namespace (this one included), for decideDriver.
  std::vector<api::ActiveRedisConnection> connections;
  ConnectionSecret secret = ConnectionSecret::Unused;
};

enum class FinalizerChange { None, Add, Remove };

// An Event about the connection, recorded when its status moves into Failed, Healthy or Paused.
struct ConnectionEvent {
  bool warning = false;
  std::string reason; // LinkFailed | LinkHealthy | LinkPaused
  std::string message;

  bool operator==(const ConnectionEvent&) const = default;
};

struct ConnectionPlan {
  FinalizerChange finalizer = FinalizerChange::None;
  api::ActiveRedisConnectionStatus status;
  bool drives_target = false; // decideDriver chose this connection for its target
};

// The finalizer and status of `inputs.connection` (rules in plan.cc, above planConnection).
ConnectionPlan planConnection(const ConnectionInputs& inputs);

// The Event to record when the stored status `before` becomes `after`: only when the state
// changes into Failed (Warning LinkFailed), Healthy (Normal LinkHealthy) or Paused (Normal
// LinkPaused); nothing otherwise, so that an unchanged state never repeats its Event.
std::optional<ConnectionEvent> transitionEvent(const api::ActiveRedisConnectionStatus& before,
                                               const api::ActiveRedisConnectionStatus& after);

} // namespace rdr::controller
