// Tests of the informer cache and of label selectors.
#include "rdr/runtime/cache.h"

#include <gtest/gtest.h>

#include "rdr/runtime/label_selector.h"

namespace rdr::runtime {
namespace {

nlohmann::json object(const std::string& ns, const std::string& name, nlohmann::json labels) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}}};
}

TEST(LabelSelectorTest, MatchesEqualityAndExistenceTerms) {
  const nlohmann::json labels = {{"app", "redis"}, {"role", "primary"}};
  auto matches = [&](const char* text) { return LabelSelector::parse(text).value().matches(labels); };
  EXPECT_TRUE(matches(""));
  EXPECT_TRUE(matches("app=redis"));
  EXPECT_TRUE(matches("app==redis,role=primary"));
  EXPECT_FALSE(matches("app=redis,role=replica"));
  EXPECT_TRUE(matches("role!=replica"));
  EXPECT_FALSE(matches("role!=primary"));
  EXPECT_TRUE(matches("app"));
  EXPECT_FALSE(matches("zone"));
  EXPECT_TRUE(matches("!zone"));
  EXPECT_FALSE(matches("!app"));
  EXPECT_EQ(LabelSelector::parse("app in (a,b)").error().code(), ErrorCode::Unsupported);
  EXPECT_EQ(LabelSelector::parse("a=b,,c").error().code(), ErrorCode::Invalid);
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
