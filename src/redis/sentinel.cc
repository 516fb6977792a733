// Sentinel's commands over a RedisAdmin (sentinel.h).
#include "rdr/redis/sentinel.h"

#include <charconv>

namespace rdr::redis {
namespace {

// An error reply becomes an error value naming the Sentinel and the command.
Status fromErrorReply(const RedisAdmin& sentinel, const Reply& reply, const std::string& what) {
  if (reply.type == Reply::Type::Error) {
    return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " + what +
                                          ": " + reply.text);
  }
  return okStatus();
}

Status expectOk(RedisAdmin& sentinel, const std::vector<std::string>& arguments,
                const std::string& what) {
  RDR_ASSIGN_OR_RETURN(const Reply reply, sentinel.command(arguments));
  RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, what));
  if (reply.type != Reply::Type::Status || !reply.text.starts_with("OK")) {
    return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " + what +
                                          ": expected +OK");
  }
  return okStatus();
}

} // namespace

Result<std::optional<Endpoint>> sentinelMasterAddress(RedisAdmin& sentinel,
                                                      const std::string& master) {
  const std::string what = "SENTINEL GET-MASTER-ADDR-BY-NAME " + master;
  RDR_ASSIGN_OR_RETURN(const Reply reply,
                       sentinel.command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", master}));
  RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, what));
  if (reply.type == Reply::Type::Nil) {
    return std::optional<Endpoint>();
  }
  int port = 0;
  const bool shaped = reply.type == Reply::Type::Array && reply.elements.size() == 2 &&
                      reply.elements[0].type == Reply::Type::String &&
                      reply.elements[1].type == Reply::Type::String;
  const std::string& port_text = shaped ? reply.elements[1].text : std::string();
  const auto parsed = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!shaped || parsed.ec != std::errc() || parsed.ptr != port_text.data() + port_text.size()) {
    return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " + what +
                                          ": expected [ip, port] or nil");
  }
  return std::optional<Endpoint>(Endpoint{reply.elements[0].text, port});
}

Result<std::vector<std::string>> sentinelKnownIps(RedisAdmin& sentinel, const std::string& master) {
  std::vector<std::string> ips;
  for (const char* kind : {"REPLICAS", "SENTINELS"}) {
    const std::string what = std::string("SENTINEL ") + kind + " " + master;
    RDR_ASSIGN_OR_RETURN(const Reply reply, sentinel.command({"SENTINEL", kind, master}));
    RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, what));
    if (reply.type != Reply::Type::Array) {
      return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " +
                                            what + ": expected an array");
    }
    for (const Reply& instance : reply.elements) { // [field, value, field, value, ...]
      for (std::size_t i = 0; i + 1 < instance.elements.size(); i += 2) {
        if (instance.elements[i].text == "ip") {
          ips.push_back(instance.elements[i + 1].text);
        }
      }
    }
  }
  return ips;
}

Status sentinelMonitor(RedisAdmin& sentinel, const std::string& master, const Endpoint& primary,
                       int quorum) {
  return expectOk(sentinel,
                  {"SENTINEL", "MONITOR", master, primary.host, std::to_string(primary.port),
                   std::to_string(quorum)},
                  "SENTINEL MONITOR " + master + " " + primary.toString());
}

Status sentinelSet(RedisAdmin& sentinel, const std::string& master, const std::string& option,
                   const std::string& value) {
  return expectOk(sentinel, {"SENTINEL", "SET", master, option, value},
                  "SENTINEL SET " + master + " " + option);
}

Status sentinelRemove(RedisAdmin& sentinel, const std::string& master) {
  const std::string what = "SENTINEL REMOVE " + master;
  auto reply = sentinel.command({"SENTINEL", "REMOVE", master});
  if (!reply && reply.error().message().find("No such master") != std::string::npos) {
    return okStatus();
  }
  if (!reply) {
    return reply.error();
  }
  return fromErrorReply(sentinel, *reply, what);
}

Result<std::map<std::string, std::string>> sentinelMasterFields(RedisAdmin& sentinel,
                                                                const std::string& master) {
  const std::string what = "SENTINEL MASTER " + master;
  RDR_ASSIGN_OR_RETURN(const Reply reply, sentinel.command({"SENTINEL", "MASTER", master}));
  RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, what));
  if (reply.type != Reply::Type::Array) {
    return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " + what +
                                          ": expected an array");
  }
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].text] = reply.elements[i + 1].text;
  }
  return fields;
}

Result<std::vector<std::string>> sentinelMasterNames(RedisAdmin& sentinel) {
  RDR_ASSIGN_OR_RETURN(const Reply reply, sentinel.command({"SENTINEL", "MASTERS"}));
  RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, "SENTINEL MASTERS"));
  if (reply.type != Reply::Type::Array) {
    return Error(ErrorCode::Internal,
                 "sentinel " + sentinel.endpoint().toString() + ": SENTINEL MASTERS: expected an array");
  }
  std::vector<std::string> names;
  for (const Reply& master : reply.elements) { // [field, value, field, value, ...]
    for (std::size_t i = 0; i + 1 < master.elements.size(); i += 2) {
      if (master.elements[i].text == "name") {
        names.push_back(master.elements[i + 1].text);
      }
    }
  }
  return names;
}

Status sentinelFailover(RedisAdmin& sentinel, const std::string& master) {
  const std::string what = "SENTINEL FAILOVER " + master;
  auto reply = sentinel.command({"SENTINEL", "FAILOVER", master});
  if (!reply && reply.error().message().find("INPROG") != std::string::npos) {
    return okStatus();
  }
  if (!reply) {
    return reply.error();
  }
  return fromErrorReply(sentinel, *reply, what);
}

Result<int> sentinelReset(RedisAdmin& sentinel, const std::string& pattern) {
  const std::string what = "SENTINEL RESET " + pattern;
  RDR_ASSIGN_OR_RETURN(const Reply reply, sentinel.command({"SENTINEL", "RESET", pattern}));
  RDR_RETURN_IF_ERROR(fromErrorReply(sentinel, reply, what));
  if (reply.type != Reply::Type::Integer) {
    return Error(ErrorCode::Internal, "sentinel " + sentinel.endpoint().toString() + ": " + what +
                                          ": expected an integer");
  }
  return static_cast<int>(reply.integer);
}

} // namespace rdr::redis
