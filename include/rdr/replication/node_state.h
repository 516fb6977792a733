// What the decisions need to know about one Redis node, independent of how it was probed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rdr::replication {

enum class NodeRole { Master, Replica };

struct NodeState {
  NodeRole role = NodeRole::Master;
  // Replica side: whom it follows, exactly as the node reports it (a DNS name or an IP).
  std::string master_host;
  int master_port = 0;
  bool master_link_up = false;
  std::optional<std::int64_t> link_down_since_seconds; // -1: the link never came up
  std::optional<std::int64_t> last_io_seconds_ago;
  bool sync_in_progress = false;
  // The offset of the replication stream this node has processed.
  std::int64_t offset = 0;
  std::string replid;
  std::string replid2;
  int connected_replicas = 0;
  int replica_priority = 100; // replica-priority: Sentinel never promotes a replica at 0

  bool operator==(const NodeState&) const = default;
};

} // namespace rdr::replication
