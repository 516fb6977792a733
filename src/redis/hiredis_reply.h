// Conversion of hiredis' redisReply trees into plain Reply values (private to rdr_redis).
#pragma once

#include <hiredis/hiredis.h>

#include "rdr/redis/reply.h"

namespace rdr::redis {

// A deep copy of `reply`; hiredis keeps ownership of its tree.
Reply toReply(const redisReply& reply);

} // namespace rdr::redis
