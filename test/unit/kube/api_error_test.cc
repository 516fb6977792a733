// Status objects, non-Status bodies and transport failures to typed errors.
#include "kube/api_error.h"

#include <gtest/gtest.h>

namespace rdr::kube {
namespace {

std::string status(int code, const std::string& reason, const std::string& message) {
  nlohmann::json s = {{"kind", "Status"},
                      {"apiVersion", "v1"},
                      {"metadata", nlohmann::json::object()},
                      {"status", "Failure"},
                      {"code", code}};
  if (!reason.empty()) {
    s["reason"] = reason;
  }
  if (!message.empty()) {
    s["message"] = message;
  }
  return s.dump();
}

struct StatusCase {
  int http;
  std::string reason;
  ErrorCode code;
};

class StatusErrorTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusErrorTest, MapsCodeAndKeepsTheMessageVerbatim) {
  const auto& c = GetParam();
  const std::string message = "redisclusters.redis.io \"x\": something \"quoted\" happened";
  const Error error = errorFromResponse(c.http, status(c.http, c.reason, message));
  EXPECT_EQ(error.code(), c.code) << c.http << " " << c.reason;
  EXPECT_EQ(error.message(), message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, StatusErrorTest,
    ::testing::Values(
        StatusCase{404, "NotFound", ErrorCode::NotFound},
        StatusCase{409, "AlreadyExists", ErrorCode::AlreadyExists},
        StatusCase{409, "Conflict", ErrorCode::Conflict}, StatusCase{409, "", ErrorCode::Conflict},
        StatusCase{410, "Expired", ErrorCode::Expired}, StatusCase{410, "Gone", ErrorCode::Expired},
        StatusCase{422, "Invalid", ErrorCode::Invalid},
        StatusCase{400, "BadRequest", ErrorCode::Invalid},
        StatusCase{401, "Unauthorized", ErrorCode::Unauthorized},
        StatusCase{403, "Forbidden", ErrorCode::Forbidden},
        StatusCase{415, "UnsupportedMediaType", ErrorCode::Unsupported},
        StatusCase{429, "TooManyRequests", ErrorCode::Transient},
        StatusCase{500, "InternalError", ErrorCode::Transient},
        StatusCase{500, "", ErrorCode::Transient},
        StatusCase{503, "ServiceUnavailable", ErrorCode::Transient},
        StatusCase{504, "Timeout", ErrorCode::Transient}, StatusCase{408, "", ErrorCode::Transient},
        StatusCase{405, "MethodNotAllowed", ErrorCode::Terminal},
        StatusCase{413, "RequestEntityTooLarge", ErrorCode::Terminal}));

TEST(StatusErrorTest, HttpStatusWinsOverTheBodyCode) {
  EXPECT_EQ(errorFromResponse(404, status(500, "NotFound", "gone")).code(), ErrorCode::NotFound);
}

TEST(StatusErrorTest, StatusWithoutMessageNamesCodeAndReason) {
  const Error error = errorFromResponse(403, status(403, "Forbidden", ""));
  EXPECT_EQ(error.message(), "the server answered HTTP 403 (Forbidden)");
}

TEST(StatusErrorTest, InStreamStatusUsesItsOwnCode) {
  const auto object = nlohmann::json::parse(
      R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
          "message":"too old resource version: 100 (150)","reason":"Expired","code":410})j");
  const Error error = errorFromStatus(object);
  EXPECT_EQ(error.code(), ErrorCode::Expired);
  EXPECT_EQ(error.message(), "too old resource version: 100 (150)");
}

TEST(StatusErrorTest, StatusWithoutCodeFallsBackToTheReason) {
  EXPECT_EQ(errorFromStatus({{"reason", "Gone"}, {"message", "m"}}).code(), ErrorCode::Expired);
  EXPECT_EQ(errorFromStatus({{"reason", "AlreadyExists"}}).code(), ErrorCode::AlreadyExists);
  EXPECT_EQ(errorFromStatus({{"reason", "Weird"}}).code(), ErrorCode::Terminal);
  EXPECT_EQ(errorFromStatus(nlohmann::json::array()).code(), ErrorCode::Transient);
}

TEST(NonStatusBodyTest, QuotesTheBody) {
  const Error error = errorFromResponse(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(error.code(), ErrorCode::Transient);
  EXPECT_EQ(error.message(), "the server answered HTTP 502: <html>Bad Gateway</html>");
}

TEST(NonStatusBodyTest, SaysWhenTheBodyIsEmpty) {
  const Error error = errorFromResponse(404, "");
  EXPECT_EQ(error.code(), ErrorCode::NotFound);
  EXPECT_EQ(error.message(), "the server answered HTTP 404 with an empty body");
}

TEST(NonStatusBodyTest, CutsLongBodies) {
  const Error error = errorFromResponse(500, std::string(1000, 'x'));
  EXPECT_EQ(error.message(), "the server answered HTTP 500: " + std::string(256, 'x') + "...");
}

TEST(NonStatusBodyTest, JsonThatIsNotAStatusIsQuoted) {
  const Error error = errorFromResponse(409, R"({"kind":"Pod"})");
  EXPECT_EQ(error.code(), ErrorCode::Conflict);
  EXPECT_EQ(error.message(), R"(the server answered HTTP 409: {"kind":"Pod"})");
}

TEST(TransportErrorTest, IsTransientWithTheRequest) {
  const Error error =
      transportError("GET", "https://127.0.0.1:6443/api/v1/pods", "Connection refused");
  EXPECT_EQ(error.code(), ErrorCode::Transient);
  EXPECT_EQ(error.message(), "while GET https://127.0.0.1:6443/api/v1/pods: Connection refused");
}

} // namespace
} // namespace rdr::kube
