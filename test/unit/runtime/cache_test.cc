// Tests of the informer cache.
#include "rdr/runtime/cache.h"

#include <gtest/gtest.h>


namespace rdr::runtime {
namespace {

nlohmann::json object(const std::string& ns, const std::string& name, nlohmann::json labels) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}}};
}

TEST(CacheTest, ListsByNamespaceAndSelectorAndIndexesLabels) {
  Cache cache;
  cache.upsert(object("a", "x", {{"app", "redis"}}));
  cache.upsert(object("a", "y", {{"app", "other"}}));
  cache.upsert(object("b", "z", {{"app", "redis"}}));
  EXPECT_EQ(cache.list("a").value().size(), 2u);
  EXPECT_EQ(cache.list("", "app=redis").value().size(), 2u);
  EXPECT_EQ(cache.list("a", "app=redis").value().size(), 1u);
  EXPECT_EQ(cache.byLabel("app", "redis"), (std::vector<kube::ObjectKey>{{"a", "x"}, {"b", "z"}}));
  const auto previous = cache.upsert(object("a", "x", {{"app", "moved"}}));
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ((*previous)["metadata"]["labels"]["app"], "redis");
  EXPECT_EQ(cache.byLabel("app", "redis"), (std::vector<kube::ObjectKey>{{"b", "z"}}));
  EXPECT_TRUE(cache.remove({"b", "z"}).has_value());
  EXPECT_TRUE(cache.byLabel("app", "redis").empty());
  EXPECT_FALSE(cache.remove({"b", "z"}).has_value());
}

TEST(CacheTest, ReplaceReportsAddedUpdatedAndVanishedObjects) {
  Cache cache;
  cache.upsert(object("a", "stays", {}));
  cache.upsert(object("a", "goes", {{"app", "redis"}}));
  const ReplaceDelta delta = cache.replace({object("a", "stays", {}), object("a", "new", {})});
  ASSERT_EQ(delta.added.size(), 1u);
  EXPECT_EQ(delta.added[0]["metadata"]["name"], "new");
  ASSERT_EQ(delta.updated.size(), 1u);
  ASSERT_EQ(delta.deleted.size(), 1u);
  EXPECT_EQ(delta.deleted[0]["metadata"]["name"], "goes");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.byLabel("app", "redis").empty());
}

} // namespace
} // namespace rdr::runtime
