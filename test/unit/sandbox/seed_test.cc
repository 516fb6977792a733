// Every seed manifest is accepted by the emulator; a broken one is refused with the full 422 text.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_server_fixture.h"
#include "rdr/common/yaml.h"

namespace rdr::sandbox::testing {
namespace {

const std::filesystem::path kSeeds = std::filesystem::path(RDR_TEST_DATA_DIR) / "seeds";

json readSeed(const std::string& file) {
  std::ifstream in(kSeeds / file);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parseYamlDocument(text.str());
  EXPECT_TRUE(doc) << file;
  return doc ? *doc : json();
}

std::string collectionOf(const json& manifest) {
  const std::string ns = manifest["metadata"].value("namespace", std::string("default"));
  const std::string apiVersion = manifest["apiVersion"];
  const std::string kind = manifest["kind"];
  const std::string plural = kind == "Service" ? "services"
                             : kind == "RedisCluster" ? "redisclusters"
                                                      : "activeredisconnections";
  const std::string prefix = apiVersion == "v1" ? "/api/v1" : "/apis/" + apiVersion;
  return prefix + "/namespaces/" + ns + "/" + plural;
}

TEST_F(ApiServerTest, EverySeedManifestIsCreated) {
  int created = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSeeds)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    json manifest = readSeed(entry.path().filename().string());
    // A manifest captured with `kubectl get -o yaml` carries server-owned fields: drop them as
    // a client re-creating it must (a resourceVersion on create is a 500).
    for (const char* field : {"resourceVersion", "uid", "creationTimestamp", "generation"}) {
      manifest["metadata"].erase(field);
    }
    const std::string ns = manifest["metadata"].value("namespace", std::string("default"));
    if (call("GET", "/api/v1/namespaces/" + ns).status == 404) {
      post("/api/v1/namespaces", {{"metadata", {{"name", ns}}}});
    }
    // 003-redis-east-recover.yaml is a later version of 003-redis-east.yaml: replace it.
    const std::string item = collectionOf(manifest) + "/" + manifest["metadata"]["name"].get<std::string>();
    json object;
    if (call("GET", item).status == 200) {
      manifest["metadata"]["resourceVersion"] = get(item)["metadata"]["resourceVersion"];
      object = put(item, manifest);
    } else {
      object = post(collectionOf(manifest), manifest);
    }
    EXPECT_EQ(object["metadata"]["name"], manifest["metadata"]["name"]) << entry.path();
    if (manifest["kind"] == "Service") {
      EXPECT_EQ(object["spec"]["clusterIP"].get<std::string>().rfind("10.96.", 0), 0u);
      EXPECT_GE(object["spec"]["ports"][0]["nodePort"].get<int>(), 30000);
      EXPECT_EQ(object["spec"]["ports"][0]["protocol"], "TCP");
    }
    ++created;
  }
  EXPECT_EQ(created, 7);
}

TEST_F(ApiServerTest, InvalidSeedVariantIsRefusedWithTheFullMessage) {
  json manifest = readSeed("003-dr-redis.yaml");
  manifest["spec"]["replicaMode"]["source"]["port"] = 0;
  post("/api/v1/namespaces", {{"metadata", {{"name", "production"}}}});
  const json status = post(collectionOf(manifest), manifest, 422);
  EXPECT_EQ(status["message"],
            "RedisCluster.redis.io \"dr-redis\" is invalid: spec.replicaMode.source.port: Invalid value: 0: "
            "spec.replicaMode.source.port in body should be greater than or equal to 1");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "spec.replicaMode.source.port");
}

} // namespace
} // namespace rdr::sandbox::testing
