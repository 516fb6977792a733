// RestClient verbs against a scripted server: paths, headers, bodies, list GVKs, typed errors.
#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "integration/kube/test_api_server.h"
#include "rdr/kube/rest_client.h"

namespace rdr::kube {
namespace {

using nlohmann::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;
using testing::TestApiServer;

std::string statusBody(int code, const std::string& reason, const std::string& message) {
  return json{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
              {"status", "Failure"}, {"message", message}, {"reason", reason},
              {"code", code}}
      .dump();
}

const json kPod = {{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", {{"name", "x"}, {"namespace", "ns"}, {"resourceVersion", "7"}}},
                   {"status", {{"phase", "Running"}}}};

class RestClientTest : public ::testing::Test {
protected:
  // Starts a plain-http server answering with `handler` and a client for it.
  void start(testing::ScriptedHandler handler) {
    server_ = std::make_unique<TestApiServer>(std::move(handler));
    ConnectionConfig config;
    config.server = server_->url();
    config.token = "never-sent-over-http";
    config.description = "test server";
    auto client = RestClient::connect(config, clock_);
    ASSERT_TRUE(client) << client.error().message();
    client_ = std::move(client).value();
  }

  // Echoes the request body back with 200 (201 for POST).
  static ScriptedResponse echo(const RecordedRequest& request) {
    return ScriptedResponse::json(request.method == "POST" ? 201 : 200,
                                  request.body.empty() ? kPod.dump() : request.body);
  }

  RecordedRequest onlyRequest() const {
    const auto requests = server_->requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? RecordedRequest{} : requests.front();
  }

  rdr::testing::ManualClock clock_;
  std::unique_ptr<TestApiServer> server_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(RestClientTest, GetsAnObject) {
  start(echo);
  const auto pod = client_->get(resources::pods(), {"ns", "x"});
  ASSERT_TRUE(pod) << pod.error().message();
  EXPECT_EQ(*pod, kPod);
  const auto request = onlyRequest();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/namespaces/ns/pods/x");
  EXPECT_EQ(request.header("accept"), "application/json");
  EXPECT_EQ(request.header("user-agent"), "redis-dr-operator");
  // Credentials never travel over plain http.
  EXPECT_EQ(request.header("authorization"), "");
}

TEST_F(RestClientTest, ListSetsKindAndApiVersionOnItems) {
  start([](const RecordedRequest&) {
    return ScriptedResponse::json(
        200, R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"10245",
                 "continue":"next/page="},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})");
  });
  ListOptions options;
  options.label_selector = "app=redis";
  options.limit = 2;
  const auto list = client_->list(resources::pods(), "ns", options);
  ASSERT_TRUE(list) << list.error().message();
  EXPECT_EQ(list->resource_version, "10245");
  EXPECT_EQ(list->continue_token, "next/page=");
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[1],
            (json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "b"}}}}));
  EXPECT_EQ(onlyRequest().target, "/api/v1/namespaces/ns/pods?labelSelector=app%3Dredis&limit=2");
}

TEST_F(RestClientTest, ListsAllNamespacesOfACustomResource) {
  start([](const RecordedRequest&) {
    return ScriptedResponse::json(200, R"({"metadata":{"resourceVersion":"3"},"items":[]})");
  });
  const auto list = client_->list(resources::redisClusters(), "", {});
  ASSERT_TRUE(list) << list.error().message();
  EXPECT_TRUE(list->items.empty());
  EXPECT_EQ(onlyRequest().target, "/apis/redis.io/v1/redisclusters");
}

TEST_F(RestClientTest, CreatePostsToTheObjectsNamespace) {
  start(echo);
  const auto created = client_->create(resources::pods(), kPod);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(*created, kPod);
  const auto request = onlyRequest();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/namespaces/ns/pods");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(request.body), kPod);
}

