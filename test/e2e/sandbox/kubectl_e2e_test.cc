// The real kubectl against a `dev/sandbox up --no-operator` sandbox: discovery, CRDs and the seed
// manifests, printer columns, patches, deletion with finalizers, wait, and the server's errors.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "sandbox_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSeeds = std::string(RDR_TEST_DATA_DIR) + "/seeds";
const std::string kCrds = std::string(RDR_SOURCE_DIR) + "/crds";

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

class KubectlE2eTest : public SandboxTest {
protected:
  void applySeeds() {
    createNamespace("production");
    for (const auto& entry : fs::directory_iterator(kSeeds)) {
      if (entry.path().extension() != ".yaml") {
        continue;
      }
      const CommandResult applied = kubectl("apply -f " + shellQuote(entry.path().string()));
      ASSERT_EQ(applied.exit_code, 0) << entry.path() << ": " << applied.err;
    }
  }

  std::string jsonpath(const std::string& object, const std::string& path) {
    const CommandResult got = kubectl("get " + object + " -o jsonpath=" + shellQuote(path));
    EXPECT_EQ(got.exit_code, 0) << got.err;
    return got.out;
  }

  // Writes a Ready condition through the status subresource, as the operator will.
  void setReady(const std::string& object, int observed_generation) {
    const std::string patch =
        R"({"status":{"observedGeneration":)" + std::to_string(observed_generation) +
        R"(,"conditions":[{"type":"Ready","status":"True","observedGeneration":)" +
        std::to_string(observed_generation) +
        R"(,"lastTransitionTime":"2026-01-01T00:00:00Z","reason":"Test",)"
        R"("message":"set by the test"}]}})";
    const CommandResult patched =
        kubectl("patch " + object + " --subresource=status --type=merge -p " + shellQuote(patch));
    ASSERT_EQ(patched.exit_code, 0) << patched.err;
  }
};

TEST_F(KubectlE2eTest, UpPrintsOnlyTheKubeconfigAndKubectlVersionTalksToTheSandbox) {
  EXPECT_EQ(std::count(up_.out.begin(), up_.out.end(), '\n'), 1) << up_.out;
  EXPECT_TRUE(fs::exists(kubeconfig_));
  const CommandResult version = kubectl("version -o json");
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("\"serverVersion\""), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("\"minor\": \"32\""), std::string::npos) << version.out;
  const CommandResult listed = devSandbox("ls");
  EXPECT_NE(listed.out.find(name_), std::string::npos) << listed.out;
}

TEST_F(KubectlE2eTest, RejectsAWrongToken) {
  const fs::path forged = scratch_ / "forged-kubeconfig";
  const CommandResult copied =
      runShell("sed 's/token: .*/token: \"not-the-token\"/' " + shellQuote(kubeconfig_) + " > " +
                   shellQuote(forged.string()),
               scratch_);
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  const CommandResult got =
      runShell("HOME=" + shellQuote((scratch_ / "home").string()) + " kubectl --kubeconfig " +
                   shellQuote(forged.string()) + " get namespaces",
               scratch_);
  EXPECT_NE(got.exit_code, 0);
  EXPECT_NE(got.err.find("You must be logged in to the server"), std::string::npos) << got.err;
}

TEST_F(KubectlE2eTest, AppliesCrdsAndSeedsAndPrintsThePrinterColumns) {
  const CommandResult crds = kubectl("apply -f " + shellQuote(kCrds));
  ASSERT_EQ(crds.exit_code, 0) << crds.err;
  applySeeds();
  const CommandResult clusters = kubectl("get redisclusters -n production");
  ASSERT_EQ(clusters.exit_code, 0) << clusters.err;
  EXPECT_TRUE(
      std::regex_match(firstLine(clusters.out),
                       std::regex(R"(NAME\s+INSTANCES\s+READY\s+PHASE\s+PRIMARY\s+LAG\s+AGE)")))
      << clusters.out;
  EXPECT_NE(clusters.out.find("dr-redis"), std::string::npos);
  EXPECT_NE(clusters.out.find("prod-redis"), std::string::npos);
  const CommandResult connections = kubectl("get activeredisconnections");
  ASSERT_EQ(connections.exit_code, 0) << connections.err;
  EXPECT_TRUE(std::regex_match(firstLine(connections.out),
                               std::regex(R"(NAME\s+INSTANCE\s+STATUS\s+MESSAGE\s+AGE)")))
      << connections.out;
  EXPECT_NE(connections.out.find("c6-dest-conn"), std::string::npos);
}

