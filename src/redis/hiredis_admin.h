// HiredisAdmin and HiredisConnector: the hiredis implementation of RedisAdmin/RedisConnector.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "rdr/redis/admin.h"
#include "redis/command_admin.h"
#include "redis/connection_pool.h"

namespace rdr::redis {

// A cheap handle on a shared pool: every call borrows a connection of its own, so one
// HiredisAdmin may be used from several threads at once.
class HiredisAdmin final : public CommandAdmin {
public:
  explicit HiredisAdmin(std::shared_ptr<ConnectionPool> pool);

  std::size_t idleConnections() const { return pool_->idleCount(); }

protected:
  // CommandAdmin
  Result<Reply> exchange(const std::vector<std::string>& arguments,
                         std::chrono::milliseconds extra) override;

private:
  std::shared_ptr<ConnectionPool> pool_;
};

// One pool per (endpoint, credentials), created on first use and kept for the connector's life.
class HiredisConnector final : public RedisConnector {
public:
  static constexpr std::size_t kMaxIdlePerPool = 4;

  explicit HiredisConnector(ConnectOptions options);

  // RedisConnector
  std::shared_ptr<RedisAdmin> admin(const Endpoint& endpoint,
                                    const Credentials& credentials) override;

private:
  using Key = std::tuple<std::string, int, std::optional<std::string>, std::optional<std::string>>;

  const ConnectOptions options_;
  std::mutex mutex_;
  std::map<Key, std::shared_ptr<ConnectionPool>> pools_; // guarded by mutex_
};

} // namespace rdr::redis