TEST_F(RestClientTest, CreateWithoutNamespaceIsInvalidAndSendsNothing) {
  start(echo);
  json pod = kPod;
  pod["metadata"].erase("namespace");
  const auto created = client_->create(resources::pods(), pod);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(created.error().message(), "create of pods: metadata.namespace is not set");
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(RestClientTest, UpdateAndUpdateStatusPut) {
  start(echo);
  ASSERT_TRUE(client_->update(resources::pods(), kPod));
  ASSERT_TRUE(client_->updateStatus(resources::pods(), kPod));
  json ns = {{"metadata", {{"name", "prod"}, {"namespace", "ignored"}}}};
  ASSERT_TRUE(client_->update(resources::namespaces(), ns));
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/api/v1/namespaces/ns/pods/x");
  EXPECT_EQ(json::parse(requests[0].body), kPod);
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].target, "/api/v1/namespaces/ns/pods/x/status");
  EXPECT_EQ(requests[1].header("content-type"), "application/json");
  EXPECT_EQ(requests[2].target, "/api/v1/namespaces/prod");
}

TEST_F(RestClientTest, PatchSendsEachContentType) {
  start(echo);
  const json merge = {{"spec", {{"replicas", 3}}}};
  const json ops = json::parse(R"([{"op":"replace","path":"/spec/replicas","value":3}])");
  ASSERT_TRUE(client_->patch(resources::redisClusters(), {"ns", "x"}, PatchType::Merge, merge));
  ASSERT_TRUE(client_->patch(resources::redisClusters(), {"ns", "x"}, PatchType::Json, ops));
  ASSERT_TRUE(client_->patch(resources::pods(), {"ns", "x"}, PatchType::StrategicMerge, merge, {},
                             "status"));
  ASSERT_TRUE(client_->patch(resources::redisClusters(), {"ns", "x"}, PatchType::Apply, merge,
                             {"rdr-operator", true}));
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 4u);
  const std::string cluster = "/apis/redis.io/v1/namespaces/ns/redisclusters/x";
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].target, cluster);
  EXPECT_EQ(requests[0].header("content-type"), "application/merge-patch+json");
  EXPECT_EQ(json::parse(requests[0].body), merge);
  EXPECT_EQ(requests[1].header("content-type"), "application/json-patch+json");
  EXPECT_EQ(json::parse(requests[1].body), ops);
  EXPECT_EQ(requests[2].target, "/api/v1/namespaces/ns/pods/x/status");
  EXPECT_EQ(requests[2].header("content-type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(requests[3].target, cluster + "?fieldManager=rdr-operator&force=true");
  EXPECT_EQ(requests[3].header("content-type"), "application/apply-patch+yaml");
  EXPECT_EQ(json::parse(requests[3].body), merge);
}

TEST_F(RestClientTest, ApplyWithoutFieldManagerIsInvalid) {
  start(echo);
  const auto patched =
      client_->patch(resources::pods(), {"ns", "x"}, PatchType::Apply, json::object());
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code(), ErrorCode::Invalid);
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(RestClientTest, DeleteSendsDeleteOptions) {
  start([](const RecordedRequest&) {
    return ScriptedResponse::json(
        200, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"})");
  });
  DeleteOptions options;
  options.precondition_uid = "uid-1";
  const auto removed = client_->remove(resources::redisClusters(), {"ns", "x"}, options);
  ASSERT_TRUE(removed) << removed.error().message();
  const auto request = onlyRequest();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.target, "/apis/redis.io/v1/namespaces/ns/redisclusters/x");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(request.body),
            json::parse(R"({"propagationPolicy":"Background","preconditions":{"uid":"uid-1"}})"));
}

TEST_F(RestClientTest, ServerVersion) {
  start([](const RecordedRequest& request) {
    return request.target == "/version"
               ? ScriptedResponse::json(200, R"({"major":"1","minor":"32","gitVersion":"v1.32.4"})")
               : ScriptedResponse::json(404, "");
  });
  const auto version = client_->serverVersion();
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ((*version)["minor"], "32");
}

struct ErrorCase {
  std::string name;
  int status;
  std::string reason;
  ErrorCode code;
};

