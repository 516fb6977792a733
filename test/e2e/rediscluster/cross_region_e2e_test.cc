// Seed 003's cross-region manifests on two sandboxes (each with its operator, as `dev/sandbox up`
// starts it): redis-east verbatim (mode: sentinel, with its Sentinel pods) exposed by redis-east-external,
// redis-west following it with 35.123.45.67 replaced by that LoadBalancer's loopback address;
// region loss, promotion of redis-west, and redis-east-recover following redis-west.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../sandbox/sandbox_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

const std::string kPassword = "redis-password-e2e";
const std::string kSecret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: redis-password\n"
                            "  namespace: default\nstringData:\n  password: " + kPassword + "\n";

class CrossRegionE2eTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (std::system("command -v kubectl >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "kubectl or redis-cli is not on PATH";
    }
    std::string pattern = (fs::temp_directory_path() / "rdr-e2e-xregion-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    scratch_ = pattern;
    fs::create_directories(scratch_ / "home");
    east_ = "xr-east-" + std::to_string(::getpid());
    west_ = "xr-west-" + std::to_string(::getpid());
  }

  void TearDown() override {
    for (const std::string& name : {east_, west_}) {
      if (!name.empty()) {
        sandbox("down " + name);
      }
    }
    std::error_code ec;
    fs::remove_all(scratch_, ec);
  }

  CommandResult sandbox(const std::string& arguments) {
    return runShell(env() + " " + shellQuote(std::string(RDR_SOURCE_DIR) + "/dev/sandbox") + " " +
                        arguments,
                    scratch_);
  }

  std::string up(const std::string& name) {
    const CommandResult started = sandbox("up " + name);
    EXPECT_EQ(started.exit_code, 0) << started.err;
    return trimmed(started.out.substr(started.out.find('=') + 1));
  }

  CommandResult kubectl(const std::string& kubeconfig, const std::string& arguments,
                        const std::string& manifest = "") {
    std::string command = "HOME=" + shellQuote((scratch_ / "home").string()) +
                          " KUBECONFIG= kubectl --kubeconfig " + shellQuote(kubeconfig) + " " + arguments;
    if (!manifest.empty()) {
      std::ofstream(scratch_ / "manifest.yaml") << manifest;
      command += " -f " + shellQuote((scratch_ / "manifest.yaml").string());
    }
    return runShell(command, scratch_);
  }

  std::string get(const std::string& kubeconfig, const std::string& what, const std::string& path) {
    return trimmed(kubectl(kubeconfig, "get " + what + " -o " + shellQuote("jsonpath=" + path)).out);
  }

  bool phaseIs(const std::string& kubeconfig, const std::string& cluster, const std::string& phase) {
    return eventually([&] { return get(kubeconfig, "rediscluster " + cluster, "{.status.phase}") == phase; },
                      90s);
  }

  CommandResult redis(const std::string& host, const std::string& arguments, const std::string& input = "") {
    std::string command = "REDISCLI_AUTH=" + shellQuote(kPassword) +
                          " timeout 10 redis-cli --no-auth-warning -h " + host + " " + arguments;
    if (!input.empty()) {
      std::ofstream(scratch_ / "redis.txt") << input;
      command += " < " + shellQuote((scratch_ / "redis.txt").string());
    }
    return runShell(command, scratch_);
  }

  std::string env() const {
    return "HOME=" + shellQuote((scratch_ / "home").string()) + " RDR_SANDBOX_ROOT=" +
           shellQuote((scratch_ / "sandboxes").string()) + " RDR_SANDBOX_BIN=" +
           shellQuote(RDR_SANDBOX_BINARY) + " RDR_OPERATOR_BIN=" + shellQuote(RDR_OPERATOR_BINARY);
  }

  fs::path scratch_;
  std::string east_;
  std::string west_;
};

