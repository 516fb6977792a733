// Watches: initial state, exact start, 410 in-stream, bookmarks, timeouts, selector transitions.
#include <thread>

#include "api_server_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

class WatchTest : public ApiServerTest {
protected:
  std::unique_ptr<http::ResponseStream> watch(const std::string& target,
                                              std::map<std::string, std::string> headers = {}) {
    auto response = call("GET", target, "", std::move(headers));
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.headers["Content-Type"], "application/json");
    return std::move(response.stream);
  }

  // Every event available now; `ended` tells whether the stream finished.
  std::vector<json> drain(http::ResponseStream& stream, bool* ended = nullptr) {
    std::vector<json> events;
    for (;;) {
      auto read = stream.read(0ms);
      if (read.kind == http::StreamRead::Kind::Data) {
        EXPECT_EQ(read.data.back(), '\n');
        EXPECT_EQ(read.data.find('\n'), read.data.size() - 1);
        events.push_back(json::parse(read.data));
        continue;
      }
      if (ended != nullptr) {
        *ended = read.kind == http::StreamRead::Kind::End;
      }
      return events;
    }
  }

  static std::vector<std::string> types(const std::vector<json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      out.push_back(e["type"]);
    }
    return out;
  }
  using V = std::vector<std::string>;
};

TEST_F(WatchTest, BareWatchReplaysCurrentStateThenChanges) {
  post(kCm, configMap("a"));
  auto stream = watch(kCm + "?watch=1");
  auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"ADDED"}));
  EXPECT_EQ(events[0]["object"]["kind"], "ConfigMap");
  json a = get(kCm + "/a");
  a["data"]["a"] = "2";
  const json updated = put(kCm + "/a", a);
  events = drain(*stream);
  ASSERT_EQ(types(events), (V{"MODIFIED"}));
  EXPECT_EQ(events[0]["object"], updated);
}

TEST_F(WatchTest, WatchFromAResourceVersionStartsExactlyAfterIt) {
  post(kCm, configMap("a"));
  const std::string rv = get(kCm)["metadata"]["resourceVersion"];
  post(kCm, configMap("b"));
  auto stream = watch(kCm + "?watch=true&resourceVersion=" + rv);
  const auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"ADDED"}));
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "b");
}

TEST_F(WatchTest, WatchFromAFutureResourceVersionSeesEveryLaterEvent) {
  auto stream = watch(kCm + "?watch=true&resourceVersion=1000");
  post(kCm, configMap("a"));
  EXPECT_EQ(types(drain(*stream)), (V{"ADDED"}));
}

TEST_F(WatchTest, NoOpUpdatesProduceNoEvent) {
  const json a = post(kCm, configMap("a"));
  auto stream = watch(kCm + "?watch=true&resourceVersion=" + a["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_EQ(put(kCm + "/a", a)["metadata"]["resourceVersion"], a["metadata"]["resourceVersion"]);
  EXPECT_TRUE(drain(*stream).empty());
}

TEST_F(WatchTest, TooOldResourceVersionIsAnErrorEventInAnOkStream) {
  for (int i = 0; i < 60; ++i) {
    post(kCm, configMap("c" + std::to_string(i)));
  }
  const std::string compacted = get("/sandbox/v1/faults")["compactedResourceVersion"];
  auto stream = watch(kCm + "?watch=true&resourceVersion=2");
  bool ended = false;
  const auto events = drain(*stream, &ended);
  ASSERT_EQ(types(events), (V{"ERROR"}));
  EXPECT_EQ(events[0]["object"], (json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                                       {"status", "Failure"}, {"reason", "Expired"}, {"code", 410},
                                       {"message", "too old resource version: 2 (" + compacted + ")"}}));
  EXPECT_TRUE(ended);
}

TEST_F(WatchTest, ExpireFaultMakesEveryOlderResourceVersionExpire) {
  const json a = post(kCm, configMap("a"));
  post(kCm, configMap("b"));
  expect("POST", "/sandbox/v1/faults", "{\"expireResourceVersions\":true}", 200);
  auto stream = watch(kCm + "?watch=true&resourceVersion=" + a["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_EQ(types(drain(*stream)), (V{"ERROR"}));
  EXPECT_EQ(get(kCm + "?limit=1&resourceVersion=" + a["metadata"]["resourceVersion"].get<std::string>(), 410)["reason"],
            "Expired");
}

TEST_F(WatchTest, DeletedCarriesTheLastStateWithTheDeletionsResourceVersion) {
  json a = post(kCm, configMap("a"));
  auto stream = watch(kCm + "?watch=true&resourceVersion=" + a["metadata"]["resourceVersion"].get<std::string>());
  expect("DELETE", kCm + "/a", "", 200);
  const auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"DELETED"}));
  EXPECT_EQ(events[0]["object"]["data"], a["data"]);
  EXPECT_EQ(events[0]["object"]["metadata"]["resourceVersion"], get(kCm)["metadata"]["resourceVersion"]);
}

