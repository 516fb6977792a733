// FakeRedisConnector: Redis nodes simulated in memory (replication links, offsets, PSYNC rules).
#include "fakes/fake_redis.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "redis/command_admin.h"
#include "redis/parse_util.h"

namespace rdr::testing {

using redis::Endpoint;
using redis::Reply;
using redis::Role;

namespace {

constexpr std::string_view kNoReplid = "0000000000000000000000000000000000000000";

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool isSecretParameter(const std::string& parameter) {
  const std::string name = lower(parameter);
  return name.find("pass") != std::string::npos || name.find("auth") != std::string::npos;
}

// The command as logged: arguments as sent, secrets (AUTH arguments, CONFIG SET of a password
// parameter) replaced by "***".
std::string logLine(const Endpoint& endpoint, const std::vector<std::string>& arguments) {
  std::string line = endpoint.toString();
  const std::string name = arguments.empty() ? "" : upper(arguments[0]);
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    const bool secret =
        (name == "AUTH" && index > 0) ||
        (name == "CONFIG" && index == 3 && isSecretParameter(arguments[2]));
    line += ' ';
    line += secret ? std::string("***") : arguments[index];
  }
  return line;
}

// The admin handed out by the fake: CommandAdmin's typed calls over FakeRedisConnector::execute,
// so that codes and messages are those of the hiredis implementation.
class FakeRedisAdmin final : public redis::CommandAdmin {
public:
  FakeRedisAdmin(FakeRedisConnector& connector, Endpoint endpoint, redis::Credentials credentials)
      : CommandAdmin(endpoint, credentials.password), connector_(connector),
        credentials_(std::move(credentials)) {}

protected:
  Result<Reply> exchange(const std::vector<std::string>& arguments,
                         std::chrono::milliseconds) override {
    return connector_.execute(endpoint(), credentials_, arguments);
  }

private:
  FakeRedisConnector& connector_;
  const redis::Credentials credentials_;
};

} // namespace

struct FakeRedisConnector::NodeState {
  Endpoint endpoint;
  std::optional<std::string> password;
  bool reachable = true;
  Role role = Role::Master;
  std::string master_host; // exactly as given to REPLICAOF
  int master_port = 0;
  bool link_allowed = true;
  bool sync_in_progress = false;
  bool linked_since_replicaof = false; // for master_link_down_since_seconds (-1 before any link)
  std::optional<Endpoint> attached_to;
  std::uint64_t attach_sequence = 0; // orders the slaveN lines like Redis' attach order
  std::string replid;
  std::string replid2 = std::string(kNoReplid);
  std::int64_t offset = 0;
  std::int64_t second_repl_offset = -1;
  bool backlog_active = false;
  std::int64_t backlog_start = 0; // the first offset the backlog holds
  std::int64_t backlog_size = 1 << 20;
  redis::StatsInfo stats;
  bool paused = false;
  std::map<std::string, std::string> config;
  std::optional<Error> fail_next;
};

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

std::shared_ptr<redis::RedisAdmin>
FakeRedisConnector::admin(const Endpoint& endpoint, const redis::Credentials& credentials) {
  return std::make_shared<FakeRedisAdmin>(*this, endpoint, credentials);
}

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

// ---------------------------------------------------------------------------------------------
// Commands

Result<Reply> FakeRedisConnector::execute(const Endpoint& endpoint,
                                          const redis::Credentials& credentials,
                                          const std::vector<std::string>& arguments) {
  const std::lock_guard lock(mutex_);
  settle();
  commands_.push_back(logLine(endpoint, arguments));
  NodeState* node = resolve(endpoint.host, endpoint.port);
  if (node == nullptr || !node->reachable) {
    return Error(ErrorCode::Transient, "connection refused");
  }
  if (node->fail_next) {
    Error error = std::move(*node->fail_next);
    node->fail_next.reset();
    return error;
  }
  if (node->password && credentials.password != node->password) {
    if (!credentials.password) {
      return Reply::error("NOAUTH Authentication required.");
    }
    return Error(ErrorCode::Unauthorized,
                 "AUTH refused: WRONGPASS invalid username-password pair or user is disabled.");
  }
  node->stats.total_commands_processed++;
  auto reply = dispatch(*node, arguments);
  settle();
  return reply;
}

