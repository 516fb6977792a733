// FakeRedisConnector's command path: the admin handle, execute() (reachability, faults, AUTH,
// the command log), dispatch() of each supported command, and the INFO replication text.
#include "fakes/fake_redis.h"

#include <algorithm>
#include <cctype>

#include "fakes/fake_redis_state.h"
#include "redis/command_admin.h"
#include "redis/parse_util.h"

namespace rdr::testing {

using fake_redis_detail::lower;
using redis::Endpoint;
using redis::Reply;
using redis::Role;

namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
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
        (name == "CONFIG" && index == 3 && isSecretParameter(arguments[2])) ||
        (name == "SENTINEL" && index >= 4 && upper(arguments[index - 1]) == "AUTH-PASS");
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

// ---------------------------------------------------------------------------------------------
// The admin handle

std::shared_ptr<redis::RedisAdmin>
FakeRedisConnector::admin(const Endpoint& endpoint, const redis::Credentials& credentials) {
  return std::make_shared<FakeRedisAdmin>(*this, endpoint, credentials);
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
  const std::string logged = commands_.back().substr(commands_.back().find(' ') + 1);
  if (node->fail_next_command && logged.starts_with(node->fail_next_command->first)) {
    Error error = std::move(node->fail_next_command->second);
    node->fail_next_command.reset();
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
  if (node.sentinel) {
    return dispatchSentinel(node, arguments);
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
    if (sub == "CLUSTER") {
      const auto enabled = node.config.find("cluster-enabled");
      const bool on = enabled != node.config.end() && enabled->second == "yes";
      return Reply::string(std::string("# Cluster\r\ncluster_enabled:") + (on ? "1" : "0") + "\r\n");
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
    if (!port || *port < 0 || *port > 65535) {
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
