// The generated auth Secret <name>-auth, used when spec.authSecret is absent.
#include "rdr/resources/secret.h"

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/common/base64.h"
#include "rdr/resources/metadata.h"

namespace rdr::resources {

using nlohmann::json;

Result<json> buildGeneratedAuthSecret(const api::RedisCluster& cluster, std::string_view password) {
  if (password.empty()) {
    return Error(ErrorCode::Invalid, "the generated password of " +
                                         api::generatedAuthSecretName(cluster.metadata.name) +
                                         " must not be empty");
  }
  const std::string description =
      "Password of RedisCluster " + cluster.metadata.name + ", generated once by " +
      std::string(api::kManagerName) +
      "; the operator never rotates it.";
  return json{
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"type", "Opaque"},
      {"metadata",
       ownedMetadata(cluster, api::generatedAuthSecretName(cluster.metadata.name),
                     commonLabels(cluster),
                     {{std::string(kAnnotationGenerated), "true"},
                      {std::string(kAnnotationDescription), description}})},
      {"data", {{api::kSecretPasswordKey, base64Encode(password)}}},
  };
}

} // namespace rdr::resources
