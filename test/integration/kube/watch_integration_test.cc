// RestClient watches: chunk reassembly, end of stream, 410, in-stream errors, cancellation.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "integration/kube/test_api_server.h"
#include "rdr/kube/rest_client.h"

namespace rdr::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;
using testing::TestApiServer;

std::string event(const std::string& type, const std::string& name, const std::string& rv) {
  return json{{"type", type},
              {"object",
               {{"apiVersion", "redis.io/v1"},
                {"kind", "RedisCluster"},
                {"metadata", {{"name", name}, {"resourceVersion", rv}}}}}}
             .dump() +
         "\n";
}

ScriptedResponse streamOf(std::vector<std::string> chunks, bool hold_open = false) {
  ScriptedResponse response;
  response.stream = true;
  response.chunks = std::move(chunks);
  response.hold_open = hold_open;
  return response;
}

class WatchTest : public ::testing::Test {
protected:
  void start(testing::ScriptedHandler handler) {
    server_ = std::make_unique<TestApiServer>(std::move(handler));
    ConnectionConfig config;
    config.server = server_->url();
    config.description = "test server";
    auto client = RestClient::connect(config, clock_);
    ASSERT_TRUE(client) << client.error().message();
    client_ = std::move(client).value();
  }

  std::unique_ptr<WatchStream> open(const WatchOptions& options = {}) {
    auto stream = client_->watch(resources::redisClusters(), "ns", options);
    EXPECT_TRUE(stream) << stream.error().message();
    return stream ? std::move(stream).value() : nullptr;
  }

  // The next event, which must be there.
  WatchEvent nextEvent(WatchStream& stream) {
    auto next = stream.next();
    EXPECT_TRUE(next) << next.error().message();
    EXPECT_TRUE(next && next->has_value()) << "the stream ended early";
    return next && next->has_value() ? **next : WatchEvent{WatchEventType::Error, nullptr};
  }

  static std::string name(const WatchEvent& event) {
    return event.object["metadata"].value("name", "");
  }

  rdr::testing::ManualClock clock_;
  std::unique_ptr<TestApiServer> server_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(WatchTest, ReassemblesSplitEventsAndSeparatesMergedOnes) {
  const std::string first = event("ADDED", "a", "11");
  const std::string second = event("MODIFIED", "b", "12");
  const std::string third = event("DELETED", "c", "13");
  const std::string fourth = event("BOOKMARK", "", "14");
  start([&](const RecordedRequest&) {
    return streamOf({first.substr(0, 10), first.substr(10, 25), first.substr(35),
                     second + third + fourth.substr(0, 7), fourth.substr(7)});
  });
  WatchOptions options;
  options.resource_version = "10";
  options.timeout = 60s;
  auto stream = open(options);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(server_->requests().at(0).target,
            "/apis/redis.io/v1/namespaces/ns/redisclusters?allowWatchBookmarks=true"
            "&resourceVersion=10&timeoutSeconds=60&watch=true");
  const WatchEvent a = nextEvent(*stream);
  EXPECT_EQ(a.type, WatchEventType::Added);
  EXPECT_EQ(name(a), "a");
  const WatchEvent b = nextEvent(*stream);
  EXPECT_EQ(b.type, WatchEventType::Modified);
  EXPECT_EQ(name(b), "b");
  const WatchEvent c = nextEvent(*stream);
  EXPECT_EQ(c.type, WatchEventType::Deleted);
  EXPECT_EQ(name(c), "c");
  const WatchEvent d = nextEvent(*stream);
  EXPECT_EQ(d.type, WatchEventType::Bookmark);
  EXPECT_EQ(d.object["metadata"]["resourceVersion"], "14");
  // The server ended the stream normally: nothing, and nothing again.
  for (int i = 0; i < 2; ++i) {
    const auto end = stream->next();
    ASSERT_TRUE(end) << end.error().message();
    EXPECT_FALSE(end->has_value());
  }
}

TEST_F(WatchTest, InStreamErrorIsAnEvent) {
  start([](const RecordedRequest&) {
    return streamOf(
        {event("ADDED", "a", "5"),
         R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (9)","reason":"Expired","code":410}})j"
         "\n"});
  });
  auto stream = open();
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(nextEvent(*stream).type, WatchEventType::Added);
  const WatchEvent error = nextEvent(*stream);
  EXPECT_EQ(error.type, WatchEventType::Error);
  EXPECT_EQ(error.object["code"], 410);
  EXPECT_EQ(error.object["message"], "too old resource version: 5 (9)");
}

TEST_F(WatchTest, ExpiredAsHttpStatusFailsTheWatch) {
  start([](const RecordedRequest&) {
    return ScriptedResponse::json(
        410, json{{"kind", "Status"},
                  {"apiVersion", "v1"},
                  {"status", "Failure"},
                  {"message", "The resourceVersion for the provided watch is too old."},
                  {"reason", "Expired"},
                  {"code", 410}}
                 .dump());
  });
  const auto stream = client_->watch(resources::redisClusters(), "ns", {});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code(), ErrorCode::Expired);
  EXPECT_EQ(stream.error().message(), "The resourceVersion for the provided watch is too old.");
}

TEST_F(WatchTest, MalformedLineBreaksTheStream) {
  start([](const RecordedRequest&) { return streamOf({"{\"type\":\"ADDED\",\"obj\n"}); });
  auto stream = open();
  ASSERT_NE(stream, nullptr);
  const auto next = stream->next();
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code(), ErrorCode::Transient);
  EXPECT_NE(next.error().message().find("malformed watch event (not JSON)"), std::string::npos);
}

TEST_F(WatchTest, AQuietWatchOutlivesTheRequestTimeout) {
  server_ = std::make_unique<TestApiServer>([](const RecordedRequest&) {
    ScriptedResponse response = streamOf({event("ADDED", "late", "1")});
    response.chunk_gap = 2500ms;
    return response;
  });
  ConnectionConfig config;
  config.server = server_->url();
  RestClientOptions options;
  options.request_timeout = 1s; // a watch must not use it: its idle timer is timeoutSeconds + 30 s
  auto client = RestClient::connect(config, clock_, options);
  ASSERT_TRUE(client) << client.error().message();
  WatchOptions watch;
  watch.timeout = 5s;
  auto stream = (*client)->watch(resources::redisClusters(), "ns", watch);
  ASSERT_TRUE(stream) << stream.error().message();
  EXPECT_EQ(name(nextEvent(**stream)), "late");
}

TEST_F(WatchTest, CancelEndsABlockedNextPromptly) {
  start([](const RecordedRequest&) { return streamOf({event("ADDED", "a", "1")}, true); });
  auto stream = open();
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(nextEvent(*stream).type, WatchEventType::Added);
  auto blocked = std::async(std::launch::async, [&] { return stream->next(); });
  // The server holds the stream open: next() must still be waiting.
  ASSERT_EQ(blocked.wait_for(300ms), std::future_status::timeout);
  const auto cancelled_at = std::chrono::steady_clock::now();
  stream->cancel();
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 2s);
  const auto result = blocked.get();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("was cancelled"), std::string::npos);
  // Once cancelled, it stays so.
  EXPECT_FALSE(stream->next());
}

TEST_F(WatchTest, DestroyingAnOpenWatchReleasesIt) {
  start([](const RecordedRequest&) { return streamOf({event("ADDED", "a", "1")}, true); });
  auto stream = open();
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(nextEvent(*stream).type, WatchEventType::Added);
  const auto started = std::chrono::steady_clock::now();
  stream.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

} // namespace
} // namespace rdr::kube
