// Unit tests of the Kubernetes protobuf request decoding (hand-built wire bytes, decoder and via POST/PUT).
#include <string>
#include <vector>

#include "api_server_fixture.h"
#include "sandbox/apiserver/protobuf_decode.h"

namespace rdr::sandbox::testing {
namespace {

const std::map<std::string, std::string> kProto = {{"Content-Type", "application/vnd.kubernetes.protobuf"}};

std::string varint(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}
std::string bytesField(std::uint32_t number, const std::string& bytes) {
  return varint((number << 3) | 2) + varint(bytes.size()) + bytes;
}
std::string varintField(std::uint32_t number, std::uint64_t value) { return varint(number << 3) + varint(value); }
std::string mapEntry(std::uint32_t number, const std::string& key, const std::string& value) {
  return bytesField(number, bytesField(1, key) + bytesField(2, value));
}
// k8s\0 + runtime.Unknown{typeMeta{apiVersion, kind}, raw} as client-go writes it.
std::string envelope(const std::string& apiVersion, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + bytesField(1, bytesField(1, apiVersion) + bytesField(2, kind)) +
         bytesField(2, raw) + bytesField(4, "");
}
// ObjectMeta as gogo-protobuf writes it: empty strings and an empty creationTimestamp (8) included.
std::string objectMeta(const std::string& name, const std::string& ns = "") {
  return bytesField(1, bytesField(1, name) + bytesField(2, "") + bytesField(3, ns) + bytesField(8, "") +
                           mapEntry(11, "app", "web") + mapEntry(12, "note", "hi"));
}

TEST(ProtobufDecodeTest, NamespaceDecodesToTheJsonForm) {
  const std::string raw = objectMeta("demo") + bytesField(2, bytesField(1, "kubernetes")) +
                          bytesField(3, bytesField(1, ""));
  auto decoded = decodeProtobufObject(envelope("v1", "Namespace", raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), json::parse(R"({"apiVersion":"v1","kind":"Namespace",
    "metadata":{"name":"demo","labels":{"app":"web"},"annotations":{"note":"hi"}},
    "spec":{"finalizers":["kubernetes"]},"status":{}})"));
}

TEST(ProtobufDecodeTest, SecretBytesAreBase64AndUnknownFieldsSkipped) {
  const std::string raw = objectMeta("s", "demo") + mapEntry(2, "password", "p") +
                          mapEntry(2, "bin", std::string("\x00\xff", 2)) + bytesField(3, "Opaque") +
                          mapEntry(4, "user", "u") + varintField(5, 1) + varintField(99, 7) +
                          varint((98 << 3) | 5) + "abcd" + varint((97 << 3) | 1) + "abcdefgh";
  auto decoded = decodeProtobufObject(envelope("v1", "Secret", raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), json::parse(R"({"apiVersion":"v1","kind":"Secret",
    "metadata":{"name":"s","namespace":"demo","labels":{"app":"web"},"annotations":{"note":"hi"}},
    "data":{"password":"cA==","bin":"AP8="},"type":"Opaque","stringData":{"user":"u"},"immutable":true})"));
}

TEST(ProtobufDecodeTest, ConfigMapDataBinaryDataAndImmutable) {
  const std::string raw = objectMeta("c", "demo") + mapEntry(2, "a", "b") +
                          mapEntry(3, "blob", std::string("\x01\x02", 2)) + varintField(4, 0);
  auto decoded = decodeProtobufObject(envelope("v1", "ConfigMap", raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"c","namespace":"demo","labels":{"app":"web"},"annotations":{"note":"hi"}},
    "data":{"a":"b"},"binaryData":{"blob":"AQI="},"immutable":false})"));
}

TEST(ProtobufDecodeTest, MalformedInputIsBadRequest) {
  const std::string good = envelope("v1", "ConfigMap", objectMeta("c"));
  const std::vector<std::string> bad = {
      "",
      "{\"kind\":\"ConfigMap\"}",                                    // no k8s\0 prefix
      good.substr(0, good.size() - 3),                               // truncated
      std::string("k8s\0", 4) + "\x0a\xff",                          // length past the end
      std::string("k8s\0", 4) + "\x0b",                              // a group (wire type 3)
      envelope("v1", "ConfigMap", bytesField(1, "\x0a\x05" "ab")),   // metadata.name truncated
      envelope("v1", "ConfigMap", bytesField(1, bytesField(1, "\xff\xfe"))), // name not UTF-8
      envelope("v1", "ConfigMap", bytesField(2, "\x0a")),            // data entry truncated
      envelope("v1", "Secret", bytesField(5, "x")),                  // immutable not a varint
  };
  for (const auto& body : bad) {
    auto decoded = decodeProtobufObject(body);
    ASSERT_FALSE(decoded.ok()) << json(body).dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_EQ(decoded.error().code, 400);
    EXPECT_EQ(decoded.error().reason, "BadRequest");
  }
}

TEST(ProtobufDecodeTest, OtherKindsAreUnsupportedMediaType) {
  auto decoded = decodeProtobufObject(envelope("apps/v1", "Deployment", objectMeta("d")));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, 415);
  EXPECT_EQ(decoded.error().reason, "UnsupportedMediaType");
  EXPECT_NE(decoded.error().message.find("Deployment (apps/v1)"), std::string::npos) << decoded.error().message;
  EXPECT_NE(decoded.error().message.find("kubectl apply -f"), std::string::npos);
  EXPECT_EQ(decodeProtobufObject(envelope("v1", "Pod", objectMeta("p"))).error().code, 415);
}

