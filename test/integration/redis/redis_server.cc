// RedisServer: one real redis-server process on 127.0.0.1 for integration tests, always killed.
#include "integration/redis/redis_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace rdr::redis::testing {

using namespace std::chrono_literals;

bool redisServerAvailable() {
  return std::system("redis-server --version > /dev/null 2>&1") == 0;
}

namespace {

// PING over a short-lived raw hiredis connection (independent of the code under test).
bool answersPing(int port, const std::optional<std::string>& password) {
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeval{0, 200000});
  if (context == nullptr) {
    return false;
  }
  bool ok = false;
  if (context->err == 0) {
    redisSetTimeout(context, timeval{0, 500000});
    if (password) {
      auto* auth = static_cast<redisReply*>(redisCommand(context, "AUTH %s", password->c_str()));
      if (auth != nullptr) {
        freeReplyObject(auth);
      }
    }
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr) {
      freeReplyObject(reply);
    }
  }
  redisFree(context);
  return ok;
}

} // namespace

RedisServer::RedisServer(std::filesystem::path dir, std::optional<std::string> password,
                         std::vector<std::string> extra_args)
    : dir_(std::move(dir)), password_(std::move(password)), extra_args_(std::move(extra_args)) {
  startOnFreePort();
}

RedisServer::RedisServer(std::filesystem::path dir, bool sentinel)
    : dir_(std::move(dir)), sentinel_(sentinel) {
  startOnFreePort();
}

std::unique_ptr<RedisServer> RedisServer::sentinel(std::filesystem::path dir) {
  return std::unique_ptr<RedisServer>(new RedisServer(std::move(dir), true));
}

void RedisServer::startOnFreePort() {
  std::filesystem::create_directories(dir_);
  // A port found free may be taken before the server binds it: try a few.
  for (int attempt = 0; attempt < 3 && !serving_; ++attempt) {
    port_ = freeLoopbackPort();
    serving_ = start();
  }
}

RedisServer::~RedisServer() {
  kill();
}

bool RedisServer::start() {
  std::vector<std::string> args = {"redis-server",
                                   "--bind", "127.0.0.1",
                                   "--port", std::to_string(port_),
                                   "--dir", dir_.string(),
                                   "--save", "",
                                   "--appendonly", "no",
                                   "--repl-diskless-sync-delay", "0",
                                   "--logfile", (dir_ / "redis.log").string()};
  if (password_) {
    args.insert(args.end(), {"--requirepass", *password_, "--masterauth", *password_});
  }
  if (sentinel_) {
    const std::filesystem::path conf = dir_ / "sentinel.conf";
    std::ofstream(conf) << "port " << port_ << "\ndir " << dir_.string()
                        << "\nprotected-mode no\n";
    args = {"redis-server", conf.string(), "--sentinel", "--bind", "127.0.0.1",
            "--logfile", (dir_ / "redis.log").string()};
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(1);
    }
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execvp("redis-server", argv.data());
    _exit(127);
  }
  if (pid_ < 0) {
    return false;
  }
  const bool up = waitFor(
      [this] {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1; // exited (e.g. the port was taken)
          return true;
        }
        return answersPing(port_, password_);
      },
      10s);
  if (!up || pid_ < 0) {
    kill();
    return false;
  }
  return true;
}

void RedisServer::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  serving_ = false;
}

bool RedisServer::restart() {
  kill();
  serving_ = start();
  return serving_;
}

void RedisServer::freeze() {
  ::kill(pid_, SIGSTOP);
}

void RedisServer::thaw() {
  ::kill(pid_, SIGCONT);
}

std::string RedisServer::log() const {
  std::ifstream in(dir_ / "redis.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace rdr::redis::testing
