// Pure parsers of INFO replication and INFO stats (Redis 6.2, 7.0, 7.2): text in, values out.
#include <algorithm>
#include <map>
#include <string>
#include <type_traits>

#include "rdr/redis/info.h"
#include "redis/parse_util.h"

namespace rdr::redis {

using detail::chompCr;
using detail::parseInt;

std::string_view toString(Role role) {
  switch (role) {
  case Role::Master:
    return "master";
  case Role::Replica:
    return "replica";
  }
  return "unknown";
}

std::int64_t ReplicationInfo::processedOffset() const {
  return role == Role::Replica ? slave_repl_offset : master_repl_offset;
}

namespace {

// One "key:value" line of an INFO reply, with the line itself kept for messages.
struct Field {
  std::string_view key;
  std::string_view value;
  std::string_view line;
};

// Calls visit(field) for every "key:value" line, skipping blank lines and "# Section" headers.
// Invalid when a line has no ':' (INFO never prints one; such text is not an INFO reply).
template <typename Visit> Status forEachField(std::string_view text, Visit&& visit) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = chompCr(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Error(ErrorCode::Invalid, "INFO line \"" + std::string(line) + "\" is not key:value");
    }
    RDR_RETURN_IF_ERROR(visit(Field{line.substr(0, colon), line.substr(colon + 1), line}));
  }
  return okStatus();
}

Error malformed(const Field& field) {
  return Error(ErrorCode::Invalid,
               "INFO line \"" + std::string(field.line) + "\" does not hold a valid number");
}

// Parses the value of `field` into `out` (an integer of any width, or a bool from 0/1).
template <typename T> Status readNumber(const Field& field, T& out) {
  const auto value = parseInt(field.value);
  if (!value) {
    return malformed(field);
  }
  if constexpr (std::is_same_v<T, bool>) {
    if (*value != 0 && *value != 1) {
      return malformed(field);
    }
    out = *value == 1;
  } else {
    out = static_cast<T>(*value);
  }
  return okStatus();
}

Status readOptional(const Field& field, std::optional<std::int64_t>& out) {
  std::int64_t value = 0;
  RDR_RETURN_IF_ERROR(readNumber(field, value));
  out = value;
  return okStatus();
}

// "slave<N>": the index N, or nothing for any other key (e.g. "slave_repl_offset").
std::optional<std::int64_t> replicaIndex(std::string_view key) {
  constexpr std::string_view kPrefix = "slave";
  if (key.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  return parseInt(key.substr(kPrefix.size()));
}

// "ip=10.0.0.2,port=6379,state=online,offset=1234,lag=0". Unknown keys (e.g. offset_lag in newer
// versions) are ignored; ip and port are required.
Result<ReplicaEntry> parseReplicaLine(const Field& field) {
  ReplicaEntry entry;
  bool has_ip = false;
  bool has_port = false;
  std::string_view rest = field.value;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    std::optional<std::int64_t> number;
    if (key == "port" || key == "offset" || key == "lag") {
      number = parseInt(value);
      if (!number) {
        return malformed(field);
      }
    }
    if (key == "ip") {
      entry.ip = std::string(value);
      has_ip = true;
    } else if (key == "port") {
      entry.port = static_cast<int>(*number);
      has_port = true;
    } else if (key == "state") {
      entry.state = std::string(value);
    } else if (key == "offset") {
      entry.offset = *number;
    } else if (key == "lag") {
      entry.lag_seconds = *number;
    }
  }
  if (!has_ip || !has_port) {
    return Error(ErrorCode::Invalid,
                 "INFO line \"" + std::string(field.line) + "\" lacks the replica's ip or port");
  }
  return entry;
}

