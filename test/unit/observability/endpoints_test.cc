// The probe and metrics handlers, called directly: status codes, bodies and headers.
#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

#include "rdr/observability/endpoints.h"

namespace rdr::observability {
namespace {

http::Request get(std::string path, std::multimap<std::string, std::string> query = {}) {
  http::Request request;
  request.method = "GET";
  request.path = std::move(path);
  request.query = std::move(query);
  return request;
}

class EndpointsTest : public ::testing::Test {
protected:
  Registry registry_;
  Endpoints endpoints_{registry_};
};

TEST_F(EndpointsTest, NoChecksMeansPing) {
  const auto response = endpoints_.handleProbes(get("/healthz", {{"verbose", ""}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[+]ping ok\nhealthz check passed\n");
}

TEST_F(EndpointsTest, AllChecksPassingAnswersOk) {
  ASSERT_TRUE(endpoints_.addReadyzCheck("cache-synced", ping));
  ASSERT_TRUE(endpoints_.addReadyzCheck("api", ping));
  const auto response = endpoints_.handleProbes(get("/readyz"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(response.headers.at("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers.at("X-Content-Type-Options"), "nosniff");
}

TEST_F(EndpointsTest, VerboseListsEveryCheckSortedByName) {
  ASSERT_TRUE(endpoints_.addReadyzCheck("zeta", ping));
  ASSERT_TRUE(endpoints_.addReadyzCheck("alpha", ping));
  const auto response = endpoints_.handleProbes(get("/readyz", {{"verbose", "1"}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[+]alpha ok\n[+]zeta ok\nreadyz check passed\n");
}

TEST_F(EndpointsTest, AFailingCheckAnswers500WithItsReason) {
  ASSERT_TRUE(endpoints_.addReadyzCheck("informers", ping));
  ASSERT_TRUE(endpoints_.addReadyzCheck(
      "leader", [] { return Status(Error(ErrorCode::Transient, "lease not renewed for 12s")); }));
  ASSERT_TRUE(
      endpoints_.addReadyzCheck("throws", []() -> Status { throw std::runtime_error("boom"); }));
  const auto response = endpoints_.handleProbes(get("/readyz"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "[+]informers ok\n"
                           "[-]leader failed: lease not renewed for 12s\n"
                           "[-]throws failed: the check threw: boom\n"
                           "readyz check failed\n");
}

TEST_F(EndpointsTest, ExcludedChecksAreSkipped) {
  ASSERT_TRUE(endpoints_.addHealthzCheck(
      "broken", [] { return Status(Error(ErrorCode::Internal, "down")); }));
  const auto response =
      endpoints_.handleProbes(get("/healthz", {{"exclude", "broken"}, {"exclude", "ghost"}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  const auto verbose = endpoints_.handleProbes(
      get("/healthz", {{"exclude", "broken"}, {"exclude", "ghost"}, {"verbose", ""}}));
  EXPECT_EQ(verbose.body, "[+]broken excluded: ok\n"
                          "warn: some health checks cannot be excluded: no matches for \"ghost\"\n"
                          "healthz check passed\n");
}

TEST_F(EndpointsTest, LivezAndHealthzShareTheLivenessChecks) {
  std::atomic<bool> healthy{true};
  ASSERT_TRUE(endpoints_.addHealthzCheck(
      "loop", [&] { return healthy ? okStatus() : Status(Error(ErrorCode::Internal, "stuck")); }));
  EXPECT_EQ(endpoints_.handleProbes(get("/livez")).status, 200);
  healthy = false;
  EXPECT_EQ(endpoints_.handleProbes(get("/livez")).status, 500);
  EXPECT_EQ(endpoints_.handleProbes(get("/healthz")).body,
            "[-]loop failed: stuck\nhealthz check failed\n");
  // Readiness has its own checks (none: ping).
  EXPECT_EQ(endpoints_.handleProbes(get("/readyz")).status, 200);
}

TEST_F(EndpointsTest, SingleCheckPath) {
  ASSERT_TRUE(endpoints_.addReadyzCheck("good", ping));
  ASSERT_TRUE(
      endpoints_.addReadyzCheck("bad", [] { return Status(Error(ErrorCode::Internal, "no")); }));
  const auto good = endpoints_.handleProbes(get("/readyz/good"));
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(good.body, "ok");
  const auto bad = endpoints_.handleProbes(get("/readyz/bad"));
  EXPECT_EQ(bad.status, 500);
  EXPECT_EQ(bad.body, "internal server error: no\n");
  EXPECT_EQ(endpoints_.handleProbes(get("/readyz/missing")).status, 404);
}

TEST_F(EndpointsTest, CheckNamesAreValidated) {
  EXPECT_EQ(endpoints_.addReadyzCheck("", ping).error().code(), ErrorCode::Invalid);
  EXPECT_EQ(endpoints_.addReadyzCheck("a/b", ping).error().message(),
            "invalid readyz check name \"a/b\" (must be non-empty, without '/')");
  ASSERT_TRUE(endpoints_.addReadyzCheck("a", ping));
  EXPECT_EQ(endpoints_.addReadyzCheck("a", ping).error().message(),
            "readyz check a is already added");
}

TEST_F(EndpointsTest, MetricsServesTheRegistryAsText004) {
  auto gauge = registry_.addGauge("g", "G.", {"x"}).value();
  gauge->set({"y"}, 3);
  const auto response = endpoints_.handleMetrics(get("/metrics"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.at("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, "# HELP g G.\n# TYPE g gauge\ng{x=\"y\"} 3\n");
}

TEST_F(EndpointsTest, UnknownPathsAre404AndOtherMethods405) {
  EXPECT_EQ(endpoints_.handleMetrics(get("/")).status, 404);
  EXPECT_EQ(endpoints_.handleMetrics(get("/healthz")).status, 404);
  EXPECT_EQ(endpoints_.handleProbes(get("/metrics")).status, 404);
  EXPECT_EQ(endpoints_.handleProbes(get("/healthzz")).status, 404);
  const auto notFound = endpoints_.handleAll(get("/nope"));
  EXPECT_EQ(notFound.status, 404);
  EXPECT_EQ(notFound.body, "404 page not found\n");
  http::Request post = get("/metrics");
  post.method = "POST";
  const auto rejected = endpoints_.handleMetrics(post);
  EXPECT_EQ(rejected.status, 405);
  EXPECT_EQ(rejected.headers.at("Allow"), "GET, HEAD");
}

TEST_F(EndpointsTest, HeadAnswersWithoutABody) {
  http::Request head = get("/metrics");
  head.method = "HEAD";
  const auto metrics = endpoints_.handleMetrics(head);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, "");
  EXPECT_EQ(metrics.headers.at("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  head.path = "/readyz";
  const auto probe = endpoints_.handleProbes(head);
  EXPECT_EQ(probe.status, 200);
  EXPECT_EQ(probe.body, "");
}

TEST_F(EndpointsTest, CombinedHandlerServesBoth) {
  EXPECT_EQ(endpoints_.handleAll(get("/metrics")).status, 200);
  EXPECT_EQ(endpoints_.handleAll(get("/readyz")).body, "ok");
  EXPECT_EQ(endpoints_.allHandler()(get("/livez")).body, "ok");
  EXPECT_EQ(endpoints_.metricsHandler()(get("/metrics")).status, 200);
  EXPECT_EQ(endpoints_.probesHandler()(get("/healthz")).status, 200);
}

} // namespace
} // namespace rdr::observability
