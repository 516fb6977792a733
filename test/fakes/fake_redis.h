// FakeRedisConnector: a set of Redis nodes simulated in memory, for controller unit tests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rdr/common/error.h"
#include "rdr/redis/admin.h"

namespace rdr::testing {

class FakeRedisConnector;

// A handle on one simulated node (cheap to copy; valid as long as its connector).
class FakeRedisNode {
public:
  FakeRedisNode(FakeRedisConnector& connector, redis::Endpoint endpoint)
      : connector_(&connector), endpoint_(std::move(endpoint)) {}

  const redis::Endpoint& endpoint() const { return endpoint_; }
  redis::Role role() const;
  std::string replid() const;
  std::string replid2() const;
  std::int64_t offset() const;     // master_repl_offset, or the processed offset of a replica
  bool linkUp() const;             // a replica attached to a reachable upstream
  bool writesPaused() const;       // between CLIENT PAUSE ... WRITE and CLIENT UNPAUSE
  redis::ReplicationInfo info() const;
  redis::StatsInfo stats() const;

private:
  FakeRedisConnector* connector_;
  redis::Endpoint endpoint_;
};

// Semantics (chosen to match Redis 7.0, see src/redis and test/data/redis):
// 1. Nodes start as masters with a deterministic 40-hex replid, replid2 all zeros, offset 0.
// 2. Hosts resolve through alias() first ("cache-0.cache-headless.apps.svc.cluster.local" ->
//    10.0.0.1:6379), then as written. Unknown or unreachable endpoints answer every call with
//    Transient "connection refused", like a closed port.
// 3. REPLICAOF keeps master_host/master_port exactly as given. The link is up while the upstream
//    resolves, is reachable, is a master or a replica whose own link is up, accepts the
//    replica's masterauth (when the upstream has a password), and setLinkUp() does not hold it
//    down. When a link comes up the replica attaches as Redis' PSYNC would:
//    partial (upstream sync_partial_ok+1, offset unchanged) when its replid is the upstream's
//    replid, or its replid2 with the offset not past second_repl_offset, and the offset is
//    inside the upstream's backlog (default 1 MiB); else full (upstream sync_full+1 and
//    sync_partial_err+1, the replica takes the upstream's offset). Either way it takes the
//    upstream's replid; a partial attach to a new history shifts its replid into replid2.
// 4. A replica's processed offset moves only by write() upstream (while linked), advance() or
//    setOffset(). REPLICAOF NO ONE keeps data: replid2 = old replid, second_repl_offset =
//    offset + 1, a new replid. A replica whose upstream changed history re-attaches.
// 5. CLIENT PAUSE WRITE sets a flag until CLIENT UNPAUSE (no clock: it never expires by
//    itself); write() on a paused or replica node fails. WAIT counts the linked replicas whose
//    offset reached the master's.
// 6. Every call is logged as "<endpoint as given> <COMMAND ...>", with secrets as "***",
//    including calls that fail. failNext() makes the next call to a node fail once;
//    failNextCommand() the next call whose logged command starts with a prefix.
// 7. A password set on a node is required (NOAUTH without one, WRONGPASS when it differs);
//    credentials sent to a node without a password are accepted, as the hiredis adapter does.
// 8. Test hooks on an endpoint that was never added throw std::logic_error (a bug in the test).
// Thread-safe (one mutex), deterministic, no threads, no clock.
class FakeRedisConnector final : public redis::RedisConnector {
public:
  FakeRedisConnector();
  ~FakeRedisConnector() override;

  // RedisConnector
  std::shared_ptr<redis::RedisAdmin> admin(const redis::Endpoint& endpoint,
                                           const redis::Credentials& credentials) override;

