// FakeRedisConnector: Redis nodes simulated in memory (replication links, offsets, PSYNC rules).
// The command path (the admin handle, execute(), dispatch(), INFO text) is fake_redis_commands.cc.
#include "fakes/fake_redis.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "fakes/fake_redis_state.h"
#include "redis/parse_util.h"

namespace rdr::testing {

using fake_redis_detail::kNoReplid;
using fake_redis_detail::lower;
using redis::Endpoint;
using redis::Role;

// ---------------------------------------------------------------------------------------------
// FakeRedisNode

redis::Role FakeRedisNode::role() const {
  return connector_->infoOf(endpoint_).role;
}
std::string FakeRedisNode::replid() const {
  return connector_->infoOf(endpoint_).master_replid;
}
std::string FakeRedisNode::replid2() const {
  return connector_->infoOf(endpoint_).master_replid2;
}
std::int64_t FakeRedisNode::offset() const {
  return connector_->infoOf(endpoint_).processedOffset();
}
bool FakeRedisNode::linkUp() const {
  return connector_->infoOf(endpoint_).master_link_up;
}
bool FakeRedisNode::writesPaused() const {
  return connector_->writesPausedOf(endpoint_);
}
redis::ReplicationInfo FakeRedisNode::info() const {
  return connector_->infoOf(endpoint_);
}
redis::StatsInfo FakeRedisNode::stats() const {
  return connector_->statsOf(endpoint_);
}

// ---------------------------------------------------------------------------------------------
// Topology

FakeRedisConnector::FakeRedisConnector() = default;
FakeRedisConnector::~FakeRedisConnector() = default;

std::string FakeRedisConnector::nextReplid() {
  // splitmix64 of a counter: random-looking, the same in every run.
  std::string out;
  for (int part = 0; part < 3; ++part) {
    std::uint64_t z = (++replid_counter_) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    char buffer[17];
    std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(z));
    out += buffer;
  }
  return out.substr(0, 40);
}

FakeRedisNode FakeRedisConnector::addNode(const Endpoint& endpoint,
                                          std::optional<std::string> password) {
  const std::lock_guard lock(mutex_);
  auto state = std::make_unique<NodeState>();
  state->endpoint = endpoint;
  state->password = std::move(password);
  state->replid = nextReplid();
  state->config = {{"masterauth", ""},           {"masteruser", ""},
                   {"replica-priority", "100"},  {"replica-read-only", "yes"},
                   {"min-replicas-to-write", "0"}, {"min-replicas-max-lag", "10"},
                   {"repl-backlog-size", "1048576"}, {"maxmemory", "0"},
                   {"requirepass", state->password.value_or("")}};
  nodes_[endpoint] = std::move(state);
  return FakeRedisNode(*this, endpoint);
}

FakeRedisNode FakeRedisConnector::node(const Endpoint& endpoint) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint); // asserts that it exists
  return FakeRedisNode(*this, endpoint);
}

void FakeRedisConnector::alias(std::string host, Endpoint target) {
  const std::lock_guard lock(mutex_);
  aliases_[host + ":" + std::to_string(target.port)] = std::move(target);
  settle();
}

void FakeRedisConnector::setReachable(const Endpoint& endpoint, bool reachable) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).reachable = reachable;
  settle();
}

void FakeRedisConnector::setPassword(const Endpoint& endpoint,
                                     std::optional<std::string> password) {
  const std::lock_guard lock(mutex_);
  NodeState& node = stateOf(endpoint);
  node.config["requirepass"] = password.value_or("");
  node.password = std::move(password);
}

void FakeRedisConnector::setLinkUp(const Endpoint& endpoint, bool up) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).link_allowed = up;
  settle();
}

void FakeRedisConnector::setSyncInProgress(const Endpoint& endpoint, bool in_progress) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).sync_in_progress = in_progress;
  settle();
}

void FakeRedisConnector::setBacklogSize(const Endpoint& endpoint, std::int64_t bytes) {
  const std::lock_guard lock(mutex_);
  NodeState& node = stateOf(endpoint);
  node.backlog_size = bytes;
  node.config["repl-backlog-size"] = std::to_string(bytes);
}

void FakeRedisConnector::setConfig(const Endpoint& endpoint, const std::string& parameter,
                                   std::string value) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).config[lower(parameter)] = std::move(value);
}

FakeRedisConnector::NodeState& FakeRedisConnector::stateOf(const Endpoint& endpoint) {
  const auto found = nodes_.find(endpoint);
  if (found == nodes_.end()) {
    throw std::logic_error("FakeRedisConnector: no node " + endpoint.toString());
  }
  return *found->second;
}

const FakeRedisConnector::NodeState& FakeRedisConnector::stateOf(const Endpoint& endpoint) const {
  return const_cast<FakeRedisConnector*>(this)->stateOf(endpoint);
}

