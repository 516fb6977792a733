// Watch stream lines to events: every type, bookmarks, in-stream errors, malformed lines.
#include "kube/watch_event.h"

#include <gtest/gtest.h>

namespace rdr::kube {
namespace {

TEST(WatchEventTest, DecodesEveryType) {
  const std::pair<std::string, WatchEventType> cases[] = {{"ADDED", WatchEventType::Added},
                                                          {"MODIFIED", WatchEventType::Modified},
                                                          {"DELETED", WatchEventType::Deleted},
                                                          {"BOOKMARK", WatchEventType::Bookmark},
                                                          {"ERROR", WatchEventType::Error}};
  for (const auto& [name, type] : cases) {
    const auto event = decodeWatchEvent(R"({"type":")" + name + R"(","object":{"kind":"Pod"}})");
    ASSERT_TRUE(event) << name << ": " << event.error().message();
    EXPECT_EQ(event->type, type) << name;
    EXPECT_EQ(event->object, nlohmann::json({{"kind", "Pod"}}));
    EXPECT_EQ(watchEventTypeName(type), name);
  }
}

TEST(WatchEventTest, BookmarkCarriesOnlyTheResourceVersion) {
  const auto event = decodeWatchEvent(
      R"({"type":"BOOKMARK","object":{"apiVersion":"redis.io/v1","kind":"RedisCluster","metadata":{"resourceVersion":"12746"}}})"
      "\r");
  ASSERT_TRUE(event) << event.error().message();
  EXPECT_EQ(event->type, WatchEventType::Bookmark);
  EXPECT_EQ(event->object["metadata"]["resourceVersion"], "12746");
}

TEST(WatchEventTest, ErrorEventKeepsTheStatus) {
  const auto event = decodeWatchEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (150)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(event) << event.error().message();
  EXPECT_EQ(event->type, WatchEventType::Error);
  EXPECT_EQ(event->object["code"], 410);
  EXPECT_EQ(event->object["message"], "too old resource version: 100 (150)");
}

TEST(WatchEventTest, RejectsMalformedLines) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"type":"ADDED","object":{"kind")", "malformed watch event (not JSON): "},
      {R"([1,2])", "malformed watch event (not an object): "},
      {R"({"object":{}})", "malformed watch event (no type): "},
      {R"({"type":"ADDED"})", "malformed watch event (no object): "},
      {R"({"type":"ADDED","object":"x"})", "malformed watch event (no object): "},
      {R"({"type":"RENAMED","object":{}})", "malformed watch event (unknown type \"RENAMED\"): "}};
  for (const auto& [line, prefix] : cases) {
    const auto event = decodeWatchEvent(line);
    ASSERT_FALSE(event) << line;
    EXPECT_EQ(event.error().code(), ErrorCode::Transient);
    EXPECT_EQ(event.error().message(), prefix + line);
  }
}

} // namespace
} // namespace rdr::kube