TEST_F(CrossRegionE2eTest, Seed003RegionLossPromotionAndRecovery) {
  const std::string east = up(east_);
  const std::string west = up(west_);
  ASSERT_FALSE(HasFailure());

  // us-east-1: the primary region.
  ASSERT_EQ(kubectl(east, "apply", kSecret).exit_code, 0);
  ASSERT_EQ(kubectl(east, "apply", readSeed("003-redis-east.yaml")).exit_code, 0);
  ASSERT_EQ(kubectl(east, "apply -n default", readSeed("003-redis-east-external-service.yaml")).exit_code, 0);
  ASSERT_TRUE(phaseIs(east, "redis-east", "Healthy")) << get(east, "rediscluster redis-east", "{.status}");
  std::string east_ip;
  ASSERT_TRUE(eventually(
      [&] { return !(east_ip = get(east, "svc redis-east-external", "{.status.loadBalancer.ingress[0].ip}")).empty(); },
      30s));

  // us-west-2: the DR region, following the LoadBalancer (35.123.45.67 in the seed).
  ASSERT_EQ(kubectl(west, "apply", kSecret).exit_code, 0);
  const std::string redis_west =
      std::regex_replace(readSeed("003-redis-west.yaml"), std::regex("35\\.123\\.45\\.67"), east_ip);
  ASSERT_EQ(kubectl(west, "apply", redis_west).exit_code, 0);
  ASSERT_TRUE(phaseIs(west, "redis-west", "Replicating")) << get(west, "rediscluster redis-west", "{.status}");

  std::string keys;
  for (int i = 0; i < 200; ++i) {
    keys += "SET region:" + std::to_string(i) + " east\n";
  }
  ASSERT_EQ(redis(east_ip, "", keys + "WAIT 4 5000\n").exit_code, 0);
  const std::string west_leader = get(west, "pod redis-west-0", "{.status.podIP}");
  EXPECT_TRUE(eventually([&] { return trimmed(redis(west_leader, "DBSIZE").out) == "200"; }, 20s));

  // Region loss, then the seed's promotion.
  ASSERT_EQ(sandbox("down " + east_).exit_code, 0);
  ASSERT_EQ(kubectl(west, "patch rediscluster redis-west --type=merge -p "
                          "'{\"spec\":{\"replicaMode\":{\"promote\":true}}}'")
                .exit_code,
            0);
  const std::string west_write = get(west, "svc redis-west-leader", "{.spec.clusterIP}");
  EXPECT_TRUE(eventually([&] { return redis(west_write, "SET region:west promoted").out == "OK\n"; }, 30s));
  EXPECT_EQ(get(west, "rediscluster redis-west", "{.status.conditions[?(@.type==\"ReplicaMode\")].reason}"),
            "Promoted");

  // us-east-1 comes back empty and follows us-west-2 (seed 003's recovery manifest).
  const std::string east_again = up(east_);
  ASSERT_EQ(kubectl(west, "apply -n default",
                    std::regex_replace(readSeed("003-redis-east-external-service.yaml"),
                                       std::regex("redis-east"), "redis-west"))
                .exit_code,
            0);
  std::string west_ip;
  ASSERT_TRUE(eventually(
      [&] { return !(west_ip = get(west, "svc redis-west-external", "{.status.loadBalancer.ingress[0].ip}")).empty(); },
      30s));
  ASSERT_EQ(kubectl(east_again, "apply", kSecret).exit_code, 0);
  ASSERT_EQ(kubectl(east_again, "apply",
                    std::regex_replace(readSeed("003-redis-east-recover.yaml"),
                                       std::regex("<redis-west-external-ip>"), west_ip))
                .exit_code,
            0);
  ASSERT_TRUE(phaseIs(east_again, "redis-east", "Replicating"))
      << get(east_again, "rediscluster redis-east", "{.status}");
  const std::string east_leader = get(east_again, "pod redis-east-0", "{.status.podIP}");
  EXPECT_TRUE(eventually([&] { return trimmed(redis(east_leader, "DBSIZE").out) == "201"; }, 20s));
  EXPECT_EQ(trimmed(redis(east_leader, "GET region:west").out), "promoted");
  EXPECT_TRUE(eventually(
      [&] { return get(east_again, "rediscluster redis-east", "{.status.replication.lastResync}") == "FullSync"; },
      20s))
      << "an empty region comes back by a full resync";
}

} // namespace
} // namespace rdr::sandbox::testing