// Applies one field of INFO replication to `info`; unknown keys are ignored.
Status applyReplicationField(const Field& field, ReplicationInfo& info,
                             std::map<std::int64_t, ReplicaEntry>& replicas) {
  const std::string_view key = field.key;
  if (key == "master_host") {
    info.master_host = std::string(field.value);
  } else if (key == "master_port") {
    return readNumber(field, info.master_port);
  } else if (key == "master_link_status") {
    info.master_link_up = field.value == "up";
  } else if (key == "master_last_io_seconds_ago") {
    return readOptional(field, info.master_last_io_seconds_ago);
  } else if (key == "master_sync_in_progress") {
    return readNumber(field, info.master_sync_in_progress);
  } else if (key == "master_link_down_since_seconds") {
    return readOptional(field, info.master_link_down_since_seconds);
  } else if (key == "slave_repl_offset") {
    return readNumber(field, info.slave_repl_offset);
  } else if (key == "slave_read_repl_offset") {
    return readOptional(field, info.slave_read_repl_offset);
  } else if (key == "slave_priority" || key == "replica_priority") {
    return readNumber(field, info.slave_priority);
  } else if (key == "slave_read_only" || key == "replica_read_only") {
    return readNumber(field, info.slave_read_only);
  } else if (key == "connected_slaves") {
    return readNumber(field, info.connected_slaves);
  } else if (key == "min_slaves_good_slaves") {
    return readOptional(field, info.min_slaves_good_slaves);
  } else if (key == "master_replid") {
    info.master_replid = std::string(field.value);
  } else if (key == "master_replid2") {
    info.master_replid2 = std::string(field.value);
  } else if (key == "master_repl_offset") {
    return readNumber(field, info.master_repl_offset);
  } else if (key == "second_repl_offset") {
    return readNumber(field, info.second_repl_offset);
  } else if (key == "repl_backlog_active") {
    return readNumber(field, info.repl_backlog_active);
  } else if (key == "repl_backlog_size") {
    return readNumber(field, info.repl_backlog_size);
  } else if (key == "repl_backlog_first_byte_offset") {
    return readNumber(field, info.repl_backlog_first_byte_offset);
  } else if (key == "repl_backlog_histlen") {
    return readNumber(field, info.repl_backlog_histlen);
  } else if (const auto index = replicaIndex(key)) {
    RDR_ASSIGN_OR_RETURN(replicas[*index], parseReplicaLine(field));
  }
  return okStatus();
}

} // namespace

Result<ReplicationInfo> parseReplicationInfo(std::string_view text) {
  ReplicationInfo info;
  bool has_role = false;
  std::map<std::int64_t, ReplicaEntry> replicas; // by N of "slaveN", so the list keeps Redis' order
  const Status status = forEachField(text, [&](const Field& field) -> Status {
    if (field.key != "role") {
      return applyReplicationField(field, info, replicas);
    }
    if (field.value == "master") {
      info.role = Role::Master;
    } else if (field.value == "slave" || field.value == "replica") {
      info.role = Role::Replica;
    } else {
      return Error(ErrorCode::Invalid,
                   "INFO line \"" + std::string(field.line) + "\" names an unknown role");
    }
    has_role = true;
    return okStatus();
  });
  if (!status) {
    return status.error();
  }
  if (!has_role) {
    return Error(ErrorCode::Invalid, "INFO reply has no \"role:\" line (not INFO replication?)");
  }
  for (auto& [index, entry] : replicas) {
    info.replicas.push_back(std::move(entry));
  }
  return info;
}

Result<StatsInfo> parseStatsInfo(std::string_view text) {
  StatsInfo stats;
  const Status status = forEachField(text, [&](const Field& field) -> Status {
    if (field.key == "sync_full") {
      return readNumber(field, stats.sync_full);
    }
    if (field.key == "sync_partial_ok") {
      return readNumber(field, stats.sync_partial_ok);
    }
    if (field.key == "sync_partial_err") {
      return readNumber(field, stats.sync_partial_err);
    }
    if (field.key == "total_commands_processed") {
      return readNumber(field, stats.total_commands_processed);
    }
    if (field.key == "rejected_connections") {
      return readNumber(field, stats.rejected_connections);
    }
    return okStatus();
  });
  if (!status) {
    return status.error();
  }
  return stats;
}

} // namespace rdr::redis