FakeRedisConnector::NodeState* FakeRedisConnector::resolve(const std::string& host, int port) {
  const auto aliased = aliases_.find(host + ":" + std::to_string(port));
  const Endpoint target = aliased != aliases_.end() ? aliased->second : Endpoint{host, port};
  const auto found = nodes_.find(target);
  return found == nodes_.end() ? nullptr : found->second.get();
}

const FakeRedisConnector::NodeState* FakeRedisConnector::resolve(const std::string& host,
                                                                 int port) const {
  return const_cast<FakeRedisConnector*>(this)->resolve(host, port);
}

FakeRedisConnector::NodeState* FakeRedisConnector::upstreamOf(const NodeState& node) {
  return node.role == Role::Replica ? resolve(node.master_host, node.master_port) : nullptr;
}

const FakeRedisConnector::NodeState* FakeRedisConnector::upstreamOf(const NodeState& node) const {
  return const_cast<FakeRedisConnector*>(this)->upstreamOf(node);
}

// ---------------------------------------------------------------------------------------------
// Replication links (rule 3 of the header)

bool FakeRedisConnector::usableUpstream(const NodeState& node) const {
  const NodeState* upstream = upstreamOf(node);
  if (upstream == nullptr || upstream == &node || !node.reachable || !node.link_allowed ||
      node.sync_in_progress || !upstream->reachable) {
    return false;
  }
  // The handshake authenticates with the replica's masterauth (Redis: "-NOAUTH" in its log).
  if (upstream->password) {
    const auto masterauth = node.config.find("masterauth");
    if (masterauth == node.config.end() || masterauth->second != *upstream->password) {
      return false;
    }
  }
  // A replica serves others only while its own link is up (Redis: -NOMASTERLINK).
  return upstream->role == Role::Master || upstream->attached_to.has_value();
}

void FakeRedisConnector::attach(NodeState& replica, NodeState& upstream) {
  // What PSYNC <replid> <offset+1> gets from the upstream (masterTryPartialResynchronization).
  const std::int64_t psync_offset = replica.offset + 1;
  const std::int64_t backlog_first = std::max(upstream.backlog_start,
                                              upstream.offset - upstream.backlog_size + 1);
  const bool known_history =
      replica.replid == upstream.replid ||
      (replica.replid == upstream.replid2 && psync_offset <= upstream.second_repl_offset);
  const bool in_backlog = upstream.backlog_active && psync_offset >= backlog_first &&
                          psync_offset <= upstream.offset + 1;
  if (known_history && in_backlog) {
    upstream.stats.sync_partial_ok++;
    if (replica.replid != upstream.replid) {
      replica.replid2 = replica.replid;
      replica.second_repl_offset = psync_offset;
      replica.replid = upstream.replid;
    }
  } else {
    upstream.stats.sync_full++;
    upstream.stats.sync_partial_err++; // the replica asked with its own replid first
    replica.replid = upstream.replid;
    replica.replid2 = std::string(kNoReplid);
    replica.second_repl_offset = -1;
    replica.offset = upstream.offset;
    replica.backlog_active = true;
    replica.backlog_start = upstream.offset + 1;
  }
  if (!upstream.backlog_active) {
    upstream.backlog_active = true;
    upstream.backlog_start = upstream.offset + 1;
  }
  replica.attached_to = upstream.endpoint;
  replica.attach_sequence = ++replid_counter_;
  replica.linked_since_replicaof = true;
}

void FakeRedisConnector::settle() {
  // Links depend on each other (a chained replica needs its upstream linked): iterate to a
  // fixpoint, in endpoint order so that every run does the same.
  for (std::size_t round = 0; round <= nodes_.size() + 1; ++round) {
    bool changed = false;
    for (auto& [endpoint, node] : nodes_) {
      if (node->role != Role::Replica) {
        continue;
      }
      NodeState* upstream = upstreamOf(*node);
      const bool usable = usableUpstream(*node);
      const bool stale =
          node->attached_to &&
          (!usable || *node->attached_to != upstream->endpoint || node->replid != upstream->replid);
      if (stale) {
        node->attached_to.reset();
        changed = true;
      }
      if (!node->attached_to && usable) {
        attach(*node, *upstream);
        changed = true;
      }
    }
    if (!changed) {
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Data flow

Status FakeRedisConnector::write(const Endpoint& endpoint, std::int64_t bytes) {
  const std::lock_guard lock(mutex_);
  settle();
  NodeState& node = stateOf(endpoint);
  if (!node.reachable) {
    return Error(ErrorCode::Transient, "fake write to " + endpoint.toString() + ": unreachable");
  }
  if (node.role == Role::Replica) {
    return Error(ErrorCode::Invalid, "fake write to " + endpoint.toString() +
                                         ": READONLY You can't write against a read only replica.");
  }
  if (node.paused) {
    return Error(ErrorCode::Transient, "fake write to " + endpoint.toString() + ": writes paused");
  }
  node.offset += bytes;
  propagate(node, bytes);
  return okStatus();
}

void FakeRedisConnector::propagate(NodeState& node, std::int64_t bytes) {
  for (auto& [endpoint, replica] : nodes_) {
    if (replica->attached_to == node.endpoint) {
      replica->offset += bytes;
      propagate(*replica, bytes);
    }
  }
}

void FakeRedisConnector::catchUp(NodeState& node) {
  if (node.attached_to) {
    node.offset = stateOf(*node.attached_to).offset;
  }
  for (auto& [endpoint, replica] : nodes_) {
    if (replica->attached_to == node.endpoint) {
      catchUp(*replica);
    }
  }
}

void FakeRedisConnector::advance(const Endpoint& endpoint) {
  const std::lock_guard lock(mutex_);
  settle();
  catchUp(stateOf(endpoint));
}

void FakeRedisConnector::setOffset(const Endpoint& endpoint, std::int64_t offset) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).offset = offset;
  settle();
}

// ---------------------------------------------------------------------------------------------
// Observation

std::vector<std::string> FakeRedisConnector::commands() const {
  const std::lock_guard lock(mutex_);
  return commands_;
}

std::vector<std::string> FakeRedisConnector::mutations() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const std::string& line : commands_) {
    const std::string command = line.substr(line.find(' ') + 1);
    if (!command.starts_with("PING") && !command.starts_with("INFO") &&
        !command.starts_with("ROLE") && !command.starts_with("CONFIG GET")) {
      out.push_back(line);
    }
  }
  return out;
}

