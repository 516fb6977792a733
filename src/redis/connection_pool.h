// A bounded pool of idle hiredis connections to one (endpoint, credentials) pair.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "rdr/redis/admin.h"
#include "redis/hiredis_connection.h"

namespace rdr::redis {

// Thread-safe. A caller borrows a connection (an idle one, or a new one), uses it alone, and
// gives it back after a successful exchange; a broken one is simply destroyed.
class ConnectionPool {
public:
  ConnectionPool(Endpoint endpoint, Credentials credentials, ConnectOptions options,
                 std::size_t max_idle);

  const Endpoint& endpoint() const { return endpoint_; }
  const Credentials& credentials() const { return credentials_; }
  const ConnectOptions& options() const { return options_; }

  // The most recently returned idle connection that still looks healthy, else a new one.
  Result<std::unique_ptr<HiredisConnection>> borrow();

  // Keeps `connection` for reuse unless it is broken or max_idle connections are idle already.
  void giveBack(std::unique_ptr<HiredisConnection> connection);

  std::size_t idleCount() const;

private:
  const Endpoint endpoint_;
  const Credentials credentials_;
  const ConnectOptions options_;
  const std::size_t max_idle_;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<HiredisConnection>> idle_; // guarded by mutex_
};

} // namespace rdr::redis
