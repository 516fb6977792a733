// RedisServer: one real redis-server process on 127.0.0.1 for integration tests, always killed.
#pragma once

#include "support/loopback.h"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rdr/redis/admin.h"

namespace rdr::redis::testing {

// True when `redis-server` can be run (the tests skip otherwise).
bool redisServerAvailable();

using rdr::testing::freeLoopbackPort; // test/support/loopback.h
using rdr::testing::waitFor;

// Starts `redis-server --bind 127.0.0.1 --port <free> --save '' --appendonly no
// --repl-diskless-sync-delay 0` (plus requirepass/masterauth when a password is given) in its
// own directory, and waits until it answers PING. The destructor SIGKILLs it (after SIGCONT, in
// case a test froze it); the child also dies with the test process (PR_SET_PDEATHSIG).
class RedisServer {
public:
  RedisServer(std::filesystem::path dir, std::optional<std::string> password,
              std::vector<std::string> extra_args = {});
  // A Sentinel instead: `redis-server <dir>/sentinel.conf --sentinel` (port, dir and
  // protected-mode no in the file, which Sentinel rewrites), no password.
  static std::unique_ptr<RedisServer> sentinel(std::filesystem::path dir);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool serving() const { return serving_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  Credentials credentials() const { return {std::nullopt, password_}; }
  std::string log() const;

  void kill();           // SIGKILL and reap
  bool restart();        // kill, then start again on the same port and directory
  void freeze();         // SIGSTOP
  void thaw();           // SIGCONT

private:
  RedisServer(std::filesystem::path dir, bool sentinel);
  void startOnFreePort();
  bool start();

  std::filesystem::path dir_;
  std::optional<std::string> password_;
  std::vector<std::string> extra_args_;
  bool sentinel_ = false;
  int port_ = 0;
  pid_t pid_ = -1;
  bool serving_ = false;
};

} // namespace rdr::redis::testing
