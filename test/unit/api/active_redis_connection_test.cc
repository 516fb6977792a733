// ActiveRedisConnection JSON: defaults, seed 000's status shape, type errors, enum names.
#include "rdr/api/active_redis_connection.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using testing::connectionManifest;

TEST(ActiveRedisConnectionJsonTest, AbsentFieldsTakeDefaults) {
  const auto connection = parseActiveRedisConnection(connectionManifest());
  ASSERT_TRUE(connection) << connection.error().message();
  EXPECT_EQ(connection->spec, (ActiveRedisConnectionSpec{{"10.0.0.1:6379"}, "target", false, ""}));
  EXPECT_EQ(connection->status, ActiveRedisConnectionStatus{});
  EXPECT_EQ(toJson(*connection),
            json::parse(R"({"apiVersion": "redis.middleware.alauda.io/v1alpha1",
              "kind": "ActiveRedisConnection", "metadata": {"name": "conn", "namespace": "default"},
              "spec": {"addresses": ["10.0.0.1:6379"], "instance": "target", "pause": false}})"));
}

TEST(ActiveRedisConnectionJsonTest, StatusIsWrittenInSeedShape) {
  ActiveRedisConnectionStatus status;
  status.instance = "c6-dest";
  status.status = ConnectionState::Healthy;
  status.shards.push_back({0, "1234", "8f3a", ShardLinkStatus::Connected, "FullSync"});
  status.upstream_peer = UpstreamPeer{0, {{"instance", "default/c6"}}};
  EXPECT_EQ(toJson(status), json::parse(R"({
      "instance": "c6-dest", "status": "Healthy",
      "shards": [{"index": 0, "offset": "1234", "opId": "8f3a", "status": "Connected",
                  "syncStatus": "FullSync"}],
      "upstreamPeer": {"service_id": 0, "service_metadata": {"instance": "default/c6"}}})"));
}

TEST(ActiveRedisConnectionJsonTest, EmptyServiceMetadataIsWrittenAsNull) {
  // Not through connectionManifest(): a merge patch would drop the null.
  json manifest = connectionManifest();
  manifest["status"] =
      json::parse(R"({"upstreamPeer": {"service_id": 3, "service_metadata": null}})");
  const auto connection = parseActiveRedisConnection(manifest);
  ASSERT_TRUE(connection) << connection.error().message();
  ASSERT_TRUE(connection->status.upstream_peer);
  EXPECT_EQ(connection->status.upstream_peer->service_id, 3);
  EXPECT_TRUE(connection->status.upstream_peer->service_metadata.empty());
  const json out = toJson(*connection);
  ASSERT_TRUE(out["status"]["upstreamPeer"].contains("service_metadata"));
  EXPECT_TRUE(out["status"]["upstreamPeer"]["service_metadata"].is_null());
  EXPECT_EQ(out["status"], manifest["status"]);
}

TEST(ActiveRedisConnectionJsonTest, ShardDefaultsMatchTheSeed) {
  const auto connection =
      parseActiveRedisConnection(connectionManifest(R"({"status": {"shards": [{"index": 2}]}})"));
  ASSERT_TRUE(connection) << connection.error().message();
  ASSERT_EQ(connection->status.shards.size(), 1u);
  EXPECT_EQ(connection->status.shards[0],
            (ShardStatus{2, "0", "0", ShardLinkStatus::Disconnected, "PartialSync"}));
}

struct ConnectionErrorCase {
  std::string name;
  std::string patch;
  std::string message;

  friend void PrintTo(const ConnectionErrorCase& c, std::ostream* os) { *os << c.name; }
};

class ActiveRedisConnectionParseErrorTest : public ::testing::TestWithParam<ConnectionErrorCase> {};