Result<Reply> FakeRedisConnector::dispatch(NodeState& node,
                                           const std::vector<std::string>& arguments) {
  const std::string name = arguments.empty() ? "" : upper(arguments[0]);
  const std::string sub = arguments.size() > 1 ? upper(arguments[1]) : "";
  const auto arity = [&arguments](std::size_t count) { return arguments.size() == count; };
  if (name == "PING") {
    return Reply::status("PONG");
  }
  if (name == "AUTH") {
    return Reply::status("OK");
  }
  if (name == "INFO") {
    const redis::ReplicationInfo info = synthesise(node);
    const redis::StatsInfo& stats = node.stats;
    const std::string stats_text =
        "# Stats\r\ntotal_commands_processed:" + std::to_string(stats.total_commands_processed) +
        "\r\nrejected_connections:" + std::to_string(stats.rejected_connections) +
        "\r\nsync_full:" + std::to_string(stats.sync_full) +
        "\r\nsync_partial_ok:" + std::to_string(stats.sync_partial_ok) +
        "\r\nsync_partial_err:" + std::to_string(stats.sync_partial_err) + "\r\n";
    if (sub == "REPLICATION") {
      return Reply::string(formatReplicationInfo(info));
    }
    if (sub == "STATS") {
      return Reply::string(stats_text);
    }
    return Reply::string(stats_text + "\r\n" + formatReplicationInfo(info));
  }
  if (name == "ROLE") {
    const redis::ReplicationInfo info = synthesise(node);
    if (node.role == Role::Master) {
      std::vector<Reply> replicas;
      for (const redis::ReplicaEntry& entry : info.replicas) {
        replicas.push_back(Reply::array({Reply::string(entry.ip),
                                         Reply::string(std::to_string(entry.port)),
                                         Reply::string(std::to_string(entry.offset))}));
      }
      return Reply::array({Reply::string("master"), Reply::integerOf(node.offset),
                           Reply::array(std::move(replicas))});
    }
    const std::string state = node.attached_to  ? "connected"
                              : node.sync_in_progress ? "sync"
                                                      : "connect";
    return Reply::array({Reply::string("slave"), Reply::string(node.master_host),
                         Reply::integerOf(node.master_port), Reply::string(state),
                         Reply::integerOf(node.attached_to ? node.offset : -1)});
  }
  if ((name == "REPLICAOF" || name == "SLAVEOF") && arity(3)) {
    if (sub == "NO" && upper(arguments[2]) == "ONE") {
      if (node.role == Role::Replica) {
        // shiftReplicationId(): the old history stays reachable through replid2.
        node.replid2 = node.replid;
        node.second_repl_offset = node.offset + 1;
        node.replid = nextReplid();
        node.role = Role::Master;
        node.master_host.clear();
        node.master_port = 0;
        node.attached_to.reset();
      }
      return Reply::status("OK");
    }
    const auto port = redis::detail::parseInt(arguments[2]);
    if (!port || *port <= 0 || *port > 65535) {
      return Reply::error("ERR Invalid master port");
    }
    if (node.role == Role::Replica && node.master_host == arguments[1] &&
        node.master_port == *port) {
      return Reply::status("OK Already connected to specified master");
    }
    node.role = Role::Replica;
    node.master_host = arguments[1];
    node.master_port = static_cast<int>(*port);
    node.attached_to.reset();
    node.linked_since_replicaof = false;
    return Reply::status("OK");
  }
  if (name == "CONFIG" && sub == "GET" && arity(3)) {
    const auto found = node.config.find(lower(arguments[2]));
    if (found == node.config.end()) {
      return Reply::array({});
    }
    return Reply::array({Reply::string(found->first), Reply::string(found->second)});
  }
  if (name == "CONFIG" && sub == "SET" && arity(4)) {
    const std::string parameter = lower(arguments[2]);
    const auto found = node.config.find(parameter);
    if (found == node.config.end()) {
      return Reply::error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                          arguments[2] + "'");
    }
    found->second = arguments[3];
    if (parameter == "requirepass") {
      node.password = arguments[3].empty() ? std::nullopt : std::optional(arguments[3]);
    } else if (parameter == "repl-backlog-size") {
      node.backlog_size = redis::detail::parseInt(arguments[3]).value_or(node.backlog_size);
    }
    return Reply::status("OK");
  }
  if (name == "CLIENT" && sub == "PAUSE" && arguments.size() >= 3) {
    if (!redis::detail::parseInt(arguments[2])) {
      return Reply::error("ERR timeout is not an integer or out of range");
    }
    node.paused = true;
    return Reply::status("OK");
  }
  if (name == "CLIENT" && sub == "UNPAUSE" && arity(2)) {
    node.paused = false;
    return Reply::status("OK");
  }
  if (name == "WAIT" && arity(3)) {
    if (node.role == Role::Replica) {
      return Reply::error("ERR WAIT cannot be used with replica instances.");
    }
    std::int64_t acknowledged = 0;
    for (const redis::ReplicaEntry& entry : synthesise(node).replicas) {
      acknowledged += entry.offset >= node.offset ? 1 : 0;
    }
    return Reply::integerOf(acknowledged);
  }
  return Reply::error("ERR unknown command or wrong arguments for '" +
                      (arguments.empty() ? std::string() : arguments[0]) + "'");
}

