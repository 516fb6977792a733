// ObjectMeta JSON: the fields the operator models round-trip; wrong types carry their path.
#include "rdr/api/object_meta.h"

#include <gtest/gtest.h>

namespace rdr::api {
namespace {

using nlohmann::json;

TEST(ObjectMetaTest, RoundTripsEveryModelledField) {
  const json metadata = json::parse(R"({
    "name": "c6-dest-conn", "namespace": "default", "uid": "301f77be",
    "resourceVersion": "19592690", "generation": 3,
    "creationTimestamp": "2025-08-27T08:42:16Z", "deletionTimestamp": "2025-08-28T00:00:00Z",
    "labels": {"redis.io/cluster": "c6"}, "annotations": {"cpaas.io/creator": "admin"},
    "finalizers": ["redis.io/detach"],
    "ownerReferences": [{"apiVersion": "redis.middleware.alauda.io/v1alpha1",
                         "kind": "ActiveRedis", "name": "owner", "uid": "ed10",
                         "controller": true, "blockOwnerDeletion": false},
                        {"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "y"}]})");
  const auto meta = parseObjectMeta(metadata);
  ASSERT_TRUE(meta) << meta.error().message();
  EXPECT_EQ(meta->generation, 3);
  EXPECT_EQ(meta->deletion_timestamp, "2025-08-28T00:00:00Z");
  ASSERT_EQ(meta->owner_references.size(), 2u);
  EXPECT_EQ(meta->owner_references[0].block_owner_deletion, false);
  EXPECT_FALSE(meta->owner_references[1].controller);
  EXPECT_EQ(toJson(*meta), metadata);
}

TEST(ObjectMetaTest, UnmodelledFieldsAreIgnoredAndEmptyOnesOmitted) {
  const auto meta = parseObjectMeta(
      json::parse(R"({"name": "a", "managedFields": [{}], "generateName": "a-", "labels": {}})"));
  ASSERT_TRUE(meta) << meta.error().message();
  EXPECT_EQ(toJson(*meta), json::parse(R"({"name": "a"})"));
  EXPECT_EQ(toJson(ObjectMeta{}), json::object());
}

TEST(ObjectMetaTest, WrongTypesCarryThePath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"generation": "1"})", "metadata.generation: must be of type integer, got string"},
      {R"({"labels": {"a": 1}})", "metadata.labels.a: must be of type string, got integer"},
      {R"({"finalizers": [1]})", "metadata.finalizers[0]: must be of type string, got integer"},
      {R"({"ownerReferences": [{"controller": "true"}]})",
       "metadata.ownerReferences[0].controller: must be of type boolean, got string"},
      {R"({"ownerReferences": ["x"]})",
       "metadata.ownerReferences[0]: must be of type object, got string"},
      {R"("x")", "metadata: must be of type object, got string"}};
  for (const auto& [text, message] : cases) {
    const auto meta = parseObjectMeta(json::parse(text));
    ASSERT_FALSE(meta) << text;
    EXPECT_EQ(meta.error().message(), message) << text;
  }
}

} // namespace
} // namespace rdr::api