TEST_P(ActiveRedisConnectionParseErrorTest, ReportsThePathAndTheTypes) {
  const auto connection = parseActiveRedisConnection(connectionManifest(GetParam().patch));
  ASSERT_FALSE(connection) << GetParam().patch;
  EXPECT_EQ(connection.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(connection.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    TypeErrors, ActiveRedisConnectionParseErrorTest,
    ::testing::Values(
        ConnectionErrorCase{"ApiVersion", R"({"apiVersion": "redis.io/v1"})",
                            R"(apiVersion: must be "redis.middleware.alauda.io/v1alpha1", )"
                            R"(got "redis.io/v1")"},
        ConnectionErrorCase{"Kind", R"({"kind": "RedisCluster"})",
                            R"(kind: must be "ActiveRedisConnection", got "RedisCluster")"},
        ConnectionErrorCase{"Spec", R"({"spec": []})", "spec: must be of type object, got array"},
        ConnectionErrorCase{"Addresses", R"({"spec": {"addresses": "10.0.0.1:6379"}})",
                            "spec.addresses: must be of type array, got string"},
        ConnectionErrorCase{"AddressItem", R"({"spec": {"addresses": ["a:1", 6379]}})",
                            "spec.addresses[1]: must be of type string, got integer"},
        ConnectionErrorCase{"Instance", R"({"spec": {"instance": 1}})",
                            "spec.instance: must be of type string, got integer"},
        ConnectionErrorCase{"Pause", R"({"spec": {"pause": "true"}})",
                            "spec.pause: must be of type boolean, got string"},
        ConnectionErrorCase{"SecretName", R"({"spec": {"secretName": false}})",
                            "spec.secretName: must be of type string, got boolean"},
        ConnectionErrorCase{"Status", R"({"status": "Failed"})",
                            "status: must be of type object, got string"},
        ConnectionErrorCase{"State", R"({"status": {"status": "Ok"}})",
                            R"(status.status: unsupported value "Ok": supported values: )"
                            R"("Healthy", "Failed", "Paused", "Connecting")"},
        ConnectionErrorCase{"Shards", R"({"status": {"shards": {}}})",
                            "status.shards: must be of type array, got object"},
        ConnectionErrorCase{"ShardNotObject", R"({"status": {"shards": [0]}})",
                            "status.shards[0]: must be of type object, got integer"},
        ConnectionErrorCase{"ShardOffset", R"({"status": {"shards": [{}, {"offset": 0}]}})",
                            "status.shards[1].offset: must be of type string, got integer"},
        ConnectionErrorCase{"ShardOpId", R"({"status": {"shards": [{"opId": 0}]}})",
                            "status.shards[0].opId: must be of type string, got integer"},
        ConnectionErrorCase{"ShardStatus", R"({"status": {"shards": [{"status": "Up"}]}})",
                            R"(status.shards[0].status: unsupported value "Up": supported )"
                            R"(values: "Connected", "Disconnected")"},
        ConnectionErrorCase{"ShardSync", R"({"status": {"shards": [{"syncStatus": "Streaming"}]}})",
                            R"(status.shards[0].syncStatus: unsupported value "Streaming": )"
                            R"(supported values: "FullSync", "PartialSync")"},
        ConnectionErrorCase{"ServiceId", R"({"status": {"upstreamPeer": {"service_id": "0"}}})",
                            "status.upstreamPeer.service_id: must be of type integer, got string"},
        ConnectionErrorCase{
            "ServiceMetadata",
            R"({"status": {"upstreamPeer": {"service_metadata": {"instance": 1}}}})",
            "status.upstreamPeer.service_metadata.instance: must be of type string, got integer"}));

TEST(ActiveRedisConnectionEnumTest, NamesRoundTrip) {
  const std::vector<std::pair<ConnectionState, std::string>> states = {
      {ConnectionState::Healthy, "Healthy"},
      {ConnectionState::Failed, "Failed"},
      {ConnectionState::Paused, "Paused"},
      {ConnectionState::Connecting, "Connecting"}};
  for (const auto& [state, name] : states) {
    EXPECT_EQ(toString(state), name);
    ASSERT_TRUE(parseConnectionState(name)) << name;
    EXPECT_EQ(*parseConnectionState(name), state);
  }
  EXPECT_FALSE(parseConnectionState("healthy"));
  const std::vector<std::pair<ShardLinkStatus, std::string>> links = {
      {ShardLinkStatus::Connected, "Connected"}, {ShardLinkStatus::Disconnected, "Disconnected"}};
  for (const auto& [link, name] : links) {
    EXPECT_EQ(toString(link), name);
    ASSERT_TRUE(parseShardLinkStatus(name)) << name;
    EXPECT_EQ(*parseShardLinkStatus(name), link);
  }
  EXPECT_FALSE(parseShardLinkStatus("connected"));
}

} // namespace
} // namespace rdr::api
