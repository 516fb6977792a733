// HiredisAdmin: CommandAdmin over pooled hiredis connections; HiredisConnector hands them out.
#include "redis/hiredis_admin.h"

#include <spdlog/spdlog.h>

namespace rdr::redis {

HiredisAdmin::HiredisAdmin(std::shared_ptr<ConnectionPool> pool)
    : CommandAdmin(pool->endpoint(), pool->credentials().password), pool_(std::move(pool)) {}

Result<Reply> HiredisAdmin::exchange(const std::vector<std::string>& arguments,
                                     std::chrono::milliseconds extra) {
  auto connection = pool_->borrow();
  if (!connection) {
    return connection.error();
  }
  auto reply = (*connection)->exchange(arguments, extra);
  if (!reply) {
    // A transport failure leaves the hiredis context in error: the connection is destroyed
    // here, and the next call opens a new one.
    spdlog::debug("Dropped a connection to redis {} after a failed exchange: {}.",
                  pool_->endpoint().toString(), reply.error().message());
    return reply.error();
  }
  pool_->giveBack(std::move(*connection));
  return reply;
}

HiredisConnector::HiredisConnector(ConnectOptions options) : options_(options) {}

std::shared_ptr<RedisAdmin> HiredisConnector::admin(const Endpoint& endpoint,
                                                    const Credentials& credentials) {
  Key key{endpoint.host, endpoint.port, credentials.username, credentials.password};
  const std::lock_guard lock(mutex_);
  auto& pool = pools_[std::move(key)];
  if (pool == nullptr) {
    pool = std::make_shared<ConnectionPool>(endpoint, credentials, options_, kMaxIdlePerPool);
  }
  return std::make_shared<HiredisAdmin>(pool);
}

std::unique_ptr<RedisConnector> makeHiredisConnector(ConnectOptions options) {
  return std::make_unique<HiredisConnector>(options);
}

} // namespace rdr::redis
