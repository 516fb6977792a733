// deploy/ and config/: every file parses, the RBAC grants no write to a RedisCluster's spec
// (invariant 3) and no wildcard, the Deployment is hardened as documented, and the alert rules are
// seed 003's.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "rdr/common/yaml.h"

namespace rdr {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kRoot = fs::path(RDR_SOURCE_DIR);

std::vector<json> readDocuments(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  auto docs = parseYamlDocuments(text.str());
  EXPECT_TRUE(docs) << file << ": " << docs.error().message();
  return docs ? *docs : std::vector<json>{};
}

// Every document of every YAML file under deploy/ (or another directory), recursively.
std::vector<json> documentsUnder(const fs::path& dir) {
  std::vector<json> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") {
      for (auto& doc : readDocuments(entry.path())) {
        out.push_back(std::move(doc));
      }
    }
  }
  return out;
}

std::vector<json> ofKind(const std::vector<json>& docs, std::string_view kind) {
  std::vector<json> out;
  for (const auto& doc : docs) {
    if (doc.is_object() && doc.value("kind", "") == kind) {
      out.push_back(doc);
    }
  }
  return out;
}

std::set<std::string> verbsFor(const json& role, const std::string& group,
                               const std::string& resource) {
  std::set<std::string> verbs;
  for (const auto& rule : role["rules"]) {
    const auto& groups = rule["apiGroups"];
    const auto& resources = rule["resources"];
    if (std::find(groups.begin(), groups.end(), group) != groups.end() &&
        std::find(resources.begin(), resources.end(), resource) != resources.end()) {
      for (const auto& verb : rule["verbs"]) {
        verbs.insert(verb.get<std::string>());
      }
    }
  }
  return verbs;
}

TEST(ManifestsTest, EveryDeployAndConfigFileParses) {
  EXPECT_GE(documentsUnder(kRoot / "deploy").size(), 7u);
  EXPECT_GE(documentsUnder(kRoot / "config").size(), 10u);
}

TEST(ManifestsTest, TheOperatorCanNeverWriteARedisClusterSpec) {
  const auto roles = ofKind(documentsUnder(kRoot / "deploy"), "ClusterRole");
  ASSERT_EQ(roles.size(), 1u);
  const json& role = roles.front();
  EXPECT_EQ(verbsFor(role, "redis.io", "redisclusters"),
            (std::set<std::string>{"get", "list", "watch"}));
  EXPECT_EQ(verbsFor(role, "redis.io", "redisclusters/status"),
            (std::set<std::string>{"get", "update", "patch"}));
}

TEST(ManifestsTest, NoRuleUsesWildcards) {
  const auto docs = documentsUnder(kRoot / "deploy");
  for (const char* kind : {"ClusterRole", "Role"}) {
    for (const auto& role : ofKind(docs, kind)) {
      for (const auto& rule : role["rules"]) {
        for (const char* field : {"apiGroups", "resources", "verbs"}) {
          for (const auto& value : rule[field]) {
            EXPECT_NE(value, "*") << kind << " " << role["metadata"]["name"] << " " << field;
          }
        }
      }
    }
  }
}

TEST(ManifestsTest, GeneratedSecretsAreNeverRewrittenOrDeletedByTheOperator) {
  const auto role = ofKind(documentsUnder(kRoot / "deploy"), "ClusterRole").front();
  EXPECT_EQ(verbsFor(role, "", "secrets"),
            (std::set<std::string>{"get", "list", "watch", "create"}));
}

TEST(ManifestsTest, LeaderElectionLeasesAreNamespacedNotClusterWide) {
  const auto docs = documentsUnder(kRoot / "deploy");
  const auto cluster_role = ofKind(docs, "ClusterRole").front();
  EXPECT_TRUE(verbsFor(cluster_role, "coordination.k8s.io", "leases").empty());
  const auto roles = ofKind(docs, "Role");
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(verbsFor(roles.front(), "coordination.k8s.io", "leases"),
            (std::set<std::string>{"get", "create", "update"}));
}

TEST(ManifestsTest, TheDeploymentIsHardenedAndProbed) {
  const auto deployments = ofKind(documentsUnder(kRoot / "deploy"), "Deployment");
  ASSERT_EQ(deployments.size(), 1u);
  const json& pod = deployments.front()["spec"]["template"]["spec"];
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  ASSERT_EQ(pod["containers"].size(), 1u);
  const json& container = pod["containers"][0];
  EXPECT_EQ(container["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(container["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"], json::array({"ALL"}));
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  const json& args = container["args"];
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-elect"), args.end());
  EXPECT_TRUE(container["resources"].contains("limits"));
  EXPECT_TRUE(container["resources"].contains("requests"));
}

TEST(ManifestsTest, AlertRulesAreSeed003s) {
  for (const char* file : {"redis-dr-alerts.yaml", "redis-dr-alerts.prometheusrule.yaml"}) {
    const auto docs = readDocuments(kRoot / "config" / "prometheus" / file);
    ASSERT_EQ(docs.size(), 1u) << file;
    const json& groups = docs.front().contains("spec") ? docs.front()["spec"]["groups"]
                                                       : docs.front()["groups"];
    std::map<std::string, std::pair<std::string, std::string>> rules; // alert -> (expr, for)
    for (const auto& group : groups) {
      for (const auto& rule : group["rules"]) {
        rules[rule["alert"]] = {rule["expr"], rule["for"]};
      }
    }
    EXPECT_EQ(rules["RedisReplicationLagHigh"],
              std::make_pair(std::string("redis_replication_lag_bytes > 10485760"),
                             std::string("5m")))
        << file;
    EXPECT_EQ(rules["RedisReplicationDown"],
              std::make_pair(std::string("redis_master_link_up == 0"), std::string("1m")))
        << file;
  }
}

} // namespace
} // namespace rdr
