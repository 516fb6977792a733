// CommandAdmin: RedisAdmin's typed commands, error mapping and parsing over any transport.
#include "redis/command_admin.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <spdlog/spdlog.h>

#include "redis/redis_error.h"

namespace rdr::redis {

namespace {

// CONFIG parameters whose values are credentials: never echoed in a message or a log.
bool isSecretParameter(std::string parameter) {
  std::transform(parameter.begin(), parameter.end(), parameter.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return parameter.find("pass") != std::string::npos ||
         parameter.find("auth") != std::string::npos;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace

CommandAdmin::CommandAdmin(Endpoint endpoint, std::optional<std::string> password)
    : endpoint_(std::move(endpoint)), password_(std::move(password)) {}

Error CommandAdmin::error(ErrorCode code, const std::string& what,
                          const std::string& detail) const {
  return Error(code, "redis " + endpoint_.toString() + ": " + what + ": " + detail);
}

Result<Reply> CommandAdmin::run(const std::vector<std::string>& arguments, const std::string& what,
                                std::vector<std::string> secrets,
                                std::chrono::milliseconds extra) {
  if (password_) {
    secrets.push_back(*password_);
  }
  try {
    auto reply = exchange(arguments, extra);
    if (!reply) {
      return error(reply.error().code(), what, redact(reply.error().message(), secrets));
    }
    if (reply->type == Reply::Type::Error) {
      return error(classifyRedisError(reply->text), what, redact(reply->text, secrets));
    }
    return std::move(reply).value();
  } catch (const std::exception& e) {
    return error(ErrorCode::Internal, what, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return error(ErrorCode::Internal, what, "unexpected exception");
  }
}

Status CommandAdmin::runExpectingOk(const std::vector<std::string>& arguments,
                                    const std::string& what, std::vector<std::string> secrets) {
  RDR_ASSIGN_OR_RETURN(const Reply reply, run(arguments, what, std::move(secrets)));
  if (reply.type != Reply::Type::Status || !reply.text.starts_with("OK")) {
    return error(ErrorCode::Internal, what, "expected +OK");
  }
  return okStatus();
}

Status CommandAdmin::ping() {
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"PING"}, "PING"));
  if (reply.type != Reply::Type::Status || reply.text != "PONG") {
    return error(ErrorCode::Internal, "PING", "expected +PONG");
  }
  return okStatus();
}

Result<ReplicationInfo> CommandAdmin::replicationInfo() {
  const std::string what = "INFO replication";
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"INFO", "replication"}, what));
  if (reply.type != Reply::Type::String) {
    return error(ErrorCode::Internal, what, "expected a bulk string");
  }
  auto info = parseReplicationInfo(reply.text);
  if (!info) {
    // The server's own text did not parse: a reply of an unexpected shape, not bad input.
    return error(ErrorCode::Internal, what, info.error().message());
  }
  return info;
}

Result<StatsInfo> CommandAdmin::statsInfo() {
  const std::string what = "INFO stats";
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"INFO", "stats"}, what));
  if (reply.type != Reply::Type::String) {
    return error(ErrorCode::Internal, what, "expected a bulk string");
  }
  auto stats = parseStatsInfo(reply.text);
  if (!stats) {
    return error(ErrorCode::Internal, what, stats.error().message());
  }
  return stats;
}

Result<RoleInfo> CommandAdmin::role() {
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"ROLE"}, "ROLE"));
  auto role = parseRole(reply);
  if (!role) {
    const ErrorCode code = role.error().is(ErrorCode::Unsupported) ? ErrorCode::Unsupported
                                                                   : ErrorCode::Internal;
    return error(code, "ROLE", role.error().message());
  }
  return role;
}

