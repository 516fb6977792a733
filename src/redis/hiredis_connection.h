// One blocking hiredis connection to one Redis server, authenticated, with socket timeouts.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/redis/admin.h"

struct redisContext;

namespace rdr::redis {

// Owns a redisContext. Not thread-safe: the pool lends it to one caller at a time.
class HiredisConnection {
public:
  ~HiredisConnection();
  HiredisConnection(const HiredisConnection&) = delete;
  HiredisConnection& operator=(const HiredisConnection&) = delete;

  // Connects within options.connect_timeout, sets the command timeout, and sends AUTH when the
  // credentials hold a password. Errors carry no prefix ("connection refused", "AUTH refused:
  // WRONGPASS ..."); the caller adds which server and command. Never puts the password in them.
  static Result<std::unique_ptr<HiredisConnection>> open(const Endpoint& endpoint,
                                                         const Credentials& credentials,
                                                         const ConnectOptions& options);

  // Sends one command and reads its reply, waiting at most command_timeout + extra. Redis error
  // replies come back as a Reply of type Error; an Error result is a transport failure (refused,
  // timed out, lost), after which the connection is broken and must be dropped.
  Result<Reply> exchange(const std::vector<std::string>& arguments,
                         std::chrono::milliseconds extra = std::chrono::milliseconds(0));

  // True once a transport failure happened; a broken connection is never reused.
  bool broken() const;

  // For a connection that sat idle: false when the server closed it or sent something
  // unsolicited (a pending EOF or bytes on the socket), so that the pool drops it before use.
  bool idleLooksHealthy() const;

private:
  HiredisConnection(redisContext* context, std::chrono::milliseconds command_timeout);

  Error transportError(std::chrono::milliseconds timeout);

  redisContext* context_;
  std::chrono::milliseconds command_timeout_;
  bool broken_ = false;
};

} // namespace rdr::redis
