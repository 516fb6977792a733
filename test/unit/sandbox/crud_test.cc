// Create/get/list/update through ApiServer::handle(): metadata, exact Status errors, selectors, paging.
#include <regex>

#include "api_server_fixture.h"
#include "rdr/common/time_format.h"

namespace rdr::sandbox::testing {
namespace {

TEST_F(ApiServerTest, CreateFillsServerOwnedMetadata) {
  const json created = post(kRc, redisCluster("a"));
  const auto& meta = created["metadata"];
  EXPECT_TRUE(std::regex_match(meta["uid"].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(meta["creationTimestamp"], formatRfc3339(clock_.now()));
  EXPECT_EQ(meta["generation"], 1);
  EXPECT_EQ(meta["namespace"], "default");
  EXPECT_EQ(created["kind"], "RedisCluster");
  const json fetched = get(kRc + "/a");
  EXPECT_EQ(fetched, created);
  EXPECT_NE(post(kCm, configMap("c"))["metadata"]["resourceVersion"], meta["resourceVersion"]);
}

TEST_F(ApiServerTest, CreateOfExistingObjectIsAlreadyExists) {
  post(kRc, redisCluster("a"));
  const json status = post(kRc, redisCluster("a"), 409);
  EXPECT_EQ(status["reason"], "AlreadyExists");
  EXPECT_EQ(status["message"], "redisclusters.redis.io \"a\" already exists");
  EXPECT_EQ(status["details"], (json{{"name", "a"}, {"group", "redis.io"}, {"kind", "redisclusters"}}));
}

TEST_F(ApiServerTest, MissingObjectIsNotFoundWithDetails) {
  const json status = get(kRc + "/nope", 404);
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_EQ(status["message"], "redisclusters.redis.io \"nope\" not found");
  EXPECT_EQ(get(kCm + "/nope", 404)["message"], "configmaps \"nope\" not found");
  EXPECT_EQ(get("/apis/nothing/v1/things", 404)["message"], "the server could not find the requested resource");
}

TEST_F(ApiServerTest, CreateChecksNamespaceAndResourceVersion) {
  EXPECT_EQ(post("/api/v1/namespaces/nope/configmaps", configMap("c"), 404)["message"],
            "namespaces \"nope\" not found");
  json other = configMap("c");
  other["metadata"]["namespace"] = "kube-system";
  EXPECT_EQ(post(kCm, other, 400)["message"],
            "the namespace of the provided object does not match the namespace sent on the request");
  json withRv = configMap("c");
  withRv["metadata"]["resourceVersion"] = "5";
  const json status = post(kCm, withRv, 500);
  EXPECT_EQ(status["message"], "resourceVersion should not be set on objects to be created");
  EXPECT_FALSE(status.contains("reason"));
}

TEST_F(ApiServerTest, GenerateNameGetsFiveRandomCharacters) {
  json cm = configMap("");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "gen-";
  const std::string name = post(kCm, cm)["metadata"]["name"];
  EXPECT_TRUE(std::regex_match(name, std::regex("gen-[bcdfghjklmnpqrstvwxz2456789]{5}"))) << name;
}

TEST_F(ApiServerTest, InvalidCustomResourceIsRefusedWithTheSchemaMessage) {
  json rc = redisCluster("a");
  rc["spec"]["mode"] = "foo";
  const json status = post(kRc, rc, 422);
  EXPECT_EQ(status["reason"], "Invalid");
  EXPECT_EQ(status["message"],
            "RedisCluster.redis.io \"a\" is invalid: [spec.mode: Unsupported value: \"foo\": supported values: "
            "\"standalone\", \"sentinel\", \"cluster\", <nil>: Invalid value: \"null\": some validation rules "
            "were not checked because the object was invalid; correct the existing errors to complete validation]");
  EXPECT_EQ(status["details"]["kind"], "RedisCluster");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "spec.mode");
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldValueNotSupported");
}

TEST_F(ApiServerTest, FieldValidationStrictWarnIgnore) {
  json rc = redisCluster("a");
  rc["spec"]["foo"] = 1;
  EXPECT_EQ(post(kRc + "?fieldValidation=Strict", rc, 400)["message"],
            "RedisCluster in version \"v1\" cannot be handled as a RedisCluster: strict decoding error: "
            "unknown field \"spec.foo\"");
  auto warned = call("POST", kRc + "?fieldValidation=Warn", rc.dump());
  EXPECT_EQ(warned.status, 201);
  EXPECT_EQ(warned.headers["Warning"], "299 - \"unknown field \\\"spec.foo\\\"\"");
  EXPECT_FALSE(json::parse(warned.body)["spec"].contains("foo"));
  rc["metadata"]["name"] = "b";
  auto ignored = call("POST", kRc + "?fieldValidation=Ignore", rc.dump());
  EXPECT_EQ(ignored.status, 201);
  EXPECT_FALSE(ignored.headers.contains("Warning"));
}

TEST_F(ApiServerTest, PutOfCustomResourceNeedsResourceVersion) {
  json rc = post(kRc, redisCluster("a"));
  json noRv = rc;
  noRv["metadata"].erase("resourceVersion");
  const json status = put(kRc + "/a", noRv, 422);
  EXPECT_EQ(status["message"], "RedisCluster.redis.io \"a\" is invalid: metadata.resourceVersion: Invalid value: "
                               "0x0: must be specified for an update");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "metadata.resourceVersion");
  json stale = rc;
  stale["metadata"]["resourceVersion"] = "1";
  const json conflict = put(kRc + "/a", stale, 409);
  EXPECT_EQ(conflict["reason"], "Conflict");
  EXPECT_EQ(conflict["message"], "Operation cannot be fulfilled on redisclusters.redis.io \"a\": the object has "
                                 "been modified; please apply your changes to the latest version and try again");
  json missing = redisCluster("ghost");
  missing["metadata"]["resourceVersion"] = "1";
  EXPECT_EQ(put(kRc + "/ghost", missing, 404)["reason"], "NotFound");
}

TEST_F(ApiServerTest, BuiltInsAllowUnconditionalPutButLeasesDoNot) {
  json cm = post(kCm, configMap("c"));
  cm["metadata"].erase("resourceVersion");
  cm["data"]["a"] = "2";
  EXPECT_EQ(put(kCm + "/c", cm)["data"]["a"], "2");
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
  json lease = {{"metadata", {{"name", "l"}}}, {"spec", {{"holderIdentity", "me"}}}};
  post(leases, lease);
  EXPECT_EQ(put(leases + "/l", lease, 422)["message"],
            "Lease.coordination.k8s.io \"l\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
            "specified for an update");
}

TEST_F(ApiServerTest, GenerationFollowsSpecAndStatusSubresourceIgnoresTheOtherSide) {
  json rc = post(kRc, redisCluster("a"));
  // 1. Status through the main resource is ignored: a no-op, same resourceVersion.
  json withStatus = rc;
  withStatus["status"] = {{"phase", "Healthy"}};
  const json same = put(kRc + "/a", withStatus);
  EXPECT_EQ(same["metadata"]["resourceVersion"], rc["metadata"]["resourceVersion"]);
  EXPECT_FALSE(same.contains("status"));
  // 2. /status writes status only; generation stays.
  json statusWrite = rc;
  statusWrite["status"] = {{"phase", "Healthy"}};
  statusWrite["spec"]["instances"] = 5;
  const json afterStatus = put(kRc + "/a/status", statusWrite);
  EXPECT_EQ(afterStatus["status"]["phase"], "Healthy");
  EXPECT_EQ(afterStatus["spec"]["instances"], 3);
  EXPECT_EQ(afterStatus["metadata"]["generation"], 1);
  EXPECT_NE(afterStatus["metadata"]["resourceVersion"], rc["metadata"]["resourceVersion"]);
  // 3. A spec change bumps generation.
  json specWrite = afterStatus;
  specWrite["spec"]["instances"] = 5;
  const json afterSpec = put(kRc + "/a", specWrite);
  EXPECT_EQ(afterSpec["metadata"]["generation"], 2);
  EXPECT_EQ(afterSpec["status"]["phase"], "Healthy");
  // 4. A label change moves the resourceVersion but not generation.
  json labelWrite = afterSpec;
  labelWrite["metadata"]["labels"] = {{"x", "y"}};
  const json afterLabel = put(kRc + "/a", labelWrite);
  EXPECT_EQ(afterLabel["metadata"]["generation"], 2);
  EXPECT_NE(afterLabel["metadata"]["resourceVersion"], afterSpec["metadata"]["resourceVersion"]);
}

TEST_F(ApiServerTest, ListsHaveListKindAndBuiltInItemsHaveNoKind) {
  const json empty = get(kCm);
  EXPECT_EQ(empty["kind"], "ConfigMapList");
  EXPECT_EQ(empty["items"], json::array());
  post(kCm, configMap("c"));
  const json cms = get(kCm);
  ASSERT_EQ(cms["items"].size(), 1u);
  EXPECT_FALSE(cms["items"][0].contains("kind"));
  EXPECT_FALSE(cms["items"][0].contains("apiVersion"));
  post(kRc, redisCluster("a"));
  const json rcs = get(kRc);
  EXPECT_EQ(rcs["kind"], "RedisClusterList");
  EXPECT_EQ(rcs["items"][0]["kind"], "RedisCluster");
  EXPECT_EQ(rcs["metadata"]["resourceVersion"], rcs["items"][0]["metadata"]["resourceVersion"]);
}

TEST_F(ApiServerTest, LabelAndFieldSelectorsAndClusterScope) {
  post(kCm, configMap("a", {{"app", "redis"}, {"tier", "db"}}));
  post(kCm, configMap("b", {{"app", "redis"}}));
  post(kCm, configMap("c", {{"app", "web"}}));
  post("/api/v1/namespaces/kube-system/configmaps", configMap("d", {{"app", "redis"}}));
  const auto names = [&](const std::string& target) {
    std::vector<std::string> out;
    const json list = get(target);
    for (const auto& item : list["items"]) {
      out.push_back(item["metadata"]["name"]);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(kCm + "?labelSelector=app=redis"), (V{"a", "b"}));
  EXPECT_EQ(names(kCm + "?labelSelector=app==redis,tier"), (V{"a"}));
  EXPECT_EQ(names(kCm + "?labelSelector=app!=redis"), (V{"c"}));
  EXPECT_EQ(names(kCm + "?labelSelector=app in (web,redis),!tier"), (V{"b", "c"}));
  EXPECT_EQ(names(kCm + "?labelSelector=app notin (redis)"), (V{"c"}));
  EXPECT_EQ(names(kCm + "?fieldSelector=metadata.name=b"), (V{"b"}));
  EXPECT_EQ(names("/api/v1/configmaps?labelSelector=app=redis"), (V{"a", "b", "d"}));
  EXPECT_EQ(names("/api/v1/configmaps?fieldSelector=metadata.namespace=kube-system"), (V{"d"}));
  EXPECT_EQ(get(kCm + "?fieldSelector=spec.foo=x", 400)["message"], "field label not supported: spec.foo");
  EXPECT_EQ(names("/api/v1/namespaces"), (V{"default", "kube-public", "kube-system"}));
}

TEST_F(ApiServerTest, PaginationServesEveryPageAtTheFirstPagesRevision) {
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    post(kCm, configMap(name));
  }
  const json first = get(kCm + "?limit=2");
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["metadata"]["remainingItemCount"], 3);
  const std::string listRv = first["metadata"]["resourceVersion"];
  // Changes after the first page are invisible to the following pages.
  json c = get(kCm + "/c");
  c["data"]["a"] = "changed";
  put(kCm + "/c", c);
  call("DELETE", kCm + "/e");
  const json second = get(kCm + "?limit=2&continue=" + first["metadata"]["continue"].get<std::string>());
  EXPECT_EQ(second["metadata"]["resourceVersion"], listRv);
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["metadata"]["name"], "c");
  EXPECT_EQ(second["items"][0]["data"]["a"], "1");
  const json third = get(kCm + "?limit=2&continue=" + second["metadata"]["continue"].get<std::string>());
  ASSERT_EQ(third["items"].size(), 1u);
  EXPECT_EQ(third["items"][0]["metadata"]["name"], "e");
  EXPECT_FALSE(third["metadata"].contains("continue"));
  EXPECT_EQ(get(kCm + "?resourceVersion=999999", 504)["details"]["causes"][0]["reason"], "ResourceVersionTooLarge");
}

} // namespace
} // namespace rdr::sandbox::testing
