// How Redis' error replies and hiredis' transport errors become rdr::Error codes and messages.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/error.h"

namespace rdr::redis {

// The code of an error reply by its first word (Redis' error prefix), as documented in admin.h:
// 1) LOADING, BUSY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN, NOREPLICAS and "ERR max number of clients
//    reached" are Transient: the same command may succeed later without any change on our side;
// 2) NOAUTH and WRONGPASS are Unauthorized, NOPERM (an ACL user lacking a permission) Forbidden;
// 3) anything else (ERR, WRONGTYPE, READONLY, ...) is Invalid.
// `text` is the reply without the leading '-', e.g. "LOADING Redis is loading the dataset".
ErrorCode classifyRedisError(std::string_view text);

// The code of an error reply to AUTH: Unauthorized, except the Transient ones of rule 1.
ErrorCode classifyAuthError(std::string_view text);

// Whether an AUTH error only says the server has no password at all (the default user is
// "nopass"): the connection is usable without AUTH, as redis-cli treats it.
bool isAuthWithoutPasswordConfigured(std::string_view text);

// How a command shows in messages and logs: its name and, for container commands (CONFIG,
// CLIENT, INFO, ...), the subcommand; never any further argument, so never a secret.
// {"CONFIG", "SET", "masterauth", "s3cret"} -> "CONFIG SET masterauth".
std::string describeCommand(const std::vector<std::string>& arguments);

// Replaces every occurrence of each non-empty secret in `text` by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// The human text of a hiredis transport error (context err/errstr) for messages:
// "connection refused", "timed out after 1000 ms", "connection lost (server closed it)".
std::string describeTransportError(int hiredis_err, std::string_view errstr,
                                   std::chrono::milliseconds timeout);

} // namespace rdr::redis
