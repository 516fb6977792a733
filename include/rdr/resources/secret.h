// The generated auth Secret <name>-auth, used when spec.authSecret is absent.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"

namespace rdr::resources {

// Secret <name>-auth of type Opaque with data.password = base64(password), annotated as generated
// by the operator and never rotated by it. The caller generates the password once, creates the
// Secret, and never updates it afterwards. Invalid when the password is empty.
Result<nlohmann::json> buildGeneratedAuthSecret(const api::RedisCluster& cluster,
                                                std::string_view password);

} // namespace rdr::resources
