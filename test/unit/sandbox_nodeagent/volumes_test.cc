// A pod's volumes on disk: ConfigMap files with items and the dir rewrite, PVC dirs by UID,
// emptyDirs per pod UID, and the kubelet's wording for what is missing.
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "rdr/common/base64.h"
#include "sandbox/nodeagent/volumes.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string readText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class VolumesTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rdr-volumes-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    layout_.state_dir = pattern;
    sources_.config_map = [this](const std::string&, const std::string& name) {
      return name == "cache-config" ? config_map_ : std::nullopt;
    };
    sources_.secret = [](const std::string&, const std::string& name) -> std::optional<json> {
      if (name != "tls") {
        return std::nullopt;
      }
      return json{{"data", {{"key.pem", base64Encode("KEY")}}}};
    };
    sources_.pvc = [](const std::string&, const std::string& name) -> std::optional<json> {
      if (name != "cache-0-data") {
        return std::nullopt;
      }
      return json{{"metadata", {{"name", name}, {"uid", "pvc-uid-1"}}}};
    };
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(layout_.state_dir, ec);
  }

  json pod() const {
    return {{"metadata", {{"name", "cache-0"}, {"namespace", "apps"}, {"uid", "pod-uid-1"}}},
            {"spec",
             {{"volumes",
               {{{"name", "config"}, {"configMap", {{"name", "cache-config"}}}},
                {{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "cache-0-data"}}}},
                {{"name", "tmp"}, {"emptyDir", json::object()}},
                {{"name", "certs"},
                 {"secret", {{"secretName", "tls"}, {"items", {{{"key", "key.pem"}, {"path", "k"}}}}}}}}}}}};
  }
  json container() const {
    return {{"name", "redis"},
            {"volumeMounts",
             {{{"name", "config"}, {"mountPath", "/etc/redis"}},
              {{"name", "data"}, {"mountPath", "/data"}},
              {{"name", "tmp"}, {"mountPath", "/tmp"}},
              {{"name", "certs"}, {"mountPath", "/certs"}}}}};
  }

  VolumeLayout layout_;
  VolumeSources sources_;
  std::optional<json> config_map_ =
      json{{"data", {{"redis.conf", "port 6379\ndir /data\n"}, {"extra", "x"}}}};
};

TEST_F(VolumesTest, MaterialisesEveryVolumeWhereTheLayoutSays) {
  auto volumes = materialiseVolumes(layout_, pod(), container(), sources_);
  ASSERT_TRUE(volumes) << volumes.error().toString();
  const fs::path uid_dir = layout_.state_dir / "pods" / "apps_cache-0" / "pod-uid-1";
  const fs::path pvc_dir = layout_.state_dir / "pvcs" / "apps_cache-0-data_pvc-uid-1";
  EXPECT_EQ(readText(uid_dir / "config" / "redis.conf"), "port 6379\ndir " + pvc_dir.string() + "\n");
  EXPECT_EQ(readText(uid_dir / "config" / "extra"), "x");
  EXPECT_EQ(readText(uid_dir / "certs" / "k"), "KEY");
  EXPECT_TRUE(fs::is_directory(uid_dir / "tmp"));
  EXPECT_TRUE(fs::is_directory(pvc_dir));
  EXPECT_EQ(volumes->working_dir, pvc_dir); // the data dir: a PVC before an emptyDir
  EXPECT_EQ(volumes->pvc_uids, std::vector<std::string>{"pvc-uid-1"});
  ASSERT_EQ(volumes->mounts.size(), 4u);
  EXPECT_EQ(volumes->mounts[0].mount_path, "/etc/redis");
}

TEST_F(VolumesTest, RewritesAConfigFileOnlyWhenTheConfigMapChanged) {
  ASSERT_TRUE(materialiseVolumes(layout_, pod(), container(), sources_));
  const fs::path conf = layout_.state_dir / "pods" / "apps_cache-0" / "pod-uid-1" / "config" /
                        "redis.conf";
  EXPECT_FALSE(*writeIfChanged(conf, readText(conf)));
  config_map_ = json{{"data", {{"redis.conf", "port 6380\n"}}}};
  ASSERT_TRUE(materialiseVolumes(layout_, pod(), container(), sources_));
  EXPECT_EQ(readText(conf), "port 6380\n");
}

TEST_F(VolumesTest, MissingObjectsAreTransientWithTheKubeletsWording) {
  config_map_.reset();
  auto missing = materialiseVolumes(layout_, pod(), container(), sources_);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(ErrorCode::Transient));
  EXPECT_EQ(missing.error().message(), "configmap \"cache-config\" not found");
  json other = pod();
  other["spec"]["volumes"][1]["persistentVolumeClaim"]["claimName"] = "absent";
  auto no_claim = materialiseVolumes(layout_, other, container(), sources_);
  ASSERT_FALSE(no_claim);
  EXPECT_EQ(no_claim.error().message(), "persistentvolumeclaim \"absent\" not found");
}

TEST_F(VolumesTest, UnsupportedVolumeTypesAreRefused) {
  json other = pod();
  other["spec"]["volumes"][2] = {{"name", "tmp"}, {"hostPath", {{"path", "/var"}}}};
  auto refused = materialiseVolumes(layout_, other, container(), sources_);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorCode::Unsupported));
}

} // namespace
} // namespace rdr::sandbox
