// ActiveRedisConnection end to end (seed 000, dr-workflows §6), in one sandbox with the operator as
// the test's child: the seed's c6-dest-conn (its address 192.168.1.11:30011 replaced by the
// loopback ingress IP of a LoadBalancer Service in front of the source c6) makes c6-dest follow
// c6; pause, resume with a partial resync, a cut source, detach by delete, and c6 re-added as a
// target of the promoted c6-dest. Then every bad input, each reported and none acted on.
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "connection_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

// Seed 000 end to end: Paused as the seed has it, Healthy, Failed while the source is cut off,
// pause/resume with a partial resync, detach by delete, and the old source re-added.
TEST_F(ConnectionE2eTest, Seed000LifecyclePauseResumeDetachAndReAdd) {
  const std::string source = startSource(2);
  ASSERT_FALSE(source.empty());
  apply(secret("c6-dest-conn-password", kSourcePassword));
  apply(cluster("c6-dest", 2));
  waitForPhase("c6", "Healthy", 90s);
  waitForPhase("c6-dest", "Healthy", 90s);
  writeKeys("c6", source, 0, 100, 1);

  // The seed verbatim but for the address: pause: true.
  const std::string address = source + ":6379";
  apply(seedConnection(address));
  expectConnection(
      "c6-dest-conn", "Paused",
      [](const std::string& m) { return m.starts_with("the link is paused (spec.pause)"); },
      "the link is paused (spec.pause)...", 60s);
  EXPECT_EQ(conn("c6-dest-conn", "{.metadata.finalizers[*]}"), kFinalizer);
  EXPECT_EQ(conn("c6-dest-conn", "{.status.instance}"), "c6-dest");
  EXPECT_EQ(conn("c6-dest-conn", "{.metadata.ownerReferences}"), "");
  EXPECT_EQ(condition("c6-dest", "ReplicationHealthy", "reason"), "LinkPaused");
  expectFollowsNobody(podIp(leaderPod("c6-dest")));

  // pause: false -> Healthy: the first synchronisation brings the source's keys.
  patchConnection("c6-dest-conn", R"({"pause":false})");
  expectConnection("c6-dest-conn", "Healthy", "", 60s);
  waitForPhase("c6-dest", "Replicating", 60s);
  const std::string leader_pod = leaderPod("c6-dest");
  const std::string leader = podIp(leader_pod);
  EXPECT_TRUE(eventually([&] { return countKeys("c6-dest", leader) == 100; }, 20s));
  EXPECT_EQ(condition("c6-dest", "ReplicaMode", "status"), "True");
  EXPECT_EQ(condition("c6-dest", "ReplicaMode", "message"),
            "Cluster is replicating from ActiveRedisConnection c6-dest-conn (" + address + ")");
  EXPECT_EQ(jsonpath("rediscluster c6-dest", "{.status.replication.source}"), address);
  EXPECT_EQ(conn("c6-dest-conn", "{.status.shards[0].index} {.status.shards[0].status} "
                                 "{.status.shards[0].syncStatus}"),
            "0 Connected PartialSync");
  EXPECT_EQ(conn("c6-dest-conn", "{.status.upstreamPeer.service_id} "
                                 "{.status.upstreamPeer.service_metadata.instance}"),
            "0 " + address);
  {
    const std::string source_info = info("c6", source, "replication");
    const auto at = source_info.find("master_replid:");
    ASSERT_NE(at, std::string::npos) << source_info;
    const std::string replid = source_info.substr(at + 14, 40);
    EXPECT_EQ(conn("c6-dest-conn", "{.status.shards[0].opId}"), replid);
  }
  // kubectl get prints the seed's columns.
  {
    const CommandResult table = kubectl("-n default get activeredisconnections");
    ASSERT_EQ(table.exit_code, 0) << table.err;
    std::istringstream lines(table.out);
    std::string header, row;
    std::getline(lines, header);
    std::getline(lines, row);
    EXPECT_EQ(words(header), (std::vector<std::string>{"NAME", "INSTANCE", "STATUS", "MESSAGE", "AGE"}))
        << table.out;
    const auto cells = words(row);
    ASSERT_EQ(cells.size(), 4u) << table.out; // MESSAGE is empty while Healthy
    EXPECT_EQ(cells[0], "c6-dest-conn");
    EXPECT_EQ(cells[1], "c6-dest");
    EXPECT_EQ(cells[2], "Healthy");
  }
  // The offset moves with the source's writes.
  {
    const long before = std::stol(conn("c6-dest-conn", "{.status.shards[0].offset}"));
    writeKeys("c6", source, 100, 100, 2); // the in-cluster replica and c6-dest's leader
    EXPECT_TRUE(eventually(
        [&] {
          const std::string offset = conn("c6-dest-conn", "{.status.shards[0].offset}");
          return !offset.empty() && std::stol(offset) > before;
        },
        30s))
        << "shard 0's offset stays at " << before;
    EXPECT_TRUE(eventually([&] { return countKeys("c6-dest", leader) == 200; }, 20s));
  }

  // The source cut off: Failed with the seed's words; nothing promoted.
  ASSERT_EQ(fault("cut", "default/c6-external").exit_code, 0);
  expectConnection(
      "c6-dest-conn", "Failed",
      [](const std::string& m) {
        return m.starts_with("shard 0 status is Disconnected (") && m.ends_with(")");
      },
      "shard 0 status is Disconnected (...)", 30s);
  EXPECT_EQ(conn("c6-dest-conn", "{.status.shards[0].status}"), "Disconnected");
  EXPECT_EQ(role("c6-dest", leader), "slave") << "nothing promoted";
  EXPECT_NE(redisCli("c6-dest", leader, "SET cut yes").out.find("READONLY"), std::string::npos);
  EXPECT_NE(events().find("ActiveRedisConnection/c6-dest-conn LinkFailed"), std::string::npos)
      << events();
  ASSERT_EQ(fault("heal", "default/c6-external").exit_code, 0);
  expectConnection("c6-dest-conn", "Healthy", "", 60s);

  // Pause: the target stops following, stays read-only and keeps its offset.
  writeKeys("c6", source, 200, 10, 2);
  EXPECT_TRUE(eventually([&] { return countKeys("c6-dest", leader) == 210; }, 20s));
  patchConnection("c6-dest-conn", R"({"pause":true})");
  expectConnection(
      "c6-dest-conn", "Paused",
      [](const std::string& m) {
        return m.starts_with("the link is paused (spec.pause); c6-dest keeps its replication "
                             "position at offset ");
      },
      "the link is paused (spec.pause); c6-dest keeps ...", 30s);
  EXPECT_EQ(condition("c6-dest", "ReplicationHealthy", "reason"), "LinkPaused");
  expectFollowsNobody(leader);
  writeKeys("c6", source, 210, 40, 1); // only c6-1 follows now
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(countKeys("c6-dest", leader), 210) << "a paused target receives nothing";
  const long full_before = counter("c6", source, "sync_full");
  const long partial_before = counter("c6", source, "sync_partial_ok");
  ASSERT_GE(full_before, 0);
  ASSERT_GE(partial_before, 0);

  // Resume: a partial resync, proven by the source's own counters.
  patchConnection("c6-dest-conn", R"({"pause":false})");
  expectConnection("c6-dest-conn", "Healthy", "", 60s);
  EXPECT_TRUE(eventually([&] { return countKeys("c6-dest", leader) == 250; }, 20s));
  EXPECT_EQ(counter("c6", source, "sync_full"), full_before) << "resuming made a full resync";
  EXPECT_EQ(counter("c6", source, "sync_partial_ok"), partial_before + 1)
      << "resuming did not continue partially";
  EXPECT_TRUE(eventually(
      [&] { return jsonpath("rediscluster c6-dest", "{.status.replication.lastResync}") == "PartialSync"; },
      20s))
      << jsonpath("rediscluster c6-dest", "{.status.replication}");
  EXPECT_EQ(leaderPod("c6-dest"), leader_pod);

  // Delete = detach. While no operator runs, the finalizer holds the object and nothing changes.
  killOperator();
  const CommandResult deleted =
      kubectl("-n default delete activeredisconnection c6-dest-conn --wait=false");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  std::this_thread::sleep_for(3s);
  EXPECT_NE(conn("c6-dest-conn", "{.metadata.deletionTimestamp}"), "")
      << "the finalizer must hold the connection while the operator is away";
  EXPECT_EQ(role("c6-dest", leader), "slave");
  startOperator();
  EXPECT_TRUE(eventually([&] { return gone("activeredisconnection c6-dest-conn"); }, 60s))
      << kubectl("-n default get activeredisconnection c6-dest-conn -o yaml").out << logTail();
  const std::string dest_write = clusterIp("c6-dest-leader");
  EXPECT_TRUE(eventually(
      [&] { return redisCli("c6-dest", dest_write, "SET promoted yes").out.starts_with("OK"); }, 30s))
      << "the detached target does not accept writes\n" << logTail();
  EXPECT_EQ(role("c6-dest", leader), "master");
  EXPECT_EQ(countKeys("c6-dest", leader), 251) << "data intact after the detach";
  waitForPhase("c6-dest", "Healthy", 60s);
  EXPECT_EQ(condition("c6-dest", "ReplicaMode", "reason"), "Promoted")
      << jsonpath("rediscluster c6-dest", "{.status.conditions[?(@.type==\"ReplicaMode\")]}");
  const std::string all_events = events();
  EXPECT_NE(all_events.find("RedisCluster/c6-dest Promoted"), std::string::npos) << all_events;
  EXPECT_NE(all_events.find("ActiveRedisConnection/c6-dest-conn Detached"), std::string::npos)
      << all_events << "\noperator log (after its restart) about c6-dest:\n" << logLines("c6-dest");
  EXPECT_EQ(role("c6", podIp(leaderPod("c6"))), "master") << "the source is untouched";

  // Re-add the old source as a target of the new primary. c6 took a write after the split, so
  // the histories diverged: a full resync that discards it.
  ASSERT_TRUE(redisCli("c6", source, "SET diverged yes").out.starts_with("OK"));
  apply(loadBalancer("c6-dest"));
  std::string dest_ip;
  ASSERT_TRUE(eventually(
      [&] {
        return !(dest_ip = jsonpath("svc c6-dest-external", "{.status.loadBalancer.ingress[0].ip}")).empty();
      },
      30s));
  apply(secret("c6-conn-password", password("c6-dest")));
  apply(connection("c6-conn", "c6", dest_ip + ":6379", "c6-conn-password"));
  expectConnection("c6-conn", "Healthy", "", 90s);
  waitForPhase("c6", "Replicating", 60s);
  const std::string c6_leader = podIp(leaderPod("c6"));
  EXPECT_TRUE(eventually([&] { return countKeys("c6", c6_leader) == 251; }, 30s));
  EXPECT_EQ(redisCli("c6", c6_leader, "GET promoted").out, "yes\n");
  EXPECT_EQ(redisCli("c6", c6_leader, "EXISTS diverged").out, "0\n");
  EXPECT_EQ(condition("c6", "ReplicaMode", "message"),
            "Cluster is replicating from ActiveRedisConnection c6-conn (" + dest_ip + ":6379)");
  EXPECT_TRUE(eventually(
      [&] { return jsonpath("rediscluster c6", "{.status.replication.lastResync}") == "FullSync"; }, 20s))
      << jsonpath("rediscluster c6", "{.status.replication}");
  EXPECT_EQ(role("c6-dest", leader), "master") << "the new primary stays one";
}

