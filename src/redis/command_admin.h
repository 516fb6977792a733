// CommandAdmin: RedisAdmin's typed commands over any transport that exchanges argv for replies.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rdr/redis/admin.h"

namespace rdr::redis {

// Builds each command, names it in messages ("redis 10.0.0.1:6379: INFO replication: ..."),
// classifies error replies (classifyRedisError), parses replies with the pure parsers, scrubs
// secrets, and turns exceptions into Internal errors. Subclasses only move bytes: hiredis in
// production, the in-memory FakeRedisConnector in tests, so both answer with the same codes and
// texts.
class CommandAdmin : public RedisAdmin {
public:
  // `password`: the credential of this admin, scrubbed from every message.
  CommandAdmin(Endpoint endpoint, std::optional<std::string> password);

  // RedisAdmin
  const Endpoint& endpoint() const override { return endpoint_; }
  Status ping() override;
  Result<ReplicationInfo> replicationInfo() override;
  Result<StatsInfo> statsInfo() override;
  Result<RoleInfo> role() override;
  Status replicaOf(const Endpoint& upstream) override;
  Status promote() override;
  Result<std::string> configGet(const std::string& parameter) override;
  Status configSet(const std::string& parameter, const std::string& value) override;
  Status pauseWrites(std::chrono::milliseconds duration) override;
  Status unpause() override;
  Result<int> wait(int replicas, std::chrono::milliseconds timeout) override;
  Result<Reply> command(const std::vector<std::string>& arguments) override;

protected:
  // Sends one command and returns the server's reply, an error reply included. An Error result
  // is a failure to talk at all (refused, timed out, lost, AUTH refused), with a message that
  // names neither the server nor the command (run() adds both). `extra` lengthens the wait for
  // commands that block on purpose (WAIT). May throw; run() catches.
  virtual Result<Reply> exchange(const std::vector<std::string>& arguments,
                                 std::chrono::milliseconds extra) = 0;

private:
  Result<Reply> run(const std::vector<std::string>& arguments, const std::string& what,
                    std::vector<std::string> secrets = {},
                    std::chrono::milliseconds extra = std::chrono::milliseconds(0));
  // Expects +OK (Redis may add words: "OK Already connected to specified master").
  Status runExpectingOk(const std::vector<std::string>& arguments, const std::string& what,
                        std::vector<std::string> secrets = {});
  Error error(ErrorCode code, const std::string& what, const std::string& detail) const;

  const Endpoint endpoint_;
  const std::optional<std::string> password_;
};

} // namespace rdr::redis
