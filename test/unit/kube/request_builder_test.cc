// Paths, query strings, patch content types and DeleteOptions bodies.
#include "kube/request_builder.h"

#include <gtest/gtest.h>

namespace rdr::kube {
namespace {

using namespace std::chrono_literals;

struct PathCase {
  std::string name;
  Resource resource;
  std::string namespace_;
  std::string object;
  std::string subresource;
  std::string path;
};

class ResourcePathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(ResourcePathTest, BuildsThePath) {
  const auto& c = GetParam();
  EXPECT_EQ(resourcePath(c.resource, c.namespace_, c.object, c.subresource), c.path);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ResourcePathTest,
    ::testing::Values(
        PathCase{"CoreCollection", resources::pods(), "ns", "", "", "/api/v1/namespaces/ns/pods"},
        PathCase{"CoreObject", resources::pods(), "ns", "x", "", "/api/v1/namespaces/ns/pods/x"},
        PathCase{"CoreStatus", resources::pods(), "ns", "x", "status",
                 "/api/v1/namespaces/ns/pods/x/status"},
        PathCase{"CoreAllNamespaces", resources::pods(), "", "", "", "/api/v1/pods"},
        PathCase{"GroupAllNamespaces", resources::redisClusters(), "", "", "",
                 "/apis/redis.io/v1/redisclusters"},
        PathCase{"GroupStatus", resources::redisClusters(), "prod", "east", "status",
                 "/apis/redis.io/v1/namespaces/prod/redisclusters/east/status"},
        PathCase{"Lease", resources::leases(), "kube-system", "leader", "",
                 "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/leader"},
        PathCase{"ClusterScopedIgnoresNamespace", resources::namespaces(), "ignored", "prod", "",
                 "/api/v1/namespaces/prod"},
        PathCase{"ClusterScopedGroup", resources::customResourceDefinitions(), "", "a.redis.io", "",
                 "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.redis.io"},
        PathCase{"SubresourceNeedsAName", resources::pods(), "ns", "", "status",
                 "/api/v1/namespaces/ns/pods"},
        PathCase{"EncodesOddNames", resources::configMaps(), "ns", "a b/c", "",
                 "/api/v1/namespaces/ns/configmaps/a%20b%2Fc"}),
    [](const ::testing::TestParamInfo<PathCase>& info) { return info.param.name; });

TEST(QueryTest, EncodesValuesAndSortsKeys) {
  Query query;
  query.set("watch", "true").set("fieldSelector", "metadata.name=x,a!=b").set("b", "1/2+3");
  EXPECT_EQ(query.str(), "?b=1%2F2%2B3&fieldSelector=metadata.name%3Dx%2Ca%21%3Db&watch=true");
  EXPECT_EQ(Query().str(), "");
}

TEST(QueryTest, ListQueryHasOnlyWhatIsSet) {
  EXPECT_EQ(listQuery({}).str(), "");
  ListOptions options;
  options.label_selector = "app in (redis,sentinel)";
  options.field_selector = "metadata.namespace=prod";
  options.resource_version = "0";
  options.limit = 500;
  options.continue_token = "eyJ2Ijoi/bWV0YS5=";
  EXPECT_EQ(listQuery(options).str(),
            "?continue=eyJ2Ijoi%2FbWV0YS5%3D&fieldSelector=metadata.namespace%3Dprod"
            "&labelSelector=app%20in%20%28redis%2Csentinel%29&limit=500&resourceVersion=0");
}

TEST(QueryTest, WatchQueryMatchesTheReflector) {
  WatchOptions options;
  options.resource_version = "110";
  options.field_selector = "metadata.name=x";
  options.timeout = 597s;
  EXPECT_EQ(watchQuery(options).str(),
            "?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dx&resourceVersion=110"
            "&timeoutSeconds=597&watch=true");
  WatchOptions bare;
  bare.allow_bookmarks = false;
  bare.timeout = 0s;
  EXPECT_EQ(watchQuery(bare).str(), "?watch=true");
}

TEST(QueryTest, PatchQuerySendsForceOnlyForApply) {
  EXPECT_EQ(patchQuery(PatchType::Apply, {"rdr", true}).str(), "?fieldManager=rdr&force=true");
  EXPECT_EQ(patchQuery(PatchType::Apply, {"rdr", false}).str(), "?fieldManager=rdr");
  EXPECT_EQ(patchQuery(PatchType::Merge, {"rdr", true}).str(), "?fieldManager=rdr");
  EXPECT_EQ(patchQuery(PatchType::Json, {}).str(), "");
}

TEST(PatchContentTypeTest, NamesEveryType) {
  EXPECT_EQ(patchContentType(PatchType::Merge), "application/merge-patch+json");
  EXPECT_EQ(patchContentType(PatchType::Json), "application/json-patch+json");
  EXPECT_EQ(patchContentType(PatchType::StrategicMerge), "application/strategic-merge-patch+json");
  EXPECT_EQ(patchContentType(PatchType::Apply), "application/apply-patch+yaml");
}

TEST(DeleteOptionsBodyTest, CarriesPolicyAndPreconditions) {
  EXPECT_EQ(deleteOptionsBody({}), nlohmann::json::parse(R"({"propagationPolicy":"Background"})"));
  DeleteOptions options;
  options.propagation = PropagationPolicy::Foreground;
  options.precondition_uid = "u-1";
  options.precondition_resource_version = "42";
  EXPECT_EQ(deleteOptionsBody(options), nlohmann::json::parse(R"({"propagationPolicy":"Foreground",
              "preconditions":{"uid":"u-1","resourceVersion":"42"}})"));
  options.propagation = PropagationPolicy::Orphan;
  options.precondition_uid.reset();
  EXPECT_EQ(deleteOptionsBody(options),
            nlohmann::json::parse(
                R"({"propagationPolicy":"Orphan","preconditions":{"resourceVersion":"42"}})"));
}

} // namespace
} // namespace rdr::kube
