// FakeRedisConnector's Sentinels: the SENTINEL commands the operator uses, on a table per node.
#include "fakes/fake_redis.h"
#include "fakes/fake_redis_state.h"

#include <stdexcept>
#include <utility>

namespace rdr::testing {

using redis::Endpoint;
using redis::Reply;

namespace {

std::string upperOf(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

// SENTINEL REPLICAS / SENTINELS answer one flat [field, value, ...] array per instance.
Reply instances(const std::vector<std::string>& ips) {
  std::vector<Reply> out;
  for (const std::string& ip : ips) {
    out.push_back(Reply::array({Reply::string("ip"), Reply::string(ip), Reply::string("port"),
                                Reply::string("6379")}));
  }
  return Reply::array(std::move(out));
}

// SENTINEL MASTER: one flat [field, value, ...] array, the settings with Sentinel's defaults
// until SET changes them. auth-pass is never reported (Redis 7.0 does not either).
Reply masterFields(const std::string& name, const FakeSentinelMaster& master) {
  const auto option = [&master](const std::string& key, const char* fallback) {
    const auto found = master.options.find(key);
    return found == master.options.end() ? std::string(fallback) : found->second;
  };
  const std::pair<std::string, std::string> fields[] = {
      {"name", name},
      {"ip", master.host},
      {"port", std::to_string(master.port)},
      {"flags", "master"},
      {"quorum", option("quorum", "2")},
      {"down-after-milliseconds", option("down-after-milliseconds", "30000")},
      {"failover-timeout", option("failover-timeout", "180000")},
      {"parallel-syncs", option("parallel-syncs", "1")},
  };
  std::vector<Reply> out;
  for (const auto& [field, value] : fields) {
    out.push_back(Reply::string(field));
    out.push_back(Reply::string(value));
  }
  return Reply::array(std::move(out));
}

} // namespace

void FakeRedisConnector::addSentinel(const Endpoint& endpoint) {
  addNode(endpoint);
  const std::lock_guard lock(mutex_);
  stateOf(endpoint).sentinel = true;
}

std::optional<std::string> FakeRedisConnector::sentinelMonitors(const Endpoint& sentinel,
                                                                const std::string& master) const {
  const std::lock_guard lock(mutex_);
  const auto& masters = stateOf(sentinel).sentinel_masters;
  const auto found = masters.find(master);
  if (found == masters.end()) {
    return std::nullopt;
  }
  return found->second.host + ":" + std::to_string(found->second.port);
}

std::map<std::string, std::string> FakeRedisConnector::sentinelOptions(const Endpoint& sentinel,
                                                                       const std::string& master) const {
  const std::lock_guard lock(mutex_);
  const auto& masters = stateOf(sentinel).sentinel_masters;
  const auto found = masters.find(master);
  return found == masters.end() ? std::map<std::string, std::string>() : found->second.options;
}

void FakeRedisConnector::setSentinelKnownIps(const Endpoint& sentinel, const std::string& master,
                                             std::vector<std::string> ips) {
  const std::lock_guard lock(mutex_);
  stateOf(sentinel).sentinel_masters[master].known_ips = std::move(ips);
}

void FakeRedisConnector::setSentinelMaster(const Endpoint& sentinel, const std::string& master,
                                           const Endpoint& primary) {
  const std::lock_guard lock(mutex_);
  NodeState& node = stateOf(sentinel);
  if (!node.sentinel) {
    throw std::logic_error("setSentinelMaster: " + sentinel.toString() + " is not a Sentinel");
  }
  FakeSentinelMaster& entry = node.sentinel_masters[master];
  entry.host = primary.host;
  entry.port = primary.port;
}

int FakeRedisConnector::sentinelFailoverRequests(const Endpoint& sentinel,
                                                 const std::string& master) const {
  const std::lock_guard lock(mutex_);
  const auto& failovers = stateOf(sentinel).sentinel_failovers;
  const auto found = failovers.find(master);
  return found == failovers.end() ? 0 : found->second.requests;
}

void FakeRedisConnector::setSentinelFailoverRefusal(const Endpoint& sentinel,
                                                    const std::string& master,
                                                    std::optional<std::string> error) {
  const std::lock_guard lock(mutex_);
  stateOf(sentinel).sentinel_failovers[master].refusal = std::move(error);
}

// Redis 7.0's Sentinel answers, for the commands the operator sends.
Result<Reply> FakeRedisConnector::dispatchSentinel(NodeState& node,
                                                   const std::vector<std::string>& arguments) {
  const std::string name = arguments.empty() ? "" : upperOf(arguments[0]);
  const std::string sub = arguments.size() > 1 ? upperOf(arguments[1]) : "";
  auto& masters = node.sentinel_masters;
  if (name == "SENTINEL" && sub == "MASTERS") { // one flat [field, value, ...] array per master
    std::vector<Reply> out;
    for (const auto& [monitored_name, entry] : masters) {
      if (entry.port != 0) {
        out.push_back(Reply::array({Reply::string("name"), Reply::string(monitored_name),
                                    Reply::string("ip"), Reply::string(entry.host),
                                    Reply::string("port"), Reply::string(std::to_string(entry.port))}));
      }
    }
    return Reply::array(std::move(out));
  }
  if (name != "SENTINEL" || arguments.size() < 3) {
    return Reply::error("ERR unknown command '" + (arguments.empty() ? "" : arguments[0]) +
                        "' (this is a Sentinel)");
  }
  const std::string& master = arguments[2];
  const auto found = masters.find(master);
  if (sub == "MONITOR" && arguments.size() == 6) {
    if (found != masters.end() && found->second.port != 0) {
      return Reply::error("ERR Duplicated master name");
    }
    FakeSentinelMaster& entry = masters[master];
    entry.host = arguments[3];
    entry.port = std::stoi(arguments[4]);
    entry.options["quorum"] = arguments[5];
    return Reply::status("OK");
  }
  const bool monitored = found != masters.end() && found->second.port != 0;
  if (sub == "GET-MASTER-ADDR-BY-NAME") {
    if (!monitored) {
      return Reply{};
    }
    return Reply::array({Reply::string(found->second.host),
                         Reply::string(std::to_string(found->second.port))});
  }
  if (sub == "FAILOVER") {
    FakeSentinelFailover& failover = node.sentinel_failovers[master];
    ++failover.requests;
    if (!monitored) {
      return Reply::error("ERR No such master with that name");
    }
    return failover.refusal ? Reply::error(*failover.refusal) : Reply::status("OK");
  }
  if (!monitored) {
    return Reply::error("ERR No such master with that name");
  }
  if (sub == "SET" && arguments.size() >= 5 && arguments.size() % 2 == 1) {
    for (std::size_t i = 3; i + 1 < arguments.size(); i += 2) {
      found->second.options[arguments[i]] = arguments[i + 1];
    }
    return Reply::status("OK");
  }
  if (sub == "REMOVE") {
    masters.erase(found);
    return Reply::status("OK");
  }
  if (sub == "RESET") {
    found->second.known_ips.clear();
    return Reply::integerOf(1);
  }
  if (sub == "REPLICAS" || sub == "SENTINELS") {
    return instances(found->second.known_ips);
  }
  if (sub == "MASTER") {
    return masterFields(master, found->second);
  }
  return Reply::error("ERR Unknown sentinel subcommand '" + arguments[1] + "'");
}

} // namespace rdr::testing
