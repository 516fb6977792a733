// FakeRedisConnector::NodeState: one simulated node, shared by fake_redis.cc (topology, links,
// synthesis) and fake_redis_commands.cc (command dispatch). Private to test/fakes.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_redis.h"

namespace rdr::testing::fake_redis_detail {

inline constexpr std::string_view kNoReplid = "0000000000000000000000000000000000000000";

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

} // namespace rdr::testing::fake_redis_detail

namespace rdr::testing {

// What a simulated Sentinel knows about one monitored master.
struct FakeSentinelMaster {
  std::string host;
  int port = 0;
  std::map<std::string, std::string> options; // SENTINEL SET (auth-pass included)
  std::vector<std::string> known_ips;          // replicas and other Sentinels it learned
};

// What a simulated Sentinel does with SENTINEL FAILOVER <master>, per master name.
struct FakeSentinelFailover {
  int requests = 0;                   // every request, those refused included
  std::optional<std::string> refusal; // the error reply it gives instead of +OK, e.g. NOGOODSLAVE
};

struct FakeRedisConnector::NodeState {
  redis::Endpoint endpoint;
  std::optional<std::string> password;
  bool reachable = true;
  redis::Role role = redis::Role::Master;
  std::string master_host; // exactly as given to REPLICAOF
  int master_port = 0;
  bool link_allowed = true;
  bool sync_in_progress = false;
  bool linked_since_replicaof = false; // for master_link_down_since_seconds (-1 before any link)
  std::optional<redis::Endpoint> attached_to;
  std::uint64_t attach_sequence = 0; // orders the slaveN lines like Redis' attach order
  std::string replid;
  std::string replid2 = std::string(fake_redis_detail::kNoReplid);
  std::int64_t offset = 0;
  std::int64_t second_repl_offset = -1;
  bool backlog_active = false;
  std::int64_t backlog_start = 0; // the first offset the backlog holds
  std::int64_t backlog_size = 1 << 20;
  redis::StatsInfo stats;
  bool paused = false;
  std::map<std::string, std::string> config;
  std::optional<Error> fail_next;
  std::optional<std::pair<std::string, Error>> fail_next_command; // prefix, error
  // A Sentinel (addSentinel): the masters it monitors, by name. Data commands are refused.
  bool sentinel = false;
  std::map<std::string, FakeSentinelMaster> sentinel_masters;
  std::map<std::string, FakeSentinelFailover> sentinel_failovers;
};

} // namespace rdr::testing