TEST(ProtobufDecodeTest, ContentTypeMatchIgnoresParameters) {
  EXPECT_TRUE(isProtobufContentType("application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(isProtobufContentType("application/vnd.kubernetes.protobuf; charset=utf-8"));
  EXPECT_FALSE(isProtobufContentType("application/json"));
  EXPECT_FALSE(isProtobufContentType("application/vnd.kubernetes.protobuf+json"));
}

TEST_F(ApiServerTest, ProtobufCreatesNamespaceSecretAndConfigMap) {
  const json ns = expect("POST", "/api/v1/namespaces",
                         envelope("v1", "Namespace", objectMeta("demo") + bytesField(2, "")), 201, kProto);
  EXPECT_EQ(ns["metadata"]["name"], "demo");
  EXPECT_EQ(get("/api/v1/namespaces/demo")["metadata"]["labels"]["app"], "web");

  expect("POST", "/api/v1/namespaces/demo/secrets",
         envelope("v1", "Secret", objectMeta("s") + mapEntry(2, "password", "p") + bytesField(3, "Opaque")), 201,
         kProto);
  const json secret = get("/api/v1/namespaces/demo/secrets/s");
  EXPECT_EQ(secret["data"]["password"], "cA==");
  EXPECT_EQ(secret["type"], "Opaque");

  expect("POST", "/api/v1/namespaces/demo/configmaps",
         envelope("v1", "ConfigMap", objectMeta("c") + mapEntry(2, "a", "b")), 201, kProto);
  EXPECT_EQ(get("/api/v1/namespaces/demo/configmaps/c")["data"]["a"], "b");

  // PUT decodes protobuf too.
  json cm = expect("PUT", "/api/v1/namespaces/demo/configmaps/c",
                   envelope("v1", "ConfigMap", objectMeta("c") + mapEntry(2, "a", "z")), 200, kProto);
  EXPECT_EQ(cm["data"]["a"], "z");
}

TEST_F(ApiServerTest, ProtobufErrorsAreStatuses) {
  json status = expect("POST", "/api/v1/namespaces", std::string("k8s\0\x0a\x7f", 6), 400, kProto);
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "BadRequest");
  status = expect("POST", "/api/v1/namespaces/default/pods", envelope("v1", "Pod", objectMeta("p")), 415, kProto);
  EXPECT_EQ(status["reason"], "UnsupportedMediaType");
  EXPECT_NE(status["message"].get<std::string>().find("Pod (v1)"), std::string::npos) << status;
  EXPECT_NE(status["message"].get<std::string>().find("kubectl apply -f"), std::string::npos);
  EXPECT_EQ(get("/api/v1/namespaces/default/pods")["items"].size(), 0u);
}

} // namespace
} // namespace rdr::sandbox::testing