class RestClientErrorTest : public RestClientTest,
                            public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(RestClientErrorTest, TypesTheStatusAndKeepsItsMessage) {
  const ErrorCase c = GetParam();
  const std::string message = "redisclusters.redis.io \"x\": " + c.name;
  start([c, message](const RecordedRequest&) {
    return ScriptedResponse::json(c.status, statusBody(c.status, c.reason, message));
  });
  const auto created = client_->create(resources::redisClusters(), kPod);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), c.code);
  EXPECT_EQ(created.error().message(), message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RestClientErrorTest,
    ::testing::Values(ErrorCase{"NotFound", 404, "NotFound", ErrorCode::NotFound},
                      ErrorCase{"AlreadyExists", 409, "AlreadyExists", ErrorCode::AlreadyExists},
                      ErrorCase{"Conflict", 409, "Conflict", ErrorCode::Conflict},
                      ErrorCase{"Expired", 410, "Expired", ErrorCode::Expired},
                      ErrorCase{"Invalid", 422, "Invalid", ErrorCode::Invalid},
                      ErrorCase{"Unauthorized", 401, "Unauthorized", ErrorCode::Unauthorized},
                      ErrorCase{"Forbidden", 403, "Forbidden", ErrorCode::Forbidden},
                      ErrorCase{"Unsupported", 415, "UnsupportedMediaType", ErrorCode::Unsupported},
                      ErrorCase{"InternalError", 500, "InternalError", ErrorCode::Transient}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST_F(RestClientTest, NonJsonSuccessIsTransient) {
  start([](const RecordedRequest&) { return ScriptedResponse::json(200, "<html>proxy</html>"); });
  const auto pod = client_->get(resources::pods(), {"ns", "x"});
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().code(), ErrorCode::Transient);
  EXPECT_EQ(pod.error().message(), "while GET " + server_->url() +
                                       "/api/v1/namespaces/ns/pods/x: the HTTP 200 answer is not "
                                       "JSON: <html>proxy</html>");
}

TEST_F(RestClientTest, UnreachableServerIsTransientWithTheRequest) {
  start(echo);
  const std::string url = server_->url();
  server_->stop();
  server_.reset();
  const auto pod = client_->get(resources::pods(), {"ns", "x"});
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().code(), ErrorCode::Transient);
  const std::string prefix = "while GET " + url + "/api/v1/namespaces/ns/pods/x: ";
  EXPECT_EQ(pod.error().message().substr(0, prefix.size()), prefix);
  EXPECT_GT(pod.error().message().size(), prefix.size());
}

TEST_F(RestClientTest, DeleteAcceptsAnyBodyOnSuccess) {
  start([](const RecordedRequest&) { return ScriptedResponse::json(202, ""); });
  const auto removed = client_->remove(resources::pods(), {"ns", "x"});
  EXPECT_TRUE(removed) << removed.error().message();
}

TEST_F(RestClientTest, DeleteOfAMissingObjectIsNotFound) {
  start([](const RecordedRequest&) {
    return ScriptedResponse::json(404, statusBody(404, "NotFound", "pods \"x\" not found"));
  });
  const auto removed = client_->remove(resources::pods(), {"ns", "x"});
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code(), ErrorCode::NotFound);
  EXPECT_EQ(removed.error().message(), "pods \"x\" not found");
}

TEST(RestClientTimeoutTest, ASilentServerIsTransientAfterTheRequestTimeout) {
  TestApiServer server([](const RecordedRequest&) {
    ScriptedResponse response = ScriptedResponse::json(200, "{}");
    response.delay = std::chrono::milliseconds(2500);
    return response;
  });
  rdr::testing::ManualClock clock;
  ConnectionConfig config;
  config.server = server.url();
  RestClientOptions options;
  options.request_timeout = std::chrono::seconds(1);
  auto client = RestClient::connect(config, clock, options);
  ASSERT_TRUE(client) << client.error().message();
  const auto version = (*client)->serverVersion();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code(), ErrorCode::Transient);
  EXPECT_EQ(version.error().message().rfind("while GET " + server.url() + "/version: ", 0), 0u)
      << version.error().message();
}

TEST(RestClientConnectTest, RejectsAServerThatIsNotHttp) {
  rdr::testing::ManualClock clock;
  ConnectionConfig config;
  config.server = "ftp://h";
  config.description = "test";
  const auto client = RestClient::connect(config, clock);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::Invalid);
}

} // namespace
} // namespace rdr::kube