// ---------------------------------------------------------------------------------------------
// INFO text

std::string formatReplicationInfo(const redis::ReplicationInfo& info) {
  std::string out = "# Replication\r\n";
  const auto line = [&out](std::string_view key, const std::string& value) {
    out += key;
    out += ':';
    out += value;
    out += "\r\n";
  };
  const auto number = [](std::int64_t value) { return std::to_string(value); };
  line("role", info.role == Role::Master ? "master" : "slave");
  if (info.role == Role::Replica) {
    line("master_host", info.master_host);
    line("master_port", number(info.master_port));
    line("master_link_status", info.master_link_up ? "up" : "down");
    line("master_last_io_seconds_ago", number(info.master_last_io_seconds_ago.value_or(-1)));
    line("master_sync_in_progress", info.master_sync_in_progress ? "1" : "0");
    line("slave_read_repl_offset", number(info.slave_read_repl_offset.value_or(0)));
    line("slave_repl_offset", number(info.slave_repl_offset));
    if (info.master_link_down_since_seconds) {
      line("master_link_down_since_seconds", number(*info.master_link_down_since_seconds));
    }
    line("slave_priority", number(info.slave_priority));
    line("slave_read_only", info.slave_read_only ? "1" : "0");
    line("replica_announced", "1");
  }
  line("connected_slaves", number(info.connected_slaves));
  if (info.min_slaves_good_slaves) {
    line("min_slaves_good_slaves", number(*info.min_slaves_good_slaves));
  }
  for (std::size_t index = 0; index < info.replicas.size(); ++index) {
    const redis::ReplicaEntry& entry = info.replicas[index];
    line("slave" + number(static_cast<std::int64_t>(index)),
         "ip=" + entry.ip + ",port=" + number(entry.port) + ",state=" + entry.state +
             ",offset=" + number(entry.offset) + ",lag=" + number(entry.lag_seconds.value_or(0)));
  }
  line("master_failover_state", "no-failover");
  line("master_replid", info.master_replid);
  line("master_replid2", info.master_replid2);
  line("master_repl_offset", number(info.master_repl_offset));
  line("second_repl_offset", number(info.second_repl_offset));
  line("repl_backlog_active", info.repl_backlog_active ? "1" : "0");
  line("repl_backlog_size", number(info.repl_backlog_size));
  line("repl_backlog_first_byte_offset", number(info.repl_backlog_first_byte_offset));
  line("repl_backlog_histlen", number(info.repl_backlog_histlen));
  return out;
}

} // namespace rdr::testing
