// Pure parser of the ROLE reply: master, replica ("slave"), or a sentinel (refused).
#include <string>

#include "rdr/redis/info.h"
#include "redis/parse_util.h"

namespace rdr::redis {

namespace {

std::string_view typeName(Reply::Type type) {
  switch (type) {
  case Reply::Type::Nil:
    return "nil";
  case Reply::Type::Status:
    return "status";
  case Reply::Type::Error:
    return "error";
  case Reply::Type::Integer:
    return "integer";
  case Reply::Type::String:
    return "string";
  case Reply::Type::Array:
    return "array";
  }
  return "unknown";
}

Error invalid(std::string what) {
  return Error(ErrorCode::Invalid, "ROLE reply: " + std::move(what));
}

bool isText(const Reply& reply) {
  return reply.type == Reply::Type::String || reply.type == Reply::Type::Status;
}

// An integer that Redis sends either as an integer or as a decimal string (the replica entries
// of a master's ROLE are strings: ["10.0.0.2", "6379", "1234"]).
Result<std::int64_t> integerOf(const Reply& reply, std::string_view what) {
  if (reply.type == Reply::Type::Integer) {
    return reply.integer;
  }
  if (isText(reply)) {
    if (const auto value = detail::parseInt(reply.text)) {
      return *value;
    }
    return invalid(std::string(what) + " \"" + reply.text + "\" is not a number");
  }
  return invalid(std::string(what) + " is a " + std::string(typeName(reply.type)) +
                 ", not a number");
}

// ["master", <offset>, [[ip, port, offset], ...]]
Result<RoleInfo> parseMaster(const Reply& reply) {
  if (reply.elements.size() != 3 || reply.elements[2].type != Reply::Type::Array) {
    return invalid("a master's reply must be [\"master\", offset, [replicas...]]");
  }
  RoleInfo info;
  info.role = Role::Master;
  RDR_ASSIGN_OR_RETURN(info.offset, integerOf(reply.elements[1], "the master offset"));
  for (const Reply& item : reply.elements[2].elements) {
    if (item.type != Reply::Type::Array || item.elements.size() < 3 || !isText(item.elements[0])) {
      return invalid("a replica entry must be [ip, port, offset]");
    }
    ReplicaEntry entry;
    entry.ip = item.elements[0].text;
    RDR_ASSIGN_OR_RETURN(const std::int64_t port, integerOf(item.elements[1], "a replica port"));
    entry.port = static_cast<int>(port);
    RDR_ASSIGN_OR_RETURN(entry.offset, integerOf(item.elements[2], "a replica offset"));
    info.replicas.push_back(std::move(entry));
  }
  return info;
}

// ["slave", <master host>, <master port>, <link state>, <processed offset, -1 before a sync>]
Result<RoleInfo> parseReplica(const Reply& reply) {
  if (reply.elements.size() != 5 || !isText(reply.elements[1]) || !isText(reply.elements[3])) {
    return invalid("a replica's reply must be [\"slave\", host, port, state, offset]");
  }
  RoleInfo info;
  info.role = Role::Replica;
  info.master_host = reply.elements[1].text;
  RDR_ASSIGN_OR_RETURN(const std::int64_t port, integerOf(reply.elements[2], "the master port"));
  info.master_port = static_cast<int>(port);
  info.link_state = reply.elements[3].text;
  RDR_ASSIGN_OR_RETURN(info.offset, integerOf(reply.elements[4], "the replica offset"));
  return info;
}

} // namespace

Result<RoleInfo> parseRole(const Reply& reply) {
  if (reply.type != Reply::Type::Array) {
    return invalid("expected an array, got a " + std::string(typeName(reply.type)));
  }
  if (reply.elements.empty() || !isText(reply.elements[0])) {
    return invalid("the first element must name the role");
  }
  const std::string& role = reply.elements[0].text;
  if (role == "master") {
    return parseMaster(reply);
  }
  if (role == "slave" || role == "replica") {
    return parseReplica(reply);
  }
  if (role == "sentinel") {
    return Error(ErrorCode::Unsupported,
                 "ROLE reply: the server is a sentinel, not a data node");
  }
  return invalid("unknown role \"" + role + "\"");
}

} // namespace rdr::redis
