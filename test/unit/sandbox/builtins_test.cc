// Built-in specifics: Service allocation, shared event storage, namespaces, names, dryRun, printers.
#include "api_server_fixture.h"
#include "rdr/common/time_format.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

const std::string kSvc = "/api/v1/namespaces/default/services";

TEST_F(ApiServerTest, ServiceUpdateKeepsAllocatedAddresses) {
  const json svc = post(kSvc, {{"metadata", {{"name", "lb"}}},
                               {"spec", {{"type", "LoadBalancer"}, {"ports", {{{"port", 6379}}}}}}});
  const std::string ip = svc["spec"]["clusterIP"];
  const int nodePort = svc["spec"]["ports"][0]["nodePort"];
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 6379);
  EXPECT_EQ(svc["status"], (json{{"loadBalancer", json::object()}}));
  json replacement = {{"metadata", {{"name", "lb"}, {"labels", {{"a", "b"}}}}},
                      {"spec", {{"type", "LoadBalancer"}, {"ports", {{{"port", 6379}}}}}}};
  const json updated = put(kSvc + "/lb", replacement);
  EXPECT_EQ(updated["spec"]["clusterIP"], ip);
  EXPECT_EQ(updated["spec"]["ports"][0]["nodePort"], nodePort);
  const json other = post(kSvc, {{"metadata", {{"name", "other"}}}, {"spec", {{"ports", {{{"port", 80}}}}}}});
  EXPECT_NE(other["spec"]["clusterIP"], ip);
  EXPECT_EQ(post(kSvc, {{"metadata", {{"name", "1bad"}}}}, 422)["message"],
            "Service \"1bad\" is invalid: metadata.name: Invalid value: \"1bad\": a DNS-1035 label must consist of "
            "lower case alphanumeric characters or '-', start with an alphabetic character, and end with an "
            "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
            "'[a-z]([-a-z0-9]*[a-z0-9])?')");
}

