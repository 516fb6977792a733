// Pure parsers of Redis' INFO replication, INFO stats and ROLE replies (Redis 6.2, 7.0, 7.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/redis/reply.h"

namespace rdr::redis {

enum class Role { Master, Replica };

std::string_view toString(Role role); // "master" | "replica"

// One "slaveN:ip=...,port=...,state=online,offset=...,lag=..." line of a master's INFO, or one
// entry of a master's ROLE reply (which has no state and no lag).
struct ReplicaEntry {
  std::string ip;
  int port = 0;
  std::string state;                    // "online", "wait_bgsave", "send_bulk"; empty from ROLE
  std::int64_t offset = 0;              // the replica's acknowledged offset
  std::optional<std::int64_t> lag_seconds; // seconds since the last ACK; absent from ROLE

  bool operator==(const ReplicaEntry&) const = default;
};

// INFO replication. Fields that only one role prints are optional or left at their defaults.
struct ReplicationInfo {
  Role role = Role::Master;

  // Replica side ("role:slave").
  std::string master_host;
  int master_port = 0;
  bool master_link_up = false;                                // master_link_status:up
  std::optional<std::int64_t> master_last_io_seconds_ago;     // -1 when never connected
  bool master_sync_in_progress = false;                       // a full sync is running
  std::optional<std::int64_t> master_link_down_since_seconds; // while the link is down
  std::int64_t slave_repl_offset = 0;                         // processed offset
  std::optional<std::int64_t> slave_read_repl_offset;         // 7.0+: read (not yet processed)
  int slave_priority = 100;
  bool slave_read_only = true;

  // Both roles.
  int connected_slaves = 0;
  std::vector<ReplicaEntry> replicas; // slave0, slave1, ... in order
  std::optional<std::int64_t> min_slaves_good_slaves;
  std::string master_replid;
  std::string master_replid2; // "0000000000000000000000000000000000000000" when none
  std::int64_t master_repl_offset = 0;
  std::int64_t second_repl_offset = -1;
  bool repl_backlog_active = false;
  std::int64_t repl_backlog_size = 0;
  std::int64_t repl_backlog_first_byte_offset = 0;
  std::int64_t repl_backlog_histlen = 0;

  // The offset of the stream this node has processed: slave_repl_offset on a replica,
  // master_repl_offset on a master. The one number leader choice and lag compare.
  std::int64_t processedOffset() const;

  bool operator==(const ReplicationInfo&) const = default;
};

// Parses the text of `INFO replication` (or a whole INFO: other sections are ignored). "\r\n" or
// "\n" line ends. Invalid, naming the line, when the role is missing or a number is malformed;
// unknown fields are ignored (newer Redis versions add some).
Result<ReplicationInfo> parseReplicationInfo(std::string_view text);

// The counters of INFO stats that DR decisions and tests read.
struct StatsInfo {
  std::int64_t sync_full = 0;        // full resyncs served by this node as a master
  std::int64_t sync_partial_ok = 0;  // PSYNC continuations accepted
  std::int64_t sync_partial_err = 0; // PSYNC requests refused (then served fully)
  std::int64_t total_commands_processed = 0;
  std::int64_t rejected_connections = 0;

  bool operator==(const StatsInfo&) const = default;
};

// Parses `INFO stats` (or a whole INFO). Invalid when a field it reads is malformed; absent
// fields stay 0.
Result<StatsInfo> parseStatsInfo(std::string_view text);

// The ROLE reply.
struct RoleInfo {
  Role role = Role::Master;
  std::int64_t offset = 0;             // master: its offset; replica: its processed offset
  std::vector<ReplicaEntry> replicas;  // master only
  std::string master_host;             // replica only
  int master_port = 0;                 // replica only
  std::string link_state;              // replica only: connect, connecting, sync, connected, handshake

  bool operator==(const RoleInfo&) const = default;
};

// Parses a ROLE reply. Unsupported for "sentinel" (not a data node); Invalid for anything that is
// not the documented shape.
Result<RoleInfo> parseRole(const Reply& reply);

} // namespace rdr::redis
