// FakeRedisConnector's Sentinels: the SENTINEL commands the operator uses, on a table per node.
#include "fakes/fake_redis.h"
#include "fakes/fake_redis_state.h"

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

// Redis 7.0's Sentinel answers, for the commands the operator sends.
Result<Reply> FakeRedisConnector::dispatchSentinel(NodeState& node,
                                                   const std::vector<std::string>& arguments) {
  const std::string name = arguments.empty() ? "" : upperOf(arguments[0]);
  const std::string sub = arguments.size() > 1 ? upperOf(arguments[1]) : "";
  if (name != "SENTINEL" || arguments.size() < 3) {
    return Reply::error("ERR unknown command '" + (arguments.empty() ? "" : arguments[0]) +
                        "' (this is a Sentinel)");
  }
  auto& masters = node.sentinel_masters;
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
  return Reply::error("ERR Unknown sentinel subcommand '" + arguments[1] + "'");
}

} // namespace rdr::testing
