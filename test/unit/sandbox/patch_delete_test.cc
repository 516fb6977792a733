// PATCH flavours, DELETE with finalizers, garbage collection and injected faults.
#include "api_server_fixture.h"

namespace rdr::sandbox::testing {
namespace {

const std::string kMerge = "application/merge-patch+json";
const std::string kJsonPatch = "application/json-patch+json";
const std::string kStrategic = "application/strategic-merge-patch+json";
const std::string kApply = "application/apply-patch+yaml";

TEST_F(ApiServerTest, MergeAndJsonPatchOnCustomResources) {
  post(kRc, redisCluster("a"));
  EXPECT_EQ(patch(kRc + "/a", {{"spec", {{"instances", 5}}}}, kMerge)["spec"]["instances"], 5);
  const json patched = patch(kRc + "/a", json::array({{{"op", "replace"}, {"path", "/spec/instances"}, {"value", 4}}}), kJsonPatch);
  EXPECT_EQ(patched["spec"]["instances"], 4);
  EXPECT_EQ(patched["metadata"]["generation"], 3);
  const json failed = patch(kRc + "/a", json::array({{{"op", "test"}, {"path", "/spec/instances"}, {"value", 9}}}), kJsonPatch, 422);
  EXPECT_EQ(failed["reason"], "Invalid");
  EXPECT_EQ(failed["message"], "the server rejected our request due to an error in our request");
  patch(kRc + "/a", json::array({{{"op", "remove"}, {"path", "/spec/nothing"}}}), kJsonPatch, 422);
  EXPECT_EQ(get(kRc + "/a")["spec"]["instances"], 4);
}

TEST_F(ApiServerTest, StrategicMergePatchIsUnsupportedForCustomResources) {
  post(kRc, redisCluster("a"));
  const json status = patch(kRc + "/a", {{"spec", {{"instances", 5}}}}, kStrategic, 415);
  EXPECT_EQ(status["reason"], "UnsupportedMediaType");
  EXPECT_EQ(status["message"], "the body of the request was in an unknown format - accepted media types include: "
                               "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
}

TEST_F(ApiServerTest, StrategicMergePatchOnBuiltIns) {
  json cm = configMap("c");
  cm["data"] = {{"a", "1"}, {"b", "2"}};
  post(kCm, cm);
  const json patched = patch(kCm + "/c", {{"data", {{"b", nullptr}, {"c", "3"}}},
                                          {"metadata", {{"annotations", {{"k", "v"}}}}}}, kStrategic);
  EXPECT_EQ(patched["data"], (json{{"a", "1"}, {"c", "3"}}));
  EXPECT_EQ(patched["metadata"]["annotations"]["k"], "v");
  const std::string pods = "/api/v1/namespaces/default/pods";
  post(pods, {{"metadata", {{"name", "p"}}},
              {"spec", {{"containers", {{{"name", "redis"}, {"image", "redis:7"}}, {{"name", "exporter"}, {"image", "e:1"}}}}}}});
  const json pod = patch(pods + "/p", {{"spec", {{"$setElementOrder/containers", {{{"name", "redis"}}, {{"name", "exporter"}}}},
                                                 {"containers", {{{"name", "redis"}, {"image", "redis:8"}}}}}}}, kStrategic);
  ASSERT_EQ(pod["spec"]["containers"].size(), 2u);
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], "redis:8");
  EXPECT_EQ(pod["spec"]["containers"][1]["image"], "e:1");
}

TEST_F(ApiServerTest, ServerSideApplyCreatesThenMergesAndNeedsAFieldManager) {
  const std::string yaml = "apiVersion: redis.io/v1\nkind: RedisCluster\nmetadata:\n  name: a\nspec:\n  instances: 3\n  storage:\n    size: 1Gi\n";
  auto missingManager = call("PATCH", kRc + "/a", yaml, {{"Content-Type", kApply}});
  EXPECT_EQ(missingManager.status, 422);
  EXPECT_EQ(json::parse(missingManager.body)["message"],
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
  EXPECT_EQ(call("PATCH", kRc + "/a?fieldManager=kubectl&force=false", yaml, {{"Content-Type", kApply}}).status, 201);
  // A second manager applying one field leaves the first manager's fields alone.
  auto second = call("PATCH", kRc + "/a?fieldManager=scaler", "{\"spec\":{\"instances\":4}}", {{"Content-Type", kApply}});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(json::parse(second.body)["spec"]["storage"]["size"], "1Gi");
  EXPECT_EQ(json::parse(second.body)["spec"]["instances"], 4);
  EXPECT_EQ(call("PATCH", kRc + "/a?force=true", "{}", {{"Content-Type", kMerge}}).status, 422);
}

TEST_F(ApiServerTest, ServerSideApplyRemovesWhatTheManagerNoLongerApplies) {
  const auto apply = [&](const std::string& manager, const json& body) {
    auto response = call("PATCH", kRc + "/a?fieldManager=" + manager, body.dump(), {{"Content-Type", kApply}});
    EXPECT_LT(response.status, 300) << response.body;
    return json::parse(response.body);
  };
  json first = redisCluster("a");
  first["metadata"]["labels"] = {{"x", "1"}, {"y", "2"}};
  const json created = apply("kubectl", first);
  ASSERT_EQ(created["metadata"]["managedFields"].size(), 1u);
  const json& entry = created["metadata"]["managedFields"][0];
  EXPECT_EQ(entry["manager"], "kubectl");
  EXPECT_EQ(entry["operation"], "Apply");
  EXPECT_EQ(entry["fieldsType"], "FieldsV1");
  EXPECT_EQ(entry["fieldsV1"]["f:spec"]["f:instances"], json::object());
  apply("other", {{"apiVersion", "redis.io/v1"}, {"kind", "RedisCluster"}, {"metadata", {{"name", "a"}, {"labels", {{"y", "2"}}}}}});
  json second = redisCluster("a");
  second["metadata"]["labels"] = json::object();
  const json after = apply("kubectl", second);
  EXPECT_FALSE(after["metadata"]["labels"].contains("x"));
  EXPECT_EQ(after["metadata"]["labels"]["y"], "2");
  EXPECT_EQ(after["metadata"]["managedFields"].size(), 2u);
  json update = after;
  update["metadata"].erase("managedFields");
  update["spec"]["instances"] = 4;
  EXPECT_EQ(put(kRc + "/a", update)["metadata"]["managedFields"].size(), 2u);
}

TEST_F(ApiServerTest, PatchPreconditionsAndStrictUnknownFields) {
  post(kRc, redisCluster("a"));
  EXPECT_EQ(patch(kRc + "/a", {{"metadata", {{"resourceVersion", "1"}}}, {"spec", {{"instances", 5}}}}, kMerge, 409)["reason"],
            "Conflict");
  const json strict = patch(kRc + "/a?fieldValidation=Strict", {{"spec", {{"foo", 1}}}}, kMerge, 422);
  const std::string message = strict["message"];
  EXPECT_EQ(message.rfind(" \"\" is invalid: patch: Invalid value: \"{", 0), 0u) << message;
  EXPECT_TRUE(message.ends_with("\": strict decoding error: unknown field \"spec.foo\"")) << message;
  EXPECT_EQ(patch(kRc + "/a/status", {{"status", {{"phase", "Healthy"}}}, {"spec", {{"instances", 9}}}}, kMerge)["spec"]["instances"], 3);
}

TEST_F(ApiServerTest, DeleteAnswersStatusForCustomResourcesAndTheObjectForBuiltIns) {
  const json rc = post(kRc, redisCluster("a"));
  const json status = expect("DELETE", kRc + "/a", "{\"propagationPolicy\":\"Background\"}", 200);
  EXPECT_EQ(status, (json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"},
                          {"details", {{"name", "a"}, {"group", "redis.io"}, {"kind", "redisclusters"},
                                       {"uid", rc["metadata"]["uid"]}}}}));
  get(kRc + "/a", 404);
  post(kCm, configMap("c"));
  EXPECT_EQ(expect("DELETE", kCm + "/c", "", 200)["metadata"]["name"], "c");
  EXPECT_EQ(expect("DELETE", kCm + "/c", "", 404)["message"], "configmaps \"c\" not found");
}

TEST_F(ApiServerTest, FinalizersDelayDeletionUntilTheLastOneIsRemoved) {
  json rc = redisCluster("a");
  rc["metadata"]["finalizers"] = {"redis.io/cleanup"};
  post(kRc, rc);
  const json deleting = expect("DELETE", kRc + "/a", "", 200);
  EXPECT_EQ(deleting["metadata"]["deletionGracePeriodSeconds"], 0);
  EXPECT_EQ(deleting["metadata"]["generation"], 2);
  EXPECT_TRUE(deleting["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(expect("DELETE", kRc + "/a", "", 200)["metadata"]["resourceVersion"], deleting["metadata"]["resourceVersion"]);
  json more = deleting;
  more["metadata"]["finalizers"].push_back("b/extra");
  EXPECT_EQ(put(kRc + "/a", more, 422)["message"],
            "RedisCluster.redis.io \"a\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added "
            "if the object is being deleted, found new finalizers []string{\"b/extra\"}");
  json done = deleting;
  done["metadata"]["finalizers"] = json::array();
  put(kRc + "/a", done);
  get(kRc + "/a", 404);
}

TEST_F(ApiServerTest, GarbageCollectionDeletesDependentsWhoseOwnersAreAllGone) {
  const json a = post(kRc, redisCluster("a"));
  const json b = post(kRc, redisCluster("b"));
  const auto owner = [](const json& o) {
    return json{{"apiVersion", "redis.io/v1"}, {"kind", "RedisCluster"}, {"name", o["metadata"]["name"]},
                {"uid", o["metadata"]["uid"]}, {"controller", true}};
  };
  json onlyA = configMap("only-a");
  onlyA["metadata"]["ownerReferences"] = {owner(a)};
  json both = configMap("both");
  both["metadata"]["ownerReferences"] = {owner(a), owner(b)};
  post(kCm, onlyA);
  post(kCm, both);
  expect("DELETE", kRc + "/a", "", 200);
  get(kCm + "/only-a", 404);
  get(kCm + "/both");
  expect("DELETE", kRc + "/b", "", 200);
  get(kCm + "/both", 404);
}

TEST_F(ApiServerTest, DeletePreconditionMismatchIsConflict) {
  post(kCm, configMap("c"));
  const json status = expect("DELETE", kCm + "/c", "{\"preconditions\":{\"uid\":\"x\"}}", 409);
  EXPECT_TRUE(status["message"].get<std::string>().starts_with(
      "Operation cannot be fulfilled on configmaps \"c\": Precondition failed: UID in precondition: x, UID in object meta: "));
}

TEST_F(ApiServerTest, InjectedWriteFailures) {
  expect("POST", "/sandbox/v1/faults", "{\"failNextWrites\":{\"count\":2,\"code\":409}}", 200);
  EXPECT_EQ(post(kCm, configMap("c"), 409)["reason"], "Conflict");
  EXPECT_EQ(post(kCm, configMap("c"), 409)["reason"], "Conflict");
  post(kCm, configMap("c"));
  expect("POST", "/sandbox/v1/faults", "{\"failNextWrites\":{\"count\":1,\"code\":500}}", 200);
  EXPECT_EQ(expect("DELETE", kCm + "/c", "", 500)["reason"], "InternalError");
  EXPECT_EQ(expect("POST", "/sandbox/v1/faults", "{\"bogus\":1}", 400)["reason"], "BadRequest");
}

} // namespace
} // namespace rdr::sandbox::testing
