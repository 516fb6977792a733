// One blocking hiredis connection: connect, AUTH, one command at a time, errors as values.
#include "redis/hiredis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <spdlog/spdlog.h>

#include "redis/hiredis_reply.h"
#include "redis/redis_error.h"

namespace rdr::redis {

namespace {

timeval toTimeval(std::chrono::milliseconds duration) {
  const auto ms = duration.count() < 1 ? 1 : duration.count();
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

// hiredis wants an IPv6 literal without the brackets of "[fd00::1]".
std::string bareHost(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

} // namespace

HiredisConnection::HiredisConnection(redisContext* context,
                                     std::chrono::milliseconds command_timeout)
    : context_(context), command_timeout_(command_timeout) {}

HiredisConnection::~HiredisConnection() {
  redisFree(context_);
}

Result<std::unique_ptr<HiredisConnection>> HiredisConnection::open(const Endpoint& endpoint,
                                                                   const Credentials& credentials,
                                                                   const ConnectOptions& options) {
  redisContext* context = redisConnectWithTimeout(bareHost(endpoint.host).c_str(), endpoint.port,
                                                  toTimeval(options.connect_timeout));
  if (context == nullptr) {
    return Error(ErrorCode::Transient, "could not allocate a hiredis context");
  }
  if (context->err != 0) {
    std::string message =
        describeTransportError(context->err, context->errstr, options.connect_timeout);
    if (message.starts_with("timed out")) {
      message = "timed out connecting after " + std::to_string(options.connect_timeout.count()) +
                " ms";
    }
    redisFree(context);
    return Error(ErrorCode::Transient, std::move(message));
  }
  std::unique_ptr<HiredisConnection> connection(
      new HiredisConnection(context, options.command_timeout));
  if (redisSetTimeout(context, toTimeval(options.command_timeout)) != REDIS_OK) {
    return Error(ErrorCode::Transient, "could not set the socket timeout");
  }
  redisEnableKeepAlive(context);
  if (!credentials.password) {
    return connection;
  }

  std::vector<std::string> auth = {"AUTH"};
  if (credentials.username) {
    auth.push_back(*credentials.username);
  }
  auth.push_back(*credentials.password);
  auto reply = connection->exchange(auth);
  if (!reply) {
    return reply.error().wrap("AUTH");
  }
  if (reply->type == Reply::Type::Error) {
    if (isAuthWithoutPasswordConfigured(reply->text)) {
      // The server has no password at all, so the connection works without one; say so loudly,
      // since the operator believes this server is protected.
      spdlog::warn("Redis {} has no password configured but the operator sent one; continuing "
                   "without authentication.",
                   endpoint.toString());
      return connection;
    }
    const std::vector<std::string> secrets = {*credentials.password};
    return Error(classifyAuthError(reply->text), "AUTH refused: " + redact(reply->text, secrets));
  }
  if (reply->type != Reply::Type::Status) {
    return Error(ErrorCode::Internal, "AUTH answered with something other than OK");
  }
  return connection;
}

Result<Reply> HiredisConnection::exchange(const std::vector<std::string>& arguments,
                                          std::chrono::milliseconds extra) {
  if (broken_) {
    return Error(ErrorCode::Internal, "the connection is broken and cannot be reused");
  }
  const std::chrono::milliseconds timeout = command_timeout_ + extra;
  if (extra.count() > 0 && redisSetTimeout(context_, toTimeval(timeout)) != REDIS_OK) {
    broken_ = true;
    return Error(ErrorCode::Transient, "could not set the socket timeout");
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(arguments.size());
  lengths.reserve(arguments.size());
  for (const std::string& argument : arguments) {
    argv.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  std::unique_ptr<redisReply, ReplyDeleter> raw(static_cast<redisReply*>(redisCommandArgv(
      context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (raw == nullptr) {
    return transportError(timeout);
  }
  Reply reply = toReply(*raw);
  if (extra.count() > 0 && redisSetTimeout(context_, toTimeval(command_timeout_)) != REDIS_OK) {
    broken_ = true; // the reply is good, but this connection's timeout is not what it should be
  }
  return reply;
}

Error HiredisConnection::transportError(std::chrono::milliseconds timeout) {
  broken_ = true;
  return Error(ErrorCode::Transient,
               describeTransportError(context_->err, context_->errstr, timeout));
}

bool HiredisConnection::broken() const {
  return broken_ || context_->err != 0;
}

bool HiredisConnection::idleLooksHealthy() const {
  if (broken()) {
    return false;
  }
  pollfd descriptor{context_->fd, POLLIN, 0};
  const int ready = poll(&descriptor, 1, 0);
  // Readable while idle means EOF (the server closed or restarted) or bytes nobody asked for.
  return ready == 0;
}

} // namespace rdr::redis