TEST_F(WatchTest, SelectorTransitionsBecomeAddedAndDeleted) {
  json a = post(kCm, configMap("a", {{"app", "redis"}}));
  auto stream = watch(kCm + "?watch=true&labelSelector=app=redis&resourceVersion=" +
                      a["metadata"]["resourceVersion"].get<std::string>());
  a["metadata"]["labels"]["app"] = "web";
  const json away = put(kCm + "/a", a);
  auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"DELETED"}));
  EXPECT_EQ(events[0]["object"]["metadata"]["labels"]["app"], "redis");
  EXPECT_EQ(events[0]["object"]["metadata"]["resourceVersion"], away["metadata"]["resourceVersion"]);
  json back = away;
  back["metadata"]["labels"]["app"] = "redis";
  put(kCm + "/a", back);
  EXPECT_EQ(types(drain(*stream)), (V{"ADDED"}));
  post(kCm, configMap("other", {{"app", "web"}}));
  EXPECT_TRUE(drain(*stream).empty());
}

TEST_F(WatchTest, BookmarksPeriodicallyAndBeforeTheDeadlineThenTimeout) {
  post(kCm, configMap("a"));
  auto stream = watch(kCm + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=20&resourceVersion=1");
  EXPECT_EQ(types(drain(*stream)), (V{"ADDED"}));
  clock_.advance(5s);
  auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"BOOKMARK"}));
  EXPECT_EQ(events[0]["object"], (json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                       {"metadata", {{"resourceVersion", get(kCm)["metadata"]["resourceVersion"]}}}}));
  clock_.advance(13s); // 18 s: periodic bookmark and the final one (2 s before the deadline)
  EXPECT_EQ(types(drain(*stream)), (V{"BOOKMARK", "BOOKMARK"}));
  bool ended = false;
  EXPECT_TRUE(drain(*stream, &ended).empty());
  EXPECT_FALSE(ended);
  clock_.advance(2s);
  EXPECT_TRUE(drain(*stream, &ended).empty());
  EXPECT_TRUE(ended);
}

TEST_F(WatchTest, WithoutBookmarksTheStreamEndsQuietlyAtTimeoutSeconds) {
  auto stream = watch(kCm + "?watch=true&timeoutSeconds=3");
  bool ended = true;
  drain(*stream, &ended);
  EXPECT_FALSE(ended);
  clock_.advance(3s);
  EXPECT_TRUE(drain(*stream, &ended).empty());
  EXPECT_TRUE(ended);
}

TEST_F(WatchTest, ClosedAndDroppedStreamsReleaseTheirResources) {
  auto first = watch(kCm + "?watch=true");
  auto second = watch(kCm + "?watch=true");
  EXPECT_EQ(get("/sandbox/v1/faults")["openWatches"], 2);
  first->close();
  EXPECT_EQ(first->read(0ms).kind, http::StreamRead::Kind::End);
  first.reset();
  EXPECT_EQ(get("/sandbox/v1/faults")["openWatches"], 1);
  expect("POST", "/sandbox/v1/faults", "{\"dropWatches\":true}", 200);
  EXPECT_EQ(second->read(0ms).kind, http::StreamRead::Kind::End);
  second.reset();
  EXPECT_EQ(get("/sandbox/v1/faults")["openWatches"], 0);
}

TEST_F(WatchTest, WatchOfOneObjectAndTheLegacyWatchPath) {
  post(kCm, configMap("a"));
  post(kCm, configMap("b"));
  auto byName = watch(kCm + "/b?watch=true");
  auto events = drain(*byName);
  ASSERT_EQ(types(events), (V{"ADDED"}));
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "b");
  auto legacy = watch("/api/v1/watch/namespaces/default/configmaps");
  EXPECT_EQ(types(drain(*legacy)), (V{"ADDED", "ADDED"}));
}

TEST_F(WatchTest, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  post(kCm, configMap("a"));
  auto stream = watch(kCm + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
  const auto events = drain(*stream);
  ASSERT_EQ(types(events), (V{"ADDED", "BOOKMARK"}));
  EXPECT_EQ(events[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST_F(WatchTest, TableWatchSendsHeadersOnlyInTheFirstEvent) {
  post(kRc, redisCluster("a"));
  post(kRc, redisCluster("b"));
  auto stream = watch(kRc + "?watch=true", {{"Accept", kTableAccept}});
  const auto events = drain(*stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["object"]["kind"], "Table");
  EXPECT_EQ(events[0]["object"]["columnDefinitions"][1]["name"], "Instances");
  EXPECT_TRUE(events[1]["object"]["columnDefinitions"].is_null());
  EXPECT_EQ(events[1]["object"]["rows"][0]["cells"][0], "b");
}

} // namespace
} // namespace rdr::sandbox::testing

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

// The transport reads from its own thread: a blocked read wakes on a write and on close().
TEST_F(ApiServerTest, BlockedWatchReadWakesOnWriteAndOnClose) {
  auto response = call("GET", kCm + "?watch=true");
  auto stream = std::move(response.stream);
  ASSERT_NE(stream, nullptr);
  http::StreamRead read;
  std::thread reader([&] { read = stream->read(10s); });
  std::this_thread::sleep_for(50ms);
  const auto start = std::chrono::steady_clock::now();
  post(kCm, configMap("a"));
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_EQ(read.kind, http::StreamRead::Kind::Data);
  EXPECT_EQ(json::parse(read.data)["type"], "ADDED");
  std::thread closer([&] { read = stream->read(10s); });
  std::this_thread::sleep_for(50ms);
  stream->close();
  closer.join();
  EXPECT_EQ(read.kind, http::StreamRead::Kind::End);
}

} // namespace
} // namespace rdr::sandbox::testing
