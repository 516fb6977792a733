// Runs built data pods as real redis-server processes on loopback, like the sandbox's node agent.
#include "integration/resources/pod_runner.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "rdr/resources/pod.h"
#include "rdr/resources/redis_conf.h"
#include "rdr/resources/sentinel.h"

namespace rdr::resources::testing {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kConfigPath = "/etc/redis/redis.conf";

// fork + execve of /bin/sh with argv and env, stdout/stderr to log (or /dev/null).
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::filesystem::path& log) {
  std::vector<std::string> env_strings;
  env_strings.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  for (const auto& [key, value] : env) {
    env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> c_argv;
  for (const auto& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& entry : env_strings) {
    c_env.push_back(const_cast<char*>(entry.c_str()));
  }
  c_env.push_back(nullptr);
  const std::string log_path = log.empty() ? "/dev/null" : log.string();

  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execve("/bin/sh", c_argv.data(), c_env.data());
    _exit(127);
  }
  return pid;
}

// Waits up to timeout for pid; returns its wait status, or nothing when still running.
std::optional<int> waitPid(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return status;
    }
    if (done < 0 || std::chrono::steady_clock::now() >= deadline) {
      return done < 0 ? std::optional<int>(0) : std::nullopt;
    }
    std::this_thread::sleep_for(20ms);
  }
}

// Every occurrence of `from` in `text` becomes `to` (a mount path becomes the pod's own dir).
void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

void stopProcess(pid_t pid) {
  kill(pid, SIGTERM);
  if (!waitPid(pid, 5s)) {
    kill(pid, SIGKILL);
    waitPid(pid, 5s);
  }
}

} // namespace

RedisConnection::RedisConnection(int port) {
  const timeval timeout{2, 0};
  context_ = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (context_ != nullptr && context_->err == 0) {
    redisSetTimeout(context_, timeout);
  }
}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) {
    redisFree(context_);
  }
}

Reply RedisConnection::command(const std::vector<std::string>& argv) {
  if (!connected()) {
    return {true, "not connected"};
  }
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    return {true, std::string("connection error: ") + context_->errstr};
  }
  Reply out;
  switch (reply->type) {
  case REDIS_REPLY_ERROR:
    out = {true, std::string(reply->str, reply->len)};
    break;
  case REDIS_REPLY_STRING:
  case REDIS_REPLY_STATUS:
    out = {false, std::string(reply->str, reply->len)};
    break;
  case REDIS_REPLY_INTEGER:
    out = {false, std::to_string(reply->integer)};
    break;
  case REDIS_REPLY_ARRAY:
    for (size_t i = 0; i < reply->elements; ++i) {
      const redisReply* item = reply->element[i];
      out.text += std::string(item->str != nullptr ? item->str : "", item->len) + "\n";
    }
    break;
  default:
    break;
  }
  freeReplyObject(reply);
  return out;
}

std::optional<std::string> RedisConnection::configGet(const std::string& name) {
  const Reply reply = command({"CONFIG", "GET", name});
  const std::string prefix = name + "\n";
  if (reply.error || reply.text.rfind(prefix, 0) != 0) {
    return std::nullopt;
  }
  std::string value = reply.text.substr(prefix.size());
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
  }
  return value;
}

std::string RedisConnection::infoField(const std::string& section, const std::string& field) {
  const Reply reply = command({"INFO", section});
  std::istringstream lines(reply.text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::string value = line.substr(field.size() + 1);
      if (!value.empty() && value.back() == '\r') {
        value.pop_back();
      }
      return value;
    }
  }
  return "";
}

std::string exchangeFrom(const std::string& source_ip, int port, const std::string& payload) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  target.sin_port = htons(static_cast<uint16_t>(port));
  const timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string answer;
  if (bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) == 0 &&
      connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof(target)) == 0 &&
      send(fd, payload.data(), payload.size(), 0) == static_cast<ssize_t>(payload.size())) {
    char buffer[512];
    ssize_t n = 0;
    // Read until the server has answered every command or goes quiet for a second.
    while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) {
      answer.append(buffer, static_cast<size_t>(n));
      if (answer.find("PONG") != std::string::npos || answer.find("DENIED") != std::string::npos) {
        break;
      }
    }
  }
  close(fd);
  return answer;
}