Status CommandAdmin::replicaOf(const Endpoint& upstream) {
  // Redis takes an IPv6 literal bare ("REPLICAOF fd00::1 6379"), never in brackets.
  std::string host = upstream.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = std::to_string(upstream.port);
  const Status status = runExpectingOk({"REPLICAOF", host, port}, "REPLICAOF " + host + " " + port);
  if (status) {
    spdlog::info("Redis {} now replicates from {}.", endpoint_.toString(),
                 upstream.toString());
  }
  return status;
}

Status CommandAdmin::promote() {
  const Status status = runExpectingOk({"REPLICAOF", "NO", "ONE"}, "REPLICAOF NO ONE");
  if (status) {
    spdlog::info("Redis {} stopped replicating and accepts writes (REPLICAOF NO ONE).",
                 endpoint_.toString());
  }
  return status;
}

Result<std::string> CommandAdmin::configGet(const std::string& parameter) {
  const std::string what = "CONFIG GET " + parameter;
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"CONFIG", "GET", parameter}, what));
  if (reply.type != Reply::Type::Array || reply.elements.size() % 2 != 0) {
    return error(ErrorCode::Internal, what, "expected an array of name/value pairs");
  }
  if (reply.elements.empty()) {
    return error(ErrorCode::NotFound, what, "no such configuration parameter");
  }
  // A pattern ("maxmemory*") may match several parameters: prefer the exact name.
  for (std::size_t index = 0; index + 1 < reply.elements.size(); index += 2) {
    if (reply.elements.size() == 2 || equalsIgnoringCase(reply.elements[index].text, parameter)) {
      return reply.elements[index + 1].text;
    }
  }
  return error(ErrorCode::Invalid, what, "the name matches several parameters");
}

Status CommandAdmin::configSet(const std::string& parameter, const std::string& value) {
  std::vector<std::string> secrets;
  if (isSecretParameter(parameter)) {
    secrets.push_back(value);
  }
  return runExpectingOk({"CONFIG", "SET", parameter, value}, "CONFIG SET " + parameter,
                        std::move(secrets));
}

Status CommandAdmin::pauseWrites(std::chrono::milliseconds duration) {
  const std::string ms = std::to_string(duration.count());
  return runExpectingOk({"CLIENT", "PAUSE", ms, "WRITE"}, "CLIENT PAUSE " + ms + " WRITE");
}

Status CommandAdmin::unpause() {
  return runExpectingOk({"CLIENT", "UNPAUSE"}, "CLIENT UNPAUSE");
}

Result<int> CommandAdmin::wait(int replicas, std::chrono::milliseconds timeout) {
  const std::string what =
      "WAIT " + std::to_string(replicas) + " " + std::to_string(timeout.count());
  RDR_ASSIGN_OR_RETURN(const Reply reply, run({"WAIT", std::to_string(replicas),
                                               std::to_string(timeout.count())},
                                              what, {}, timeout));
  if (reply.type != Reply::Type::Integer) {
    return error(ErrorCode::Internal, what, "expected an integer");
  }
  return static_cast<int>(reply.integer);
}

Result<Reply> CommandAdmin::command(const std::vector<std::string>& arguments) {
  if (arguments.empty()) {
    return error(ErrorCode::Invalid, "(empty command)", "a command needs at least its name");
  }
  std::vector<std::string> secrets;
  if (equalsIgnoringCase(arguments[0], "AUTH") || equalsIgnoringCase(arguments[0], "HELLO")) {
    secrets.assign(arguments.begin() + 1, arguments.end());
  }
  // SENTINEL SET <master> auth-pass <password> [...]: every value after auth-pass stays out.
  if (equalsIgnoringCase(arguments[0], "SENTINEL") && arguments.size() > 4 &&
      equalsIgnoringCase(arguments[1], "SET")) {
    for (std::size_t i = 3; i + 1 < arguments.size(); i += 2) {
      if (equalsIgnoringCase(arguments[i], "auth-pass")) {
        secrets.push_back(arguments[i + 1]);
      }
    }
  }
  return run(arguments, describeCommand(arguments), std::move(secrets));
}

} // namespace rdr::redis