TEST_F(ApiServerTest, CoreAndEventsApiShareTheirEvents) {
  const json event = {{"metadata", {{"name", "a.17a9c3e5b2d1c0f0"}}},
                      {"involvedObject", {{"kind", "RedisCluster"}, {"name", "a"}, {"namespace", "default"}}},
                      {"reason", "Scaled"}, {"message", "scaled to 3"}, {"type", "Normal"},
                      {"lastTimestamp", "2026-01-01T00:00:00Z"}, {"firstTimestamp", "2026-01-01T00:00:00Z"},
                      {"count", 2}};
  post("/api/v1/namespaces/default/events", event);
  const json viaEventsApi = get("/apis/events.k8s.io/v1/namespaces/default/events/a.17a9c3e5b2d1c0f0");
  EXPECT_EQ(viaEventsApi["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(viaEventsApi["reason"], "Scaled");
  EXPECT_EQ(viaEventsApi["regarding"]["name"], "a");
  EXPECT_EQ(viaEventsApi["note"], "scaled to 3");
  EXPECT_EQ(viaEventsApi["deprecatedCount"], 2);
  EXPECT_FALSE(viaEventsApi.contains("involvedObject"));
  const json written = post("/apis/events.k8s.io/v1/namespaces/default/events",
                            {{"metadata", {{"name", "b.1"}}}, {"regarding", {{"kind", "Pod"}, {"name", "p"}}},
                             {"note", "hello"}, {"reason", "Started"}, {"type", "Normal"},
                             {"eventTime", "2026-01-01T00:00:00.000000Z"}, {"reportingController", "rdr/operator"},
                             {"reportingInstance", "x"}, {"action", "Start"}});
  EXPECT_EQ(written["note"], "hello");
  const json viaCore = get("/api/v1/namespaces/default/events/b.1");
  EXPECT_EQ(viaCore["involvedObject"]["name"], "p");
  EXPECT_EQ(viaCore["message"], "hello");
  EXPECT_EQ(viaCore["reportingComponent"], "rdr/operator");
  expect("DELETE", "/api/v1/namespaces/default/events/b.1", "", 200);
  clock_.advance(90s);
  const json table = json::parse(call("GET", "/api/v1/namespaces/default/events", "", {{"Accept", kTableAccept}}).body);
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Last Seen");
  EXPECT_EQ(table["rows"][0]["cells"], (json{"90s", "Normal", "Scaled", "rediscluster/a", "", "", "scaled to 3", "90s",
                                            "2", "a.17a9c3e5b2d1c0f0"}));
  EXPECT_EQ(get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=a")["items"].size(), 1u);
}

TEST_F(ApiServerTest, NamespacesGetDefaultsAndTakeTheirObjectsWithThem) {
  const json ns = post("/api/v1/namespaces", {{"metadata", {{"name", "team"}}}});
  EXPECT_EQ(ns["status"]["phase"], "Active");
  EXPECT_EQ(ns["metadata"]["labels"]["kubernetes.io/metadata.name"], "team");
  EXPECT_EQ(ns["spec"]["finalizers"], json::array({"kubernetes"}));
  post("/api/v1/namespaces/team/configmaps", configMap("c"));
  json rc = redisCluster("a");
  rc["metadata"]["finalizers"] = {"redis.io/cleanup"};
  post("/apis/redis.io/v1/namespaces/team/redisclusters", rc);
  // 1. Terminating while an object with a finalizer is left; no new content meanwhile.
  const json terminating = expect("DELETE", "/api/v1/namespaces/team", "", 200);
  EXPECT_EQ(terminating["status"]["phase"], "Terminating");
  get("/api/v1/namespaces/team/configmaps/c", 404);
  const json blocked = post("/api/v1/namespaces/team/configmaps", configMap("d"), 403);
  EXPECT_EQ(blocked["message"], "configmaps \"d\" is forbidden: unable to create new content in namespace team "
                                "because it is being terminated");
  json deleting = get("/apis/redis.io/v1/namespaces/team/redisclusters/a");
  EXPECT_TRUE(deleting["metadata"].contains("deletionTimestamp"));
  // 2. The finalizer goes, the object goes, the namespace goes.
  deleting["metadata"]["finalizers"] = json::array();
  put("/apis/redis.io/v1/namespaces/team/redisclusters/a", deleting);
  get("/api/v1/namespaces/team", 404);
  EXPECT_EQ(expect("DELETE", "/api/v1/namespaces/default", "", 403)["message"],
            "namespaces \"default\" is forbidden: this namespace may not be deleted");
  EXPECT_EQ(post("/api/v1/namespaces", {{"metadata", {{"name", "Bad_Name"}}}}, 422)["details"]["causes"][0]["field"],
            "metadata.name");
}

TEST_F(ApiServerTest, DryRunPersistsNothing) {
  const json created = post(kCm + "?dryRun=All", configMap("c"));
  EXPECT_EQ(created["metadata"]["name"], "c");
  get(kCm + "/c", 404);
  post(kCm, configMap("c"));
  expect("DELETE", kCm + "/c?dryRun=All", "", 200);
  get(kCm + "/c");
}

TEST_F(ApiServerTest, ListAtResourceVersionZeroIgnoresLimitAndDeleteCollectionUsesSelectors) {
  for (const char* name : {"a", "b", "c"}) {
    post(kCm, configMap(name, {{"app", std::string(name) == "c" ? "web" : "redis"}}));
  }
  EXPECT_EQ(get(kCm + "?limit=1&resourceVersion=0")["items"].size(), 3u);
  const json deleted = expect("DELETE", kCm + "?labelSelector=app=redis", "", 200);
  EXPECT_EQ(deleted["items"].size(), 2u);
  const json left = get(kCm);
  ASSERT_EQ(left["items"].size(), 1u);
  EXPECT_EQ(left["items"][0]["metadata"]["name"], "c");
}

TEST_F(ApiServerTest, PodsGetCreateDefaultsStatusThroughTheSubresourceAndTheirPrinter) {
  const std::string pods = "/api/v1/namespaces/default/pods";
  json pod = post(pods, {{"metadata", {{"name", "p"}}},
                         {"spec", {{"containers", {{{"name", "redis"}, {"image", "redis:7"}}}}}},
                         {"status", {{"phase", "Running"}}}});
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_EQ(pod["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(pod["spec"]["restartPolicy"], "Always");
  pod["status"] = {{"phase", "Running"},
                   {"containerStatuses", {{{"name", "redis"}, {"ready", true}, {"restartCount", 2}}}}};
  put(pods + "/p/status", pod);
  clock_.advance(10min);
  const json table = json::parse(call("GET", pods, "", {{"Accept", kTableAccept}}).body);
  EXPECT_EQ(table["rows"][0]["cells"], (json{"p", "1/1", "Running", "2", "10m"}));

  // As kubectl prints it: a container's waiting or terminated reason is the pod's STATUS.
  const auto statusColumn = [&](const json& state) {
    pod = json::parse(call("GET", pods + "/p").body);
    pod["status"]["containerStatuses"][0]["state"] = state;
    pod["status"]["containerStatuses"][0]["ready"] = false;
    put(pods + "/p/status", pod);
    return json::parse(call("GET", pods, "", {{"Accept", kTableAccept}}).body)["rows"][0]["cells"][2];
  };
  EXPECT_EQ(statusColumn({{"waiting", {{"reason", "CrashLoopBackOff"}}}}), "CrashLoopBackOff");
  EXPECT_EQ(statusColumn({{"terminated", {{"reason", "Error"}, {"exitCode", 1}}}}), "Error");
  EXPECT_EQ(statusColumn({{"terminated", {{"exitCode", 137}, {"signal", 9}}}}), "Signal:9");
  EXPECT_EQ(statusColumn({{"terminated", {{"exitCode", 3}}}}), "ExitCode:3");
  EXPECT_EQ(statusColumn({{"running", json::object()}}), "Running");
}

TEST_F(ApiServerTest, InvalidLabelsAreRefused) {
  const json status = post(kCm, configMap("c", {{"app", "bad value"}}), 422);
  EXPECT_EQ(status["message"],
            "ConfigMap \"c\" is invalid: metadata.labels: Invalid value: \"bad value\": a valid label must be an "
            "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  json rc = redisCluster("a");
  rc["metadata"]["labels"] = {{"redis.io/cluster", "a"}, {"-bad", "x"}};
  EXPECT_EQ(post(kRc, rc, 422)["details"]["causes"][0]["field"], "metadata.labels");
  rc["metadata"]["labels"] = {{"redis.io/cluster", "a"}};
  post(kRc, rc);
}

TEST_F(ApiServerTest, ScheduledPodsTerminateGracefullyOthersAtOnce) {
  const std::string pods = "/api/v1/namespaces/default/pods";
  const json spec = {{"containers", {{{"name", "redis"}, {"image", "redis:7"}}}}};
  post(pods, {{"metadata", {{"name", "pending"}}}, {"spec", spec}});
  expect("DELETE", pods + "/pending", "", 200);
  get(pods + "/pending", 404);
  json onNode = spec;
  onNode["nodeName"] = "node-1";
  onNode["terminationGracePeriodSeconds"] = 10;
  post(pods, {{"metadata", {{"name", "running"}}}, {"spec", onNode}});
  const json terminating = expect("DELETE", pods + "/running", "", 200);
  EXPECT_EQ(terminating["metadata"]["deletionGracePeriodSeconds"], 10);
  EXPECT_EQ(terminating["metadata"]["deletionTimestamp"], formatRfc3339(clock_.now() + 10s));
  EXPECT_EQ(expect("DELETE", pods + "/running", "", 200)["metadata"]["resourceVersion"],
            terminating["metadata"]["resourceVersion"]);
  // The kubelet's final delete.
  expect("DELETE", pods + "/running", "{\"gracePeriodSeconds\":0}", 200);
  get(pods + "/running", 404);
}

TEST_F(ApiServerTest, UnsupportedRequestsGetAClearStatus) {
  EXPECT_EQ(expect("POST", "/api/v1/configmaps", configMap("c").dump(), 405)["reason"], "MethodNotAllowed");
  EXPECT_EQ(get(kCm + "/c/scale", 404)["reason"], "NotFound");
  EXPECT_EQ(expect("PUT", kCm, "{}", 405)["reason"], "MethodNotAllowed");
}

} // namespace
} // namespace rdr::sandbox::testing
