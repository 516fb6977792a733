// Invalid manifests are refused with the API server's exact 422 text; the validator is real.
#include <gtest/gtest.h>

#include "crd_fixture.h"
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;
using testing::kConnectionCrd;
using testing::kRedisClusterCrd;
using testing::kSeedDir;
using testing::loadCrdFile;
using testing::readYaml;

const std::string kNotChecked =
    "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was "
    "invalid; correct the existing errors to complete validation";

// The 422 message the API server returns for a manifest, or "" when it is accepted.
std::string rejection(const CustomResourceDefinition& crd, const json& manifest) {
  const auto admitted = admit(crd.versions[0], manifest);
  if (admitted.ok()) {
    return "";
  }
  return invalidObjectMessage(crd, manifest["metadata"].value("name", ""), admitted.errors);
}

struct InvalidCase {
  std::string name;
  const char* crd;
  std::string seed;  // the manifest to start from
  std::string patch; // a JSON merge patch (YAML) that breaks it
  std::string message;

  friend void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }
};

class InvalidManifestTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidManifestTest, IsRejectedWithTheExactMessage) {
  const auto crd = loadCrdFile(GetParam().crd);
  json manifest = readYaml(kSeedDir / GetParam().seed);
  ASSERT_EQ(rejection(crd, manifest), "") << "the seed itself must be valid";
  const auto patch = parseYamlDocument(GetParam().patch);
  ASSERT_TRUE(patch) << patch.error().message();
  manifest.merge_patch(*patch);
  EXPECT_EQ(rejection(crd, manifest), GetParam().message);
}

const std::string kDr = "RedisCluster.redis.io \"dr-redis\" is invalid: ";
const std::string kProd = "RedisCluster.redis.io \"prod-redis\" is invalid: ";
const std::string kConn = "ActiveRedisConnection.redis.middleware.alauda.io \"c6-dest-conn\" is invalid: ";
const std::string kAddressPattern =
    "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):[0-9]{1,5}$";

