// Discovery, /version, OpenAPI v3, CRD registration, Table output, HumanDuration and JSONPath.
#include "api_server_fixture.h"
#include "sandbox/apiserver/jsonpath.h"
#include "sandbox/apiserver/table.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

const std::string kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;"
    "v=v2beta1;as=APIGroupDiscoveryList,application/json";

const json* findResource(const json& list, const std::string& group, const std::string& plural) {
  for (const auto& item : list["items"]) {
    if (item["metadata"].value("name", std::string()) != group) {
      continue;
    }
    for (const auto& resource : item["versions"][0]["resources"]) {
      if (resource["resource"] == plural) {
        return &resource;
      }
    }
  }
  return nullptr;
}

TEST_F(ApiServerTest, VersionReportsKubernetes132) {
  const json version = get("/version");
  EXPECT_EQ(version["major"], "1");
  EXPECT_EQ(version["minor"], "32");
  EXPECT_EQ(version["gitVersion"], "v1.32.4");
}

TEST_F(ApiServerTest, AggregatedDiscoveryWhenAskedFor) {
  auto response = call("GET", "/apis", "", {{"Accept", kAggregatedAccept}});
  EXPECT_EQ(response.headers["Content-Type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  const json apis = json::parse(response.body);
  EXPECT_EQ(apis["kind"], "APIGroupDiscoveryList");
  const json* rc = findResource(apis, "redis.io", "redisclusters");
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ((*rc)["responseKind"], (json{{"group", "redis.io"}, {"version", "v1"}, {"kind", "RedisCluster"}}));
  EXPECT_EQ((*rc)["scope"], "Namespaced");
  EXPECT_EQ((*rc)["subresources"][0]["subresource"], "status");
  auto core = call("GET", "/api", "", {{"Accept", kAggregatedAccept}});
  const json api = json::parse(core.body);
  ASSERT_EQ(api["items"].size(), 1u);
  EXPECT_EQ(api["items"][0]["metadata"], json::object());
  EXPECT_NE(findResource(api, "", "configmaps"), nullptr);
}

TEST_F(ApiServerTest, LegacyDiscoveryOtherwise) {
  auto response = call("GET", "/apis", "", {{"Accept", "application/json, */*"}});
  EXPECT_EQ(response.headers["Content-Type"], "application/json");
  const json groups = json::parse(response.body);
  EXPECT_EQ(groups["kind"], "APIGroupList");
  EXPECT_EQ(get("/api")["versions"], json::array({"v1"}));
  const json v1 = get("/api/v1");
  EXPECT_EQ(v1["kind"], "APIResourceList");
  EXPECT_EQ(v1["groupVersion"], "v1");
  const json redis = get("/apis/redis.io/v1");
  EXPECT_EQ(redis["resources"][0]["name"], "redisclusters");
  EXPECT_EQ(redis["resources"][1]["name"], "redisclusters/status");
  EXPECT_EQ(get("/apis/redis.io")["preferredVersion"]["groupVersion"], "redis.io/v1");
}

TEST_F(ApiServerTest, CreatedCrdIsEstablishedAndServedAtOnce) {
  const json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "widgets.example.com"}}},
      {"spec", {{"group", "example.com"}, {"scope", "Namespaced"},
                {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
                {"versions", {{{"name", "v1"}, {"served", true}, {"storage", true},
                               {"schema", {{"openAPIV3Schema", {{"type", "object"}, {"properties", {{"spec", {{"type", "object"}, {"properties", {{"size", {{"type", "integer"}}}}}}}}}}}}}}}}}}};
  const json created = post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  EXPECT_EQ(created["status"]["conditions"][1]["type"], "Established");
  EXPECT_EQ(created["status"]["conditions"][1]["status"], "True");
  EXPECT_EQ(created["status"]["storedVersions"], json::array({"v1"}));
  EXPECT_EQ(created["status"]["acceptedNames"]["listKind"], "WidgetList");
  post("/apis/example.com/v1/namespaces/default/widgets", {{"metadata", {{"name", "w"}}}, {"spec", {{"size", 2}}}});
  EXPECT_EQ(get("/apis/example.com/v1/namespaces/default/widgets")["kind"], "WidgetList");
  EXPECT_TRUE(get("/openapi/v3")["paths"].contains("apis/example.com/v1"));
  auto response = call("GET", "/apis", "", {{"Accept", kAggregatedAccept}});
  EXPECT_NE(findResource(json::parse(response.body), "example.com", "widgets"), nullptr);
  auto response2 = call("GET", "/apis/example.com/v1/namespaces/default/widgets?watch=true");
  ASSERT_NE(response2.stream, nullptr);
  EXPECT_EQ(response2.stream->read(std::chrono::milliseconds(0)).kind, http::StreamRead::Kind::Data);
  expect("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", "", 200);
  get("/apis/example.com/v1/namespaces/default/widgets", 404);
  // The watch sees the custom resource go, then ends with its CRD.
  const auto deleted = response2.stream->read(std::chrono::milliseconds(0));
  ASSERT_EQ(deleted.kind, http::StreamRead::Kind::Data);
  EXPECT_EQ(json::parse(deleted.data)["type"], "DELETED");
  EXPECT_EQ(response2.stream->read(std::chrono::milliseconds(0)).kind, http::StreamRead::Kind::End);
}