int runShell(const std::string& script, const std::map<std::string, std::string>& env,
             std::chrono::milliseconds timeout) {
  const pid_t pid = spawn({"sh", "-c", script}, env, {});
  const auto status = waitPid(pid, timeout);
  if (!status) {
    stopProcess(pid);
    return -1;
  }
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

PodRunner::PodRunner(std::filesystem::path work_dir, std::map<std::string, std::string> secrets)
    : work_dir_(std::move(work_dir)), secrets_(std::move(secrets)) {}

PodRunner::~PodRunner() { stopAll(); }

RunningPod PodRunner::start(const json& pod, const std::string& redis_conf, int port) {
  const json& container = pod.at("spec").at("containers").at(0);
  const std::filesystem::path dir = work_dir_ / pod.at("metadata").at("name").get<std::string>();
  std::filesystem::create_directories(dir / "data");
  std::filesystem::create_directories(dir / "tmp");
  // Redis applies `dir` (a chdir) while it reads the file, before any argument could override it,
  // so the agent rewrites that line to the pod's data directory instead of passing --dir.
  std::string conf = redis_conf;
  const std::string dir_line = "\ndir " + std::string(kDataDir) + "\n";
  const size_t at = conf.find(dir_line);
  if (at != std::string::npos) {
    conf.replace(at, dir_line.size(), "\ndir " + (dir / "data").string() + "\n");
  }
  std::ofstream(dir / "redis.conf") << conf;

  std::vector<std::string> argv = container.at("command").get<std::vector<std::string>>();
  std::string& script = argv.at(2);
  script.replace(script.find(kConfigPath), kConfigPath.size(), (dir / "redis.conf").string());
  const std::string marker(kRestartMarker);
  replaceAll(script, marker, (dir / "tmp" / fs::path(marker).filename()).string());
  std::map<std::string, std::string> env;
  for (const auto& var : container.at("env")) {
    const std::string secret = var.at("valueFrom").at("secretKeyRef").at("name");
    env[var.at("name")] = secrets_.count(secret) != 0 ? secrets_.at(secret) : "";
  }
  return launch(container, std::move(argv), env, dir, port);
}

RunningPod PodRunner::launch(const json& container, std::vector<std::string> argv,
                             const std::map<std::string, std::string>& env,
                             const fs::path& dir, int port) {
  for (const auto& arg : container.value("args", json::array())) {
    argv.push_back(arg.get<std::string>());
  }
  RunningPod running;
  running.port = port != 0 ? port : freeLoopbackPort();
  running.log = dir / "redis.log";
  const std::vector<std::string> overrides = {"--bind", "127.0.0.1", "--port",
                                              std::to_string(running.port)};
  argv.insert(argv.end(), overrides.begin(), overrides.end());
  // argv[0] is "sh" already: execve runs /bin/sh with the pod's command as written.
  running.pid = spawn(argv, env, running.log);
  pids_.push_back(running.pid);
  return running;
}

RunningPod PodRunner::startSentinel(const json& pod, int port) {
  const json& container = pod.at("spec").at("containers").at(0);
  const fs::path dir = work_dir_ / pod.at("metadata").at("name").get<std::string>();
  fs::create_directories(dir / "data");
  std::vector<std::string> argv = container.at("command").get<std::vector<std::string>>();
  replaceAll(argv.at(2), std::string(kSentinelDataDir), (dir / "data").string());
  return launch(container, std::move(argv), {}, dir, port);
}

void PodRunner::crash(const RunningPod& pod) {
  kill(pod.pid, SIGKILL);
  waitPid(pod.pid, 5s);
  std::erase(pids_, pod.pid);
}

bool PodRunner::waitUntilServing(const RunningPod& pod, const std::string& password) {
  return waitFor(
      [&] {
        RedisConnection conn(pod.port);
        return !conn.command({"AUTH", password}).error && conn.command({"PING"}).text == "PONG";
      },
      10s);
}

bool PodRunner::exited(const RunningPod& pod, int* exit_code) {
  const auto status = waitPid(pod.pid, 0ms);
  if (!status) {
    return false;
  }
  std::erase(pids_, pod.pid);
  if (exit_code != nullptr && WIFEXITED(*status)) {
    *exit_code = WEXITSTATUS(*status);
  }
  return true;
}

void PodRunner::stopAll() {
  for (const pid_t pid : pids_) {
    stopProcess(pid);
  }
  pids_.clear();
}

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace rdr::resources::testing