INSTANTIATE_TEST_SUITE_P(
    Manifests, InvalidManifestTest,
    ::testing::Values(
        InvalidCase{"PortZero", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {source: {port: 0}}}",
                    kDr + "spec.replicaMode.source.port: Invalid value: 0: spec.replicaMode.source.port "
                          "in body should be greater than or equal to 1"},
        InvalidCase{"PortTooLarge", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {source: {port: 70000}}}",
                    kDr + "spec.replicaMode.source.port: Invalid value: 70000: spec.replicaMode.source.port "
                          "in body should be less than or equal to 65535"},
        InvalidCase{"PromoteWithoutEnabled", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {enabled: false, promote: true}}",
                    kDr + "spec.replicaMode: Invalid value: \"object\": replicaMode.promote requires "
                          "replicaMode.enabled"},
        InvalidCase{"MinSyncReplicasNotBelowInstances", kRedisClusterCrd, "003-prod-redis.yaml",
                    "spec: {minSyncReplicas: 3}",
                    kProd + "spec.minSyncReplicas: Invalid value: \"object\": minSyncReplicas must be less "
                            "than instances"},
        InvalidCase{"UnknownMode", kRedisClusterCrd, "003-prod-redis.yaml", "spec: {mode: foo}",
                    kProd + "[spec.mode: Unsupported value: \"foo\": supported values: \"standalone\", "
                            "\"sentinel\", \"cluster\", " + kNotChecked + "]"},
        InvalidCase{"MissingSourceHost", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {source: {host: null}}}",
                    kDr + "[spec.replicaMode.source.host: Required value, " + kNotChecked + "]"},
        InvalidCase{"EnabledWithoutSource", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {source: null}}",
                    kDr + "spec.replicaMode.source: Required value: required when replicaMode.enabled is true"},
        InvalidCase{"ClusterModeWithReplicaMode", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {mode: cluster}",
                    kDr + "spec.mode: Invalid value: \"object\": mode: cluster cannot be combined with "
                          "replicaMode.enabled (sharded disaster recovery is not supported yet)"},
        InvalidCase{"InstancesAsString", kRedisClusterCrd, "003-prod-redis.yaml",
                    "spec: {instances: three}",
                    kProd + "[spec.instances: Invalid value: \"string\": spec.instances in body must be of "
                            "type integer: \"string\", " + kNotChecked + "]"},
        InvalidCase{"TooManyInstances", kRedisClusterCrd, "003-prod-redis.yaml", "spec: {instances: 16}",
                    kProd + "spec.instances: Invalid value: 16: spec.instances in body should be less than "
                            "or equal to 15"},
        InvalidCase{"EnabledAsString", kRedisClusterCrd, "003-dr-redis.yaml",
                    "spec: {replicaMode: {enabled: \"yes\"}}",
                    kDr + "[spec.replicaMode.enabled: Invalid value: \"string\": spec.replicaMode.enabled "
                          "in body must be of type boolean: \"string\", " + kNotChecked + "]"},
        InvalidCase{"QuorumAboveSentinels", kRedisClusterCrd, "003-prod-redis.yaml",
                    "spec: {sentinel: {quorum: 4}}",
                    kProd + "spec.sentinel: Invalid value: \"object\": sentinel.quorum must not exceed "
                            "sentinel.instances"},
        InvalidCase{"StorageSizeNotAQuantity", kRedisClusterCrd, "003-prod-redis.yaml",
                    "spec: {storage: {size: lots}}",
                    kProd + "spec.storage.size: Invalid value: \"lots\": spec.storage.size in body should "
                            "match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
                            "([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'"},
        InvalidCase{"ConnectionWithoutInstance", kConnectionCrd, "000-c6-dest-conn.yaml",
                    "spec: {instance: null}", kConn + "spec.instance: Required value"},
        InvalidCase{"AddressWithoutPort", kConnectionCrd, "000-c6-dest-conn.yaml",
                    "spec: {addresses: [192.168.1.11]}",
                    kConn + "spec.addresses[0]: Invalid value: \"192.168.1.11\": spec.addresses[0] in body "
                            "should match '" + kAddressPattern + "'"},
        InvalidCase{"NoAddresses", kConnectionCrd, "000-c6-dest-conn.yaml", "spec: {addresses: []}",
                    kConn + "spec.addresses: Invalid value: 0: spec.addresses in body should have at least "
                            "1 items"},
        InvalidCase{"UnknownConnectionStatus", kConnectionCrd, "000-c6-dest-conn.yaml",
                    "status: {status: Broken}",
                    kConn + "status.status: Unsupported value: \"Broken\": supported values: \"Healthy\", "
                            "\"Failed\", \"Paused\", \"Connecting\""}),
    [](const auto& info) { return info.param.name; });

TEST(AddressPatternTest, AcceptsIpv4DnsAndBracketedIpv6) {
  const auto crd = loadCrdFile(kConnectionCrd);
  json manifest = readYaml(kSeedDir / "000-c6-dest-conn.yaml");
  for (const char* address : {"192.168.1.11:30011", "redis.us-east.example.com:6379",
                              "[2001:db8::1]:6379", "[::1]:26379", "c6-leader:6379"}) {
    manifest["spec"]["addresses"] = json::array({address});
    EXPECT_EQ(rejection(crd, manifest), "") << address;
  }
  for (const char* address : {"2001:db8::1:6379x", "host:", ":6379", "-bad.example.com:1"}) {
    manifest["spec"]["addresses"] = json::array({address});
    EXPECT_NE(rejection(crd, manifest), "") << address;
  }
}