TEST_F(ApiServerTest, OpenApiV3HasAPatchOperationWithFieldValidationForEveryKind) {
  const json index = get("/openapi/v3");
  const std::string url = index["paths"]["apis/redis.io/v1"]["serverRelativeURL"];
  EXPECT_TRUE(url.starts_with("/openapi/v3/apis/redis.io/v1?hash=")) << url;
  auto response = call("GET", url, "", {{"Accept", "application/json"}});
  EXPECT_FALSE(response.headers.contains("ETag"));
  const json doc = json::parse(response.body);
  const json& op = doc["paths"]["/apis/redis.io/v1/namespaces/{namespace}/redisclusters/{name}"]["patch"];
  EXPECT_EQ(op["x-kubernetes-group-version-kind"], (json{{"group", "redis.io"}, {"version", "v1"}, {"kind", "RedisCluster"}}));
  bool fieldValidation = false;
  for (const auto& parameter : op["parameters"]) {
    fieldValidation |= parameter["name"] == "fieldValidation" && parameter["in"] == "query";
  }
  EXPECT_TRUE(fieldValidation);
  const json core = get("/openapi/v3/api/v1");
  EXPECT_TRUE(core["paths"].contains("/api/v1/namespaces/{name}"));
  EXPECT_TRUE(core["paths"].contains("/api/v1/namespaces/{namespace}/services/{name}"));
  get("/openapi/v2", 404);
}

TEST_F(ApiServerTest, RedisClusterTableUsesThePrinterColumns) {
  post(kRc, redisCluster("a"));
  json status = get(kRc + "/a");
  status["status"] = {{"readyInstances", 2}, {"phase", "Healthy"}, {"currentPrimary", "a-0"}};
  put(kRc + "/a/status", status);
  clock_.advance(125s);
  auto response = call("GET", kRc + "?limit=500", "", {{"Accept", kTableAccept}});
  ASSERT_EQ(response.status, 200);
  const json table = json::parse(response.body);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  std::vector<std::string> names;
  for (const auto& column : table["columnDefinitions"]) {
    names.push_back(column["name"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Name", "Instances", "Ready", "Phase", "Primary", "Lag", "Age"}));
  EXPECT_EQ(table["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(table["rows"][0]["cells"], (json{"a", 3, 2, "Healthy", "a-0", nullptr, "2m5s"}));
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["name"], "a");
}

TEST_F(ApiServerTest, BuiltInTablesAndEmptyTables) {
  auto empty = call("GET", kCm, "", {{"Accept", kTableAccept}});
  EXPECT_EQ(json::parse(empty.body)["rows"], json::array());
  post(kCm, configMap("c"));
  clock_.advance(3h);
  const json table = json::parse(call("GET", kCm + "/c", "", {{"Accept", kTableAccept}}).body);
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Data");
  EXPECT_EQ(table["rows"][0]["cells"], (json{"c", 1, "3h"}));
  post("/api/v1/namespaces/default/services",
       {{"metadata", {{"name", "svc"}}}, {"spec", {{"ports", {{{"port", 6379}}}}}}});
  const json services = json::parse(call("GET", "/api/v1/namespaces/default/services", "", {{"Accept", kTableAccept}}).body);
  EXPECT_EQ(services["rows"][0]["cells"][1], "ClusterIP");
  EXPECT_EQ(services["rows"][0]["cells"][3], "<none>");
  EXPECT_EQ(services["rows"][0]["cells"][4], "6379/TCP");
}

struct DurationCase {
  std::chrono::seconds age;
  std::string text;
};

TEST(HumanDurationTest, MatchesApimachinery) {
  const auto d = [](long long s) { return std::chrono::seconds(s); };
  const long long h = 3600;
  const long long day = 24 * h;
  const std::vector<DurationCase> cases = {
      {d(-5), "<invalid>"}, {d(-1), "0s"},     {d(0), "0s"},        {d(119), "119s"},   {d(120), "2m"},
      {d(125), "2m5s"},     {d(599), "9m59s"}, {d(600), "10m"},     {d(179 * 60), "179m"}, {d(3 * h), "3h"},
      {d(3 * h + 300), "3h5m"}, {d(8 * h), "8h"}, {d(47 * h), "47h"}, {d(48 * h), "2d"}, {d(51 * h), "2d3h"},
      {d(8 * day), "8d"},   {d(365 * day), "365d"}, {d(729 * day), "729d"}, {d(730 * day), "2y"},
      {d(740 * day), "2y10d"}, {d(8 * 365 * day), "8y"}, {d(3000 * day), "8y"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(humanDuration(c.age), c.text) << c.age.count() << "s";
  }
}

TEST(JsonPathTest, EvaluatesThePrinterColumnSubset) {
  const json object = {{"status", {{"conditions", {{{"type", "Synced"}, {"status", "False"}},
                                                   {{"type", "Ready"}, {"status", "True"}}}},
                                   {"nodes", {{{"name", "a"}}, {{"name", "b"}}}}}}};
  EXPECT_EQ(*evaluateJsonPath(object, ".status.conditions[?(@.type==\"Ready\")].status"), std::vector<json>{"True"});
  EXPECT_EQ(*evaluateJsonPath(object, ".status.nodes[1].name"), std::vector<json>{"b"});
  EXPECT_EQ(*evaluateJsonPath(object, "{.status.nodes[*].name}"), (std::vector<json>{"a", "b"}));
  EXPECT_TRUE(evaluateJsonPath(object, ".status.missing.x")->empty());
  EXPECT_FALSE(evaluateJsonPath(object, "status[").has_value());
}

} // namespace
} // namespace rdr::sandbox::testing