// Bad inputs, one after another on a healthy link (and on the side): each is reported, and the
// target's leader keeps following (no REPLICAOF NO ONE). Then the target deleted first does not
// leave its connection stuck.
TEST_F(ConnectionE2eTest, BadInputsAreReportedAndNeverActedOn) {
  apply(secret("c6-auth", kSourcePassword));
  apply(cluster("c6", 1, "  authSecret:\n    name: c6-auth\n"));
  apply(secret("c6-dest-conn-password", kSourcePassword));
  apply(cluster("c6-dest", 1));
  apply(cluster("r6", 1,
                "  replicaMode:\n    enabled: true\n    source:\n"
                "      host: c6-leader.default.svc.cluster.local\n      port: 6379\n"
                "      clusterName: c6\n      authSecretName: c6-auth\n"));
  apply(connection("nope-conn", "nope", "127.0.0.3:1", "c6-dest-conn-password"));
  waitForPhase("c6", "Healthy", 90s);
  const std::string address = clusterIp("c6-leader") + ":6379";
  apply(connection("c6-dest-conn", "c6-dest", address, "c6-dest-conn-password"));
  expectConnection("nope-conn", "Failed", "RedisCluster nope does not exist in namespace default");
  expectConnection("c6-dest-conn", "Healthy", "", 90s);
  waitForPhase("r6", "Replicating", 90s);
  const std::string leader = podIp("c6-dest-0");
  ASSERT_EQ(leaderPod("c6-dest"), "c6-dest-0");

  const auto expectStillFollowing = [&](const std::string& what) {
    EXPECT_EQ(role("c6-dest", leader), "slave")
        << what << ": nothing promoted\nReplicaMode: "
        << jsonpath("rediscluster c6-dest", "{.status.conditions[?(@.type==\"ReplicaMode\")]}")
        << "\noperator log about c6-dest:\n" << logLines("c6-dest");
    EXPECT_NE(redisCli("c6-dest", leader, "SET x y").out.find("READONLY"), std::string::npos)
        << what << ": the target must stay read-only";
    EXPECT_EQ(leaderPod("c6-dest"), "c6-dest-0") << what;
  };

  patchConnection("c6-dest-conn", R"({"secretName":"no-such-secret"})");
  expectConnection(
      "c6-dest-conn", "Failed",
      "the Secret no-such-secret named by spec.secretName does not exist in namespace default");
  expectStillFollowing("a missing Secret");

  patchConnection("c6-dest-conn", R"({"secretName":"c6-dest-conn-password","addresses":["127.0.0.2:70000"]})");
  // The message may go on naming the value ("..., got \"127.0.0.2:70000\"").
  expectConnection(
      "c6-dest-conn", "Failed",
      [](const std::string& m) {
        return m.starts_with("the spec is invalid: spec.addresses[0]: port must be between 1 and 65535");
      },
      "the spec is invalid: spec.addresses[0]: port must be between 1 and 65535...");
  std::this_thread::sleep_for(2s); // a wrong reaction would take a reconcile or two
  expectStillFollowing("an invalid port");

  // A malformed address does not pass the CRD's pattern.
  const CommandResult refused =
      kubectl("-n default patch activeredisconnection c6-dest-conn --type=merge -p " +
              shellQuote(R"({"spec":{"addresses":["no port here"]}})"));
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.err.find("spec.addresses[0]"), std::string::npos) << refused.err;

  patchConnection("c6-dest-conn", R"({"addresses":["127.0.0.3:1"]})");
  expectConnection(
      "c6-dest-conn", "Failed",
      [](const std::string& m) {
        return m.starts_with("shard 0 status is Disconnected (") &&
               m.find("not reachable") != std::string::npos;
      },
      "shard 0 status is Disconnected (...not reachable...)", 30s);
  expectStillFollowing("an unreachable address");

  // A Redis Cluster node as the source holds one shard of the data: not supported yet, and said.
  apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sharded\n  namespace: default\nspec:\n"
        "  containers:\n  - name: redis\n    command: [redis-server, --port, \"6379\", "
        "--cluster-enabled, \"yes\", --save, \"\", --requirepass, " + kSourcePassword +
        "]\n    ports:\n    - name: redis\n      containerPort: 6379\n");
  ASSERT_TRUE(eventually([&] { return jsonpath("pod sharded", "{.status.phase}") == "Running"; }, 30s));
  patchConnection("c6-dest-conn", "{\"addresses\":[\"" + podIp("sharded") + ":6379\"]}");
  expectConnection(
      "c6-dest-conn", "Failed",
      [](const std::string& m) {
        return m.starts_with("shard 0 status is Disconnected (") &&
               m.find("sharded sources are not supported") != std::string::npos;
      },
      "shard 0 status is Disconnected (...sharded sources are not supported...)", 30s);
  expectStillFollowing("a sharded source");

  // Back to the source: streaming again (the checks above could all have failed on a dead link).
  patchConnection("c6-dest-conn", "{\"addresses\":[\"" + address + "\"]}");
  expectConnection("c6-dest-conn", "Healthy", "", 60s);

  // Two connections on one target: the oldest drives; deleting the other one detaches nothing.
  apply(connection("c6-dest-conn-2", "c6-dest", "127.0.0.3:1", "c6-dest-conn-password"));
  expectConnection("c6-dest-conn-2", "Failed",
                   "RedisCluster c6-dest already follows the source of ActiveRedisConnection "
                   "c6-dest-conn; a cluster follows one source");
  const CommandResult second_deleted =
      kubectl("-n default delete activeredisconnection c6-dest-conn-2 --timeout=20s");
  EXPECT_EQ(second_deleted.exit_code, 0) << second_deleted.err;
  EXPECT_TRUE(gone("activeredisconnection c6-dest-conn-2"));
  std::this_thread::sleep_for(2s);
  expectStillFollowing("deleting a connection that does not drive");
  EXPECT_EQ(conn("c6-dest-conn", "{.status.status}"), "Healthy");

  // A target in replica mode follows its own source; the connection is refused.
  apply(connection("r6-conn", "r6", address, "c6-dest-conn-password"));
  expectConnection(
      "r6-conn", "Failed",
      [](const std::string& m) { return m.find("has spec.replicaMode enabled") != std::string::npos; },
      "...has spec.replicaMode enabled...");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(role("r6", podIp("r6-0")), "slave");
  EXPECT_EQ(condition("r6", "ReplicaMode", "message"),
            "Cluster is replicating from c6 (c6-leader.default.svc.cluster.local:6379)");
  EXPECT_EQ(jsonpath("rediscluster r6", "{.status.phase}"), "Replicating");

  // The target deleted first: its connection reports it, and deleting the connection completes.
  const CommandResult target_deleted = kubectl("-n default delete rediscluster c6-dest --timeout=60s");
  ASSERT_EQ(target_deleted.exit_code, 0) << target_deleted.err;
  expectConnection("c6-dest-conn", "Failed",
                   "RedisCluster c6-dest does not exist in namespace default");
  const CommandResult conn_deleted =
      kubectl("-n default delete activeredisconnection c6-dest-conn --timeout=15s");
  EXPECT_EQ(conn_deleted.exit_code, 0) << conn_deleted.err << logTail();
  EXPECT_TRUE(gone("activeredisconnection c6-dest-conn"));
  for (const std::string name : {"nope-conn", "r6-conn"}) {
    const CommandResult other = kubectl("-n default delete activeredisconnection " + name + " --timeout=15s");
    EXPECT_EQ(other.exit_code, 0) << name << ": " << other.err;
  }
  EXPECT_EQ(role("r6", podIp("r6-0")), "slave") << "deleting a refused connection detaches nothing";
}

} // namespace
} // namespace rdr::sandbox::testing
