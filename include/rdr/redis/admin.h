// RedisAdmin: the commands the operator sends to one Redis server, and the connector that hands
// out pooled admins per endpoint. Every failure is a value whose message names the endpoint and
// the command; a password never appears in a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/redis/info.h"
#include "rdr/redis/reply.h"

namespace rdr::redis {

struct Endpoint {
  std::string host; // IP address or DNS name
  int port = 6379;

  std::string toString() const; // "host:port" ("[v6]:port" for IPv6 literals)
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

struct Credentials {
  std::optional<std::string> username; // ACL user; absent: AUTH <password> (the default user)
  std::optional<std::string> password; // absent: no AUTH

  bool operator==(const Credentials&) const = default;
};

struct ConnectOptions {
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{1000};
};

// Error codes of every RedisAdmin call:
// - Transient: refused, unreachable, timed out, connection lost, -LOADING, -BUSY, -MASTERDOWN
//   (also -TRYAGAIN, -CLUSTERDOWN, -NOREPLICAS and "-ERR max number of clients reached");
// - Unauthorized: -NOAUTH, -WRONGPASS, or AUTH refused (the message never holds the password);
// - Forbidden: -NOPERM (an ACL user without the permission for the command);
// - NotFound: configGet of an unknown parameter;
// - Unsupported: role() on a sentinel;
// - Invalid: any other -ERR reply (e.g. an unknown CONFIG parameter), with Redis' text;
// - Internal: a reply of an unexpected shape.
// Messages read "redis <host:port>: <command>: <detail>", e.g.
// "redis 127.0.0.5:6379: INFO replication: connection refused". A password sent to a server that
// has none is accepted with a warning (as redis-cli does): the connection works without it.
class RedisAdmin {
public:
  virtual ~RedisAdmin() = default;

  virtual const Endpoint& endpoint() const = 0;

  virtual Status ping() = 0;
  virtual Result<ReplicationInfo> replicationInfo() = 0; // INFO replication
  virtual Result<StatsInfo> statsInfo() = 0;             // INFO stats
  virtual Result<RoleInfo> role() = 0;                   // ROLE

  // REPLICAOF host port: follow another node (Redis answers OK at once; the sync runs after).
  virtual Status replicaOf(const Endpoint& upstream) = 0;
  // REPLICAOF NO ONE: stop following and accept writes (keeps the dataset; sets master_replid2).
  virtual Status promote() = 0;

  virtual Result<std::string> configGet(const std::string& parameter) = 0; // NotFound if unknown
  virtual Status configSet(const std::string& parameter, const std::string& value) = 0;

  // CLIENT PAUSE <ms> WRITE / CLIENT UNPAUSE.
  virtual Status pauseWrites(std::chrono::milliseconds duration) = 0;
  virtual Status unpause() = 0;

  // WAIT <replicas> <timeout>: how many replicas acknowledged every write so far.
  virtual Result<int> wait(int replicas, std::chrono::milliseconds timeout) = 0;

  // Any other command, for tests and rare uses (arguments are sent as binary-safe strings).
  virtual Result<Reply> command(const std::vector<std::string>& arguments) = 0;
};

// Hands out admins. One pool of connections per (endpoint, credentials): a connection that
// failed is dropped, the next call reconnects; idle connections are kept for reuse.
// Thread-safe; admins may be used from several threads at once.
class RedisConnector {
public:
  virtual ~RedisConnector() = default;

  virtual std::shared_ptr<RedisAdmin> admin(const Endpoint& endpoint,
                                            const Credentials& credentials) = 0;
};

// The hiredis implementation.
std::unique_ptr<RedisConnector> makeHiredisConnector(ConnectOptions options = {});

} // namespace rdr::redis