  // Topology and state.
  FakeRedisNode addNode(const redis::Endpoint& endpoint,
                        std::optional<std::string> password = std::nullopt);
  FakeRedisNode node(const redis::Endpoint& endpoint);
  // A Sentinel: answers PING and SENTINEL MONITOR / SET / REMOVE / RESET / MASTER / FAILOVER /
  // GET-MASTER-ADDR-BY-NAME / REPLICAS / SENTINELS from its own table. It never fails over by
  // itself: FAILOVER is counted and answered, and a test moves the master (setSentinelMaster).
  // MASTER answers Redis 7.0's flat [field, value, ...] array: name, ip, port, flags, quorum,
  // down-after-milliseconds, failover-timeout, parallel-syncs (Sentinel's defaults until SET);
  // never auth-pass.
  void addSentinel(const redis::Endpoint& endpoint);
  // "host:port" the Sentinel monitors under `master`, or nothing.
  std::optional<std::string> sentinelMonitors(const redis::Endpoint& sentinel,
                                              const std::string& master) const;
  std::map<std::string, std::string> sentinelOptions(const redis::Endpoint& sentinel,
                                                     const std::string& master) const;
  // What it learned (replicas and Sentinels), as SENTINEL REPLICAS / SENTINELS report it.
  void setSentinelKnownIps(const redis::Endpoint& sentinel, const std::string& master,
                           std::vector<std::string> ips);
  // The outcome of a failover (the Sentinel's own or another's): it names `primary` for
  // `master` from now on, keeping its options and what it learned. Monitors it when it did not.
  void setSentinelMaster(const redis::Endpoint& sentinel, const std::string& master,
                         const redis::Endpoint& primary);
  // SENTINEL FAILOVER <master> requests this Sentinel received, refused ones included.
  int sentinelFailoverRequests(const redis::Endpoint& sentinel, const std::string& master) const;
  // The error reply FAILOVER <master> gets from now on ("NOGOODSLAVE No suitable replica to
  // promote", "INPROG Failover already in progress"); nothing: +OK again.
  void setSentinelFailoverRefusal(const redis::Endpoint& sentinel, const std::string& master,
                                  std::optional<std::string> error);
  void alias(std::string host, redis::Endpoint target); // host:target.port resolves to target
  void setReachable(const redis::Endpoint& endpoint, bool reachable);
  void setPassword(const redis::Endpoint& endpoint, std::optional<std::string> password);
  void setLinkUp(const redis::Endpoint& endpoint, bool up); // false holds a replica's link down
  void setSyncInProgress(const redis::Endpoint& endpoint, bool in_progress);
  void setBacklogSize(const redis::Endpoint& endpoint, std::int64_t bytes);
  void setConfig(const redis::Endpoint& endpoint, const std::string& parameter, std::string value);

  // Data flow. write() adds bytes to a master's offset and to every replica linked below it
  // (transitively); Invalid on a replica, Transient when writes are paused or unreachable.
  Status write(const redis::Endpoint& endpoint, std::int64_t bytes);
  // Catches a linked replica (and the linked replicas below it) up with its upstream.
  void advance(const redis::Endpoint& endpoint);
  void setOffset(const redis::Endpoint& endpoint, std::int64_t offset);

  // Observation and fault injection.
  std::vector<std::string> commands() const;
  // commands() without the read-only ones (PING, INFO, ROLE, CONFIG GET).
  std::vector<std::string> mutations() const;
  void clearCommands();
  void failNext(const redis::Endpoint& endpoint, Error error);
  // The next call to the node whose command, as logged ("SENTINEL SET cache auth-pass ***"),
  // starts with `prefix` fails once with `error`; other calls go through meanwhile.
  void failNextCommand(const redis::Endpoint& endpoint, std::string prefix, Error error);

  // What the admins call; public for FakeRedisNode and the admin handle, not for tests.
  struct NodeState;
  Result<redis::Reply> execute(const redis::Endpoint& endpoint,
                               const redis::Credentials& credentials,
                               const std::vector<std::string>& arguments);
  redis::ReplicationInfo infoOf(const redis::Endpoint& endpoint) const;
  redis::StatsInfo statsOf(const redis::Endpoint& endpoint) const;
  bool writesPausedOf(const redis::Endpoint& endpoint) const;

private:
  NodeState& stateOf(const redis::Endpoint& endpoint);
  const NodeState& stateOf(const redis::Endpoint& endpoint) const;
  NodeState* resolve(const std::string& host, int port);
  const NodeState* resolve(const std::string& host, int port) const;
  NodeState* upstreamOf(const NodeState& node);
  const NodeState* upstreamOf(const NodeState& node) const;
  bool usableUpstream(const NodeState& node) const;
  void settle();
  void attach(NodeState& replica, NodeState& upstream);
  std::string nextReplid();
  redis::ReplicationInfo synthesise(const NodeState& node) const;
  Result<redis::Reply> dispatch(NodeState& node, const std::vector<std::string>& arguments);
  Result<redis::Reply> dispatchSentinel(NodeState& node, const std::vector<std::string>& arguments);
  void propagate(NodeState& node, std::int64_t bytes);
  void catchUp(NodeState& node);

  mutable std::mutex mutex_;
  std::map<redis::Endpoint, std::unique_ptr<NodeState>> nodes_;
  std::map<std::string, redis::Endpoint> aliases_; // "host:port" -> node
  std::vector<std::string> commands_;
  std::uint64_t replid_counter_ = 0;
};

// INFO replication text for `info`, in Redis 7.0's layout ("\r\n" line ends), so that
// command({"INFO", "replication"}) answers what a real server would.
std::string formatReplicationInfo(const redis::ReplicationInfo& info);

} // namespace rdr::testing
