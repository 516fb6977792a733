// What the operator asks of a cluster's Sentinels in mode: sentinel (pure): which ones to point at
// the primary, which to stop, which to reset. It never chooses the primary: Sentinel does.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rdr/replication/sentinel_view.h"

namespace rdr::controller {

// One Sentinel pod as observed this round.
struct SentinelObservation {
  std::string pod;
  std::string pod_ip;
  // It answered GET-MASTER-ADDR-BY-NAME and MASTERS, and (when it monitors the master) REPLICAS
  // and SENTINELS: what it knows decides whether it can fail over.
  bool reachable = false;
  std::optional<std::string> master;  // "ip:port" it names; none: it monitors nothing by the name
  // IPs of the replicas and Sentinels it knows for the master (SENTINEL REPLICAS / SENTINELS).
  std::vector<std::string> known_ips;
  // What it reports for the master (SENTINEL MASTER): quorum, down-after-milliseconds,
  // failover-timeout, parallel-syncs (other fields are not kept).
  std::map<std::string, std::string> settings;
  // Masters it monitors under another name (SENTINEL MASTERS): left from an earlier
  // spec.sentinel.masterName. A cluster's Sentinels monitor its master name and nothing else.
  std::vector<std::string> other_masters;
  // SENTINEL MASTER's flags say failover_in_progress: it is failing the master over right now.
  bool failover_in_progress = false;
};

struct SentinelSettings {
  std::string master_name;
  int quorum = 2;
  int down_after_milliseconds = 5000;
  int failover_timeout = 60000;

  // As SENTINEL MASTER reports them, parallel-syncs (always 1) included.
  std::map<std::string, std::string> reported() const;
};

// SENTINEL REMOVE (in case it monitors the name already), MONITOR <primary>, then SET auth-pass,
// quorum, down-after-milliseconds, failover-timeout, parallel-syncs 1 (REMOVE again if one fails).
struct MonitorPrimary {
  std::string pod;
  std::string pod_ip;
  std::string primary; // "ip:port"
};
// SENTINEL REMOVE <master>: it must not fail over anything (a DR cluster following a source,
// a cluster leaving mode sentinel), or `master` is a name the cluster no longer uses.
struct StopMonitoring {
  std::string pod;
  std::string pod_ip;
  std::string master; // empty: the cluster's master name
};
// SENTINEL RESET <master>: forget replicas and Sentinels that are gone (re-created pods).
struct ResetSentinel {
  std::string pod;
  std::string pod_ip;
};
// SENTINEL SET quorum, down-after-milliseconds, failover-timeout, parallel-syncs 1: the spec's
// settings changed after the Sentinel was configured.
struct ApplySettings {
  std::string pod;
  std::string pod_ip;
};
// SENTINEL FAILOVER <master>: the primary no longer takes writes and the group would notice late
// (the RedisCluster plan's rules); Sentinel chooses the replica.
struct ForceFailover {
  std::string pod;
  std::string pod_ip;
  std::string why; // for the log: "the primary restarted and no longer takes writes"
  // A planned hand-over from a live primary (a scale-down): its IP. Its writes are paused
  // (CLIENT PAUSE WRITE, kHandOverPause) before the request, so that what it acknowledged has
  // reached the replicas when Sentinel promotes one, and until Sentinel has made it a replica;
  // unpaused at once if Sentinel refuses. Empty: nothing to pause.
  std::string pause_primary_ip;
};
// Long enough for a forced failover (~1 s) and Sentinel turning the old master into a replica
// (8 s after the switch); Redis lifts the pause by itself.
inline constexpr std::chrono::milliseconds kHandOverPause{15000};
using SentinelAction =
    std::variant<MonitorPrimary, StopMonitoring, ResetSentinel, ApplySettings, ForceFailover>;

struct SentinelPlan {
  replication::SentinelVerdict verdict;
  std::vector<SentinelAction> actions;
};

// Rules, in order:
// 0. every master a reachable Sentinel monitors under another name than the cluster's is
//    removed (spec.sentinel.masterName changed: two names would be two deciders);
// 1. following an external source (replica mode, not promoted): every Sentinel that monitors the
//    master name stops, so that no Sentinel can promote a DR replica; nothing else;
// 2. the group's verdict (readSentinels over the reachable pods, majority of `configured`);
// 3. a reachable Sentinel that monitors nothing (new, or re-created) is pointed at, in order:
//    a. the agreed address (Agreed): Sentinel's choice, never the operator's;
//    b. the one address every monitoring Sentinel names (they agree, just not a majority yet:
//       a group being rebuilt after losing members);
//    c. when no Sentinel monitors anything (bootstrap, or every member re-created):
//       `recorded_primary`, the address of status.currentPrimary's pod, when it is known;
//    never while monitoring Sentinels name different addresses (a failover being propagated);
//    d. every Sentinel (monitoring or not) is pointed at `recorded_primary` again when they agree
//       on an address that is no data pod and none knows any data pod (the pods were re-created
//       with new IPs: Sentinel can neither fail over nor learn the new ones by itself);
// 4. a Sentinel that names another address than the majority is never overruled: Sentinel's own
//    gossip (config epochs) brings it round;
// 5. NoQuorum and Disagreed change nothing else: the operator promotes nobody either way;
// 6. a monitoring Sentinel whose settings differ from `wanted` (the spec changed) gets them;
// 7. stale entries: a Sentinel that knows an IP outside `current_ips` (pods that are gone) is
//    reset (it then re-learns the replicas from the primary's INFO and the Sentinels from their
//    hellos), only while it cannot cost a failover:
//    a. the verdict is Agreed on `recorded_primary` (the primary answers as a master: a reset
//       Sentinel re-learns replicas from it and nowhere else), no Sentinel reports a failover in
//       progress (a reset aborts it), and no other action is planned (the RedisCluster plan
//       also drops it when it asks a Sentinel to fail over in the same round);
//    b. every other answering Sentinel knows every replica streaming from the primary, so the
//       group can still fail over while this one re-learns: one member's knowledge at a time,
//       however often reconciles run;
//    c. at most one per round.
struct SentinelGroupFacts {
  int configured = 3;             // spec.sentinel.instances
  bool following_source = false;  // replica mode, not promoted
  // "ip:6379" of status.currentPrimary's pod when it answers as a master.
  std::optional<std::string> recorded_primary;
  std::vector<std::string> current_ips;        // of every pod of the cluster, Sentinels included
  std::vector<std::string> streaming_replicas; // IPs of the pods streaming from the primary
  std::vector<std::string> data_ips;           // IPs of the data pods (not being deleted)
  SentinelSettings wanted;
};
SentinelPlan planSentinels(const std::vector<SentinelObservation>& sentinels,
                           const SentinelGroupFacts& facts);

} // namespace rdr::controller
