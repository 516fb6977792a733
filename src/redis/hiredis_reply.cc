// Conversion of hiredis' redisReply trees into plain Reply values.
#include "redis/hiredis_reply.h"

#include <string>

namespace rdr::redis {

Reply toReply(const redisReply& reply) {
  const auto text = [&reply] {
    return reply.str == nullptr ? std::string() : std::string(reply.str, reply.len);
  };
  switch (reply.type) {
  case REDIS_REPLY_STATUS:
    return Reply::status(text());
  case REDIS_REPLY_ERROR:
    return Reply::error(text());
  case REDIS_REPLY_INTEGER:
    return Reply::integerOf(reply.integer);
  case REDIS_REPLY_STRING:
    return Reply::string(text());
  case REDIS_REPLY_ARRAY: {
    std::vector<Reply> elements;
    elements.reserve(reply.elements);
    for (std::size_t index = 0; index < reply.elements; ++index) {
      elements.push_back(reply.element[index] == nullptr ? Reply::nil()
                                                         : toReply(*reply.element[index]));
    }
    return Reply::array(std::move(elements));
  }
  default:
    return Reply::nil();
  }
}

} // namespace rdr::redis