TEST_F(KubectlE2eTest, MergePatchPromotesAndGetYamlShowsIt) {
  applySeeds();
  const CommandResult patched =
      kubectl("patch rediscluster dr-redis -n production --type=merge -p " +
              shellQuote(R"({"spec":{"replicaMode":{"promote":true}}})"));
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  EXPECT_NE(patched.out.find("rediscluster.redis.io/dr-redis patched"), std::string::npos)
      << patched.out;
  const CommandResult yaml = kubectl("get rediscluster dr-redis -n production -o yaml");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("kind: RedisCluster"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("promote: true"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("generation: 2"), std::string::npos) << yaml.out;
}

TEST_F(KubectlE2eTest, DefaultStrategicPatchOnACustomResourcePrintsThe415Message) {
  applySeeds();
  const CommandResult patched = kubectl("patch rediscluster dr-redis -n production -p " +
                                        shellQuote(R"({"spec":{"replicaMode":{"promote":true}}})"));
  EXPECT_NE(patched.exit_code, 0);
  EXPECT_NE(patched.err.find("the body of the request was in an unknown format - accepted media "
                             "types include: application/json-patch+json, "
                             "application/merge-patch+json, application/apply-patch+yaml"),
            std::string::npos)
      << patched.err;
}

TEST_F(KubectlE2eTest, AnInvalidManifestPrintsTheServers422) {
  createNamespace("production");
  const CommandResult applied = kubectlWithInput("apply", R"(apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: broken
  namespace: production
spec:
  instances: 0
  storage:
    size: 1Gi
)");
  EXPECT_NE(applied.exit_code, 0);
  // kubectl renders a 422 Status with causes as a list, one line per cause.
  EXPECT_NE(applied.err.find("The RedisCluster \"broken\" is invalid"), std::string::npos)
      << applied.err;
  EXPECT_NE(applied.err.find("spec.instances: Invalid value: 0: spec.instances in body should be "
                             "greater than or equal to 1"),
            std::string::npos)
      << applied.err;
}

// kubectl create's generators send application/vnd.kubernetes.protobuf bodies.
TEST_F(KubectlE2eTest, CreateGeneratorsSendProtobufForNamespaceSecretAndConfigMap) {
  const CommandResult ns = kubectl("create namespace demo");
  ASSERT_EQ(ns.exit_code, 0) << ns.err;
  EXPECT_EQ(firstLine(ns.out), "namespace/demo created");
  const CommandResult secret = kubectl("create secret generic s --from-literal=password=p -n demo");
  ASSERT_EQ(secret.exit_code, 0) << secret.err;
  EXPECT_EQ(firstLine(secret.out), "secret/s created");
  const CommandResult configMap = kubectl("create configmap c --from-literal=a=b -n demo");
  ASSERT_EQ(configMap.exit_code, 0) << configMap.err;
  EXPECT_EQ(firstLine(configMap.out), "configmap/c created");
  EXPECT_EQ(jsonpath("secret s -n demo", "{.data.password}"), "cA==");
  EXPECT_EQ(jsonpath("secret s -n demo", "{.type}"), "Opaque");
  EXPECT_EQ(jsonpath("configmap c -n demo", "{.data.a}"), "b");
}

TEST_F(KubectlE2eTest, DeletesWithoutFinalizers) {
  applySeeds();
  const CommandResult deleted = kubectl("delete rediscluster prod-redis -n production");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_NE(deleted.out.find("deleted"), std::string::npos) << deleted.out;
  const CommandResult got = kubectl("get rediscluster prod-redis -n production");
  EXPECT_NE(got.exit_code, 0);
  EXPECT_NE(got.err.find("NotFound"), std::string::npos) << got.err;
}

TEST_F(KubectlE2eTest, DeletionWaitsForFinalizersToBeRemoved) {
  applySeeds();
  const std::string object = "rediscluster/prod-redis -n production";
  const CommandResult held =
      kubectl("patch " + object + " --type=merge -p " +
              shellQuote(R"({"metadata":{"finalizers":["redis.io/test-hold"]}})"));
  ASSERT_EQ(held.exit_code, 0) << held.err;
  const CommandResult deleted = kubectl("delete " + object + " --wait=false");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_FALSE(jsonpath(object, "{.metadata.deletionTimestamp}").empty());
  const CommandResult released = kubectl("patch " + object + " --type=merge -p " +
                                         shellQuote(R"({"metadata":{"finalizers":null}})"));
  ASSERT_EQ(released.exit_code, 0) << released.err;
  const CommandResult got = kubectl("get " + object);
  EXPECT_NE(got.exit_code, 0);
  EXPECT_NE(got.err.find("NotFound"), std::string::npos) << got.err;
}

TEST_F(KubectlE2eTest, WaitForReadyHonoursObservedGeneration) {
  applySeeds();
  const std::string object = "rediscluster/dr-redis -n production";
  ASSERT_EQ(jsonpath(object, "{.metadata.generation}"), "1");
  setReady(object, 1);
  const CommandResult ready = kubectl("wait --for=condition=Ready " + object + " --timeout=20s");
  ASSERT_EQ(ready.exit_code, 0) << ready.err;
  EXPECT_NE(ready.out.find("condition met"), std::string::npos) << ready.out;

  const CommandResult patched = kubectl("patch " + object + " --type=merge -p " +
                                        shellQuote(R"({"spec":{"replicaMode":{"promote":true}}})"));
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  ASSERT_EQ(jsonpath(object, "{.metadata.generation}"), "2");
  // The Ready condition is about generation 1: not met for generation 2.
  const CommandResult stale = kubectl("wait --for=condition=Ready " + object + " --timeout=2s");
  EXPECT_NE(stale.exit_code, 0) << stale.out;

  setReady(object, 2);
  const CommandResult fresh = kubectl("wait --for=condition=Ready " + object + " --timeout=20s");
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
}

// `kubectl get -w` holds a watch open over HTTPS and prints each change as it happens.
TEST_F(KubectlE2eTest, GetWatchPrintsChangesAsTheyHappen) {
  applySeeds();
  const fs::path output = scratch_ / "watch.out";
  const fs::path pid_file = scratch_ / "watch.pid";
  const CommandResult started = runShell(
      "HOME=" + shellQuote((scratch_ / "home").string()) + " kubectl --kubeconfig " +
          shellQuote(kubeconfig_) + " get redisclusters -n production -w >" +
          shellQuote(output.string()) + " 2>&1 & echo $! >" + shellQuote(pid_file.string()),
      scratch_);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const auto readOutput = [&] {
    return runShell("cat " + shellQuote(output.string()), scratch_).out;
  };
  const auto waitForLines = [&](std::size_t lines) {
    for (int i = 0; i < 200; ++i) {
      const std::string text = readOutput();
      if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= lines) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  const bool listed = waitForLines(3); // header, dr-redis, prod-redis
  const CommandResult patched =
      kubectl("patch rediscluster prod-redis -n production --type=merge -p " +
              shellQuote(R"({"spec":{"instances":4}})"));
  const bool changed = listed && waitForLines(4);
  runShell("kill $(cat " + shellQuote(pid_file.string()) + ")", scratch_);
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  EXPECT_TRUE(listed) << readOutput();
  EXPECT_TRUE(changed) << readOutput();
  EXPECT_TRUE(std::regex_search(readOutput(), std::regex(R"(\nprod-redis\s+4\s)"))) << readOutput();
}

TEST_F(KubectlE2eTest, TwoSandboxesRunSideBySide) {
  const std::string other = name_ + "-b";
  const CommandResult up = devSandbox("up " + other + " --no-operator");
  const CommandResult kubeconfig = devSandbox("kubeconfig " + other);
  const CommandResult listed = devSandbox("ls");
  const CommandResult down = devSandbox("down " + other);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(kubeconfig.out, up.out.substr(std::string("KUBECONFIG=").size()));
  EXPECT_NE(listed.out.find(name_ + " "), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(other + " "), std::string::npos) << listed.out;
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(devSandbox("kubeconfig " + other).exit_code, 0);
}

} // namespace
} // namespace rdr::sandbox::testing
