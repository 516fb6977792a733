// Pruning of unknown fields and nulls, and defaulting, on small inline schemas.
#include <gtest/gtest.h>

#include "rdr/schema/validator.h"
#include "schema_test_util.h"

namespace rdr::schema {
namespace {

using nlohmann::json;
using testing::jsonFromYaml;
using testing::schemaFromYaml;

const char* const kSchema = R"(
type: object
properties:
  spec:
    type: object
    default: {}
    properties:
      replicas: {type: integer, default: 3}
      mode: {type: string, default: standalone}
      labels: {type: object, additionalProperties: {type: string}}
      failover:
        type: object
        default: {}
        properties:
          enabled: {type: boolean, default: true}
      sentinel:
        type: object
        properties:
          quorum: {type: integer, default: 2}
      note: {type: string, nullable: true, default: hello}
      list:
        type: array
        items:
          type: object
          properties:
            name: {type: string}
            port: {type: integer, default: 80}
      extra:
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties:
          known:
            type: object
            properties:
              a: {type: string}
      nullableMap: {type: object, nullable: true}
      plain: {type: string}
)";

TEST(PruneTest, RemovesUnknownFieldsAndReportsTheirPaths) {
  const Schema schema = schemaFromYaml(kSchema);
  json object = jsonFromYaml(R"(
apiVersion: x/v1
kind: X
metadata: {name: a, unknownMeta: 1}
spec:
  replicas: 2
  foo: bar
  labels: {a: b}
  list: [{name: n, bogus: 1}, {name: m}]
  extra: {anything: {deep: 1}, known: {a: x, b: y}}
top: 1
)");
  const auto pruned = pruneUnknownFields(object, schema);
  EXPECT_EQ(pruned, (std::vector<std::string>{"spec.extra.known.b", "spec.foo",
                                              "spec.list[0].bogus", "top"}));
  EXPECT_EQ(object, jsonFromYaml(R"(
apiVersion: x/v1
kind: X
metadata: {name: a, unknownMeta: 1}
spec:
  replicas: 2
  labels: {a: b}
  list: [{name: n}, {name: m}]
  extra: {anything: {deep: 1}, known: {a: x}}
)"));
}

TEST(PruneTest, KeepsApiVersionKindMetadataOnlyAtTheResourceRoot) {
  const Schema schema = schemaFromYaml("type: object\nproperties: {a: {type: string}}\n");
  json object = {{"apiVersion", "v1"}, {"kind", "K"}, {"metadata", json::object()}};
  EXPECT_TRUE(pruneUnknownFields(object, schema, true).empty());
  EXPECT_EQ(pruneUnknownFields(object, schema, false),
            (std::vector<std::string>{"apiVersion", "kind", "metadata"}));
  EXPECT_EQ(object, json::object());
}

TEST(PruneTest, DropsNonNullableNullsWithoutDefaultOnly) {
  const Schema schema = schemaFromYaml(kSchema);
  json object = jsonFromYaml("spec: {plain: null, replicas: null, nullableMap: null, note: null}\n");
  pruneNonNullableNulls(object, schema);
  EXPECT_EQ(object, jsonFromYaml("spec: {replicas: null, nullableMap: null, note: null}\n"));
}

TEST(DefaultTest, AppliesNestedDefaultsWhereParentsExist) {
  const Schema schema = schemaFromYaml(kSchema);
  json object = jsonFromYaml("spec: {list: [{name: a}, {name: b, port: 81}]}\n");
  applyDefaults(object, schema);
  EXPECT_EQ(object, jsonFromYaml(R"(
spec:
  replicas: 3
  mode: standalone
  failover: {enabled: true}
  note: hello
  list: [{name: a, port: 80}, {name: b, port: 81}]
)"));
}

TEST(DefaultTest, CreatesADefaultedParentAndLeavesAbsentOnesAbsent) {
  const Schema schema = schemaFromYaml(kSchema);
  json object = json::object();
  applyDefaults(object, schema);
  EXPECT_EQ(object, jsonFromYaml(
                        "spec: {replicas: 3, mode: standalone, failover: {enabled: true}, note: hello}\n"));
  EXPECT_FALSE(object["spec"].contains("sentinel")); // no default: its children stay unset

  json withSentinel = jsonFromYaml("spec: {sentinel: {}}\n");
  applyDefaults(withSentinel, schema);
  EXPECT_EQ(withSentinel["spec"]["sentinel"], json({{"quorum", 2}}));
}

TEST(DefaultTest, NullableKeepsNullAndNonNullableNullIsDefaulted) {
  const Schema schema = schemaFromYaml(kSchema);
  json object = jsonFromYaml("spec: {note: null, replicas: null, mode: sentinel}\n");
  applyDefaults(object, schema);
  EXPECT_TRUE(object["spec"]["note"].is_null());
  EXPECT_EQ(object["spec"]["replicas"], 3);
  EXPECT_EQ(object["spec"]["mode"], "sentinel");
}

} // namespace
} // namespace rdr::schema