TEST(UnknownFieldTest, UnknownFieldsArePrunedAndReported) {
  const auto crd = loadCrdFile(kRedisClusterCrd);
  json manifest = readYaml(kSeedDir / "003-dr-redis.yaml");
  manifest["spec"]["foo"] = 1;
  manifest["spec"]["replicaMode"]["source"]["hots"] = "x";
  const auto admitted = admit(crd.versions[0], manifest);
  EXPECT_TRUE(admitted.ok()) << aggregateMessage(admitted.errors);
  ASSERT_EQ(admitted.unknownFields,
            (std::vector<std::string>{"spec.foo", "spec.replicaMode.source.hots"}));
  EXPECT_EQ(unknownFieldMessage(admitted.unknownFields[0]), "unknown field \"spec.foo\"");
  EXPECT_FALSE(admitted.object["spec"].contains("foo"));
}

// The validator is driven by the CRD: changing the schema in memory flips the outcomes.
TEST(SchemaDrivenTest, RemovingThePortMaximumAcceptsPort70000) {
  auto crd = loadCrdFile(kRedisClusterCrd);
  json manifest = readYaml(kSeedDir / "003-dr-redis.yaml");
  manifest["spec"]["replicaMode"]["source"]["port"] = 70000;
  ASSERT_NE(rejection(crd, manifest), "");
  crd.versions[0].schema.properties.at("spec").properties.at("replicaMode").properties.at("source")
      .properties.at("port").maximum.reset();
  EXPECT_EQ(rejection(crd, manifest), "");
}

TEST(SchemaDrivenTest, RetypingInstancesAsStringFlipsWhatIsAccepted) {
  auto crd = loadCrdFile(kRedisClusterCrd);
  json asString = readYaml(kSeedDir / "003-prod-redis.yaml");
  asString["spec"]["instances"] = "three";
  const json asInteger = readYaml(kSeedDir / "003-prod-redis.yaml");
  ASSERT_NE(rejection(crd, asString), "");
  ASSERT_EQ(rejection(crd, asInteger), "");

  Schema& instances = crd.versions[0].schema.properties.at("spec").properties.at("instances");
  instances.type = "string";
  instances.defaultValue = "three";
  crd.versions[0].schema.properties.at("spec").validations.clear(); // they compare instances as int
  EXPECT_EQ(rejection(crd, asString), "");
  EXPECT_EQ(rejection(crd, asInteger),
            kProd + "[spec.instances: Invalid value: \"integer\": spec.instances in body must be of type "
                    "string: \"integer\", " + kNotChecked + "]");
}

TEST(SchemaDrivenTest, DroppingTheCelRuleFromTheCrdDocumentAcceptsPromoteWithoutEnabled) {
  json document = testing::crdDocument(kRedisClusterCrd);
  json manifest = readYaml(kSeedDir / "003-dr-redis.yaml");
  manifest["spec"]["replicaMode"]["enabled"] = false;
  manifest["spec"]["replicaMode"]["promote"] = true;
  ASSERT_NE(rejection(*loadCrd(document), manifest), "");
  json& rules = document["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
                        ["properties"]["replicaMode"]["x-kubernetes-validations"];
  ASSERT_EQ(rules[0]["message"], "replicaMode.promote requires replicaMode.enabled");
  rules.erase(0);
  const auto reloaded = loadCrd(document);
  ASSERT_TRUE(reloaded) << reloaded.error().message();
  EXPECT_EQ(rejection(*reloaded, manifest), "");
}

TEST(CrdLoadTest, RejectsABrokenRuleInTheRealCrd) {
  json document = testing::crdDocument(kRedisClusterCrd);
  document["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
          ["x-kubernetes-validations"][0]["rule"] = "self.minSyncReplica < self.instances";
  const auto crd = loadCrd(document);
  ASSERT_FALSE(crd);
  EXPECT_EQ(crd.error().message(),
            "CustomResourceDefinition.apiextensions.k8s.io \"redisclusters.redis.io\" is invalid: "
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: "
            "Invalid value: \"self.minSyncReplica < self.instances\": compilation failed: ERROR: "
            "<input>:1:5: undefined field 'minSyncReplica'");
}

} // namespace
} // namespace rdr::schema