void FakeRedisConnector::clearCommands() {
  const std::lock_guard lock(mutex_);
  commands_.clear();
}

void FakeRedisConnector::failNext(const Endpoint& endpoint, Error error) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).fail_next = std::move(error);
}

void FakeRedisConnector::failNextCommand(const Endpoint& endpoint, std::string prefix,
                                         Error error) {
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).fail_next_command = std::make_pair(std::move(prefix), std::move(error));
}

bool FakeRedisConnector::writesPausedOf(const Endpoint& endpoint) const {
  const std::lock_guard lock(mutex_);
  return stateOf(endpoint).paused;
}

redis::ReplicationInfo FakeRedisConnector::infoOf(const Endpoint& endpoint) const {
  const std::lock_guard lock(mutex_);
  return synthesise(stateOf(endpoint));
}

redis::StatsInfo FakeRedisConnector::statsOf(const Endpoint& endpoint) const {
  const std::lock_guard lock(mutex_);
  return stateOf(endpoint).stats;
}

redis::ReplicationInfo FakeRedisConnector::synthesise(const NodeState& node) const {
  redis::ReplicationInfo info;
  info.role = node.role;
  if (node.role == Role::Replica) {
    info.master_host = node.master_host;
    info.master_port = node.master_port;
    info.master_link_up = node.attached_to.has_value();
    info.master_last_io_seconds_ago = info.master_link_up ? 0 : -1;
    info.master_sync_in_progress = node.sync_in_progress;
    if (!info.master_link_up) {
      info.master_link_down_since_seconds = node.linked_since_replicaof ? 1 : -1;
    }
    info.slave_repl_offset = node.offset;
    info.slave_read_repl_offset = node.offset;
  }
  const auto config = [&node](const std::string& name) {
    const auto found = node.config.find(name);
    return found == node.config.end() ? std::string() : found->second;
  };
  info.slave_priority = static_cast<int>(
      redis::detail::parseInt(config("replica-priority")).value_or(100));
  info.slave_read_only = config("replica-read-only") != "no";

  std::vector<const NodeState*> replicas;
  for (const auto& [endpoint, replica] : nodes_) {
    if (replica->attached_to == node.endpoint) {
      replicas.push_back(replica.get());
    }
  }
  std::sort(replicas.begin(), replicas.end(), [](const NodeState* a, const NodeState* b) {
    return a->attach_sequence < b->attach_sequence;
  });
  for (const NodeState* replica : replicas) {
    info.replicas.push_back({replica->endpoint.host, replica->endpoint.port, "online",
                             replica->offset, std::int64_t{0}});
  }
  info.connected_slaves = static_cast<int>(info.replicas.size());
  if (config("min-replicas-to-write") != "0" && !config("min-replicas-to-write").empty()) {
    info.min_slaves_good_slaves = info.connected_slaves;
  }
  info.master_replid = node.replid;
  info.master_replid2 = node.replid2;
  info.master_repl_offset = node.offset;
  info.second_repl_offset = node.second_repl_offset;
  info.repl_backlog_active = node.backlog_active;
  info.repl_backlog_size = node.backlog_size;
  if (node.backlog_active) {
    info.repl_backlog_first_byte_offset =
        std::max(node.backlog_start, node.offset - node.backlog_size + 1);
    info.repl_backlog_histlen = node.offset - info.repl_backlog_first_byte_offset + 1;
  }
  return info;
}

} // namespace rdr::testing
