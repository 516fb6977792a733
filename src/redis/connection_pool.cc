// A bounded pool of idle hiredis connections to one (endpoint, credentials) pair.
#include "redis/connection_pool.h"

#include <spdlog/spdlog.h>

namespace rdr::redis {

ConnectionPool::ConnectionPool(Endpoint endpoint, Credentials credentials, ConnectOptions options,
                               std::size_t max_idle)
    : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), options_(options),
      max_idle_(max_idle) {}

Result<std::unique_ptr<HiredisConnection>> ConnectionPool::borrow() {
  std::vector<std::unique_ptr<HiredisConnection>> stale; // destroyed outside the lock
  {
    const std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      std::unique_ptr<HiredisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->idleLooksHealthy()) {
        return connection;
      }
      stale.push_back(std::move(connection));
    }
  }
  if (!stale.empty()) {
    spdlog::debug("Dropped {} idle connection(s) to redis {} that the server had closed.",
                  stale.size(), endpoint_.toString());
  }
  auto opened = HiredisConnection::open(endpoint_, credentials_, options_);
  if (opened) {
    spdlog::debug("Opened a new connection to redis {}.", endpoint_.toString());
  }
  return opened;
}

void ConnectionPool::giveBack(std::unique_ptr<HiredisConnection> connection) {
  if (connection == nullptr || connection->broken()) {
    return;
  }
  const std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(connection));
  }
  // Past max_idle_ the connection is closed here: a burst of parallel calls does not leave
  // more than max_idle_ sockets open per server.
}

std::size_t ConnectionPool::idleCount() const {
  const std::lock_guard lock(mutex_);
  return idle_.size();
}

} // namespace rdr::redis
