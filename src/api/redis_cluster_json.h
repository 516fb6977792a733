// The halves of RedisCluster's JSON form, shared by redis_cluster*.cc (private to api/).
#pragma once

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"

namespace rdr::api::detail {

// `spec` may be null (absent): every field then takes its default.
Result<RedisClusterSpec> parseRedisClusterSpec(const nlohmann::json& spec);
// `status` may be null (absent): an empty status.
Result<RedisClusterStatus> parseRedisClusterStatus(const nlohmann::json& status);

} // namespace rdr::api::detail
