// The node agent's life cycle: informers, the sync thread, fault injection and stop.
#include <signal.h>
#include <sys/wait.h>

#include <spdlog/spdlog.h>

#include "rdr/runtime/sleeper.h"
#include "sandbox/nodeagent/node_agent_impl.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

runtime::InformerOptions allNamespaces() {
  runtime::InformerOptions options;
  options.backoff.initial = std::chrono::milliseconds(200);
  options.backoff.max = std::chrono::milliseconds(5000);
  return options;
}

} // namespace

NodeAgentImpl::NodeAgentImpl(kube::Client& client, NodeAgentOptions options, Ipv4Cidr cidr)
    : client_(client), options_(std::move(options)), layout_{options_.state_dir}, ips_(cidr) {}

NodeAgentImpl::~NodeAgentImpl() { stop(); }

void NodeAgentImpl::start() {
  auto& clock = SystemClock::instance();
  auto& sleeper = runtime::RealSleeper::instance();
  auto make = [&](kube::Resource resource, bool* flag) {
    auto informer = std::make_unique<runtime::Informer>(client_, std::move(resource),
                                                        allNamespaces(), clock, sleeper);
    runtime::EventHandlers handlers;
    auto mark = [this, flag] {
      {
        std::lock_guard lock(mutex_);
        dirty_ = true;
        if (flag != nullptr) {
          *flag = true;
        }
      }
      changed_.notify_all();
    };
    handlers.on_add = [mark](const json&) { mark(); };
    handlers.on_update = [mark](const json&, const json&) { mark(); };
    handlers.on_delete = [mark](const json&) { mark(); };
    informer->addHandlers(std::move(handlers));
    informer->start();
    return informer;
  };
  config_maps_ = make(kube::resources::configMaps(), &volumes_dirty_);
  secrets_ = make(kube::resources::secrets(), &volumes_dirty_);
  claims_ = make(kube::resources::persistentVolumeClaims(), &claims_dirty_);
  pods_ = make(kube::resources::pods(), nullptr);
  sync_thread_ = std::jthread([this](std::stop_token stop) { syncLoop(stop); });
  spdlog::info("The node agent {} runs pods on {} with pod IPs from {}, state in {}.",
               options_.node_name, options_.host_ip, options_.pod_cidr,
               options_.state_dir.string());
}

void NodeAgentImpl::wake() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  changed_.notify_all();
}

VolumeSources NodeAgentImpl::volumeSources() const {
  auto from = [](const runtime::Informer* informer) {
    return [informer](const std::string& ns, const std::string& name) {
      return informer->cache().get(kube::ObjectKey{ns, name});
    };
  };
  return VolumeSources{from(config_maps_.get()), from(secrets_.get()), from(claims_.get())};
}

Status NodeAgentImpl::signalPod(const std::string& ns, const std::string& name, int signal,
                                const char* what) {
  std::lock_guard lock(mutex_);
  int signalled = 0;
  for (auto& [uid, pod] : pods_by_uid_) {
    if (pod.ns != ns || pod.name != name || pod.terminating) {
      continue;
    }
    for (const ContainerRuntime& container : pod.containers) {
      if (container.pid > 0 && (::kill(-container.pid, signal) == 0 ||
                                ::kill(container.pid, signal) == 0)) {
        ++signalled;
      }
    }
  }
  if (signalled == 0) {
    return Error(ErrorCode::NotFound,
                 "pod " + ns + "/" + name + " has no running process on this node");
  }
  spdlog::info("Fault injection: {} pod {}/{} ({} process(es) got {}).", what, ns, name,
               signalled, ::strsignal(signal));
  return okStatus();
}

Status NodeAgentImpl::killPod(const std::string& ns, const std::string& name) {
  return signalPod(ns, name, SIGKILL, "killed");
}

Status NodeAgentImpl::freezePod(const std::string& ns, const std::string& name) {
  return signalPod(ns, name, SIGSTOP, "froze");
}

Status NodeAgentImpl::thawPod(const std::string& ns, const std::string& name) {
  return signalPod(ns, name, SIGCONT, "thawed");
}

std::string NodeAgentImpl::podIp(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& [uid, pod] : pods_by_uid_) {
    if (pod.ns == ns && pod.name == name && !pod.terminating) {
      return pod.ip;
    }
  }
  return "";
}

void NodeAgentImpl::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  sync_thread_.request_stop();
  changed_.notify_all();
  if (sync_thread_.joinable()) {
    sync_thread_.join();
  }
  for (auto* informer : {pods_.get(), config_maps_.get(), secrets_.get(), claims_.get()}) {
    if (informer != nullptr) {
      informer->stop();
    }
  }
  // Which processes still run? SIGTERM them all, SIGKILL what is left after stop_grace.
  std::lock_guard lock(mutex_);
  std::vector<pid_t> running;
  for (auto& [uid, pod] : pods_by_uid_) {
    for (ContainerRuntime& container : pod.containers) {
      if (container.prober) {
        container.prober->requestStop();
      }
    }
  }
  for (auto& [uid, pod] : pods_by_uid_) {
    for (ContainerRuntime& container : pod.containers) {
      container.prober.reset();
      if (container.pid > 0) {
        ::kill(-container.pid, SIGCONT); // a frozen process cannot act on SIGTERM
        ::kill(-container.pid, SIGTERM);
        running.push_back(container.pid);
      }
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.stop_grace;
  while (!running.empty()) {
    std::erase_if(running, [](pid_t pid) {
      int status = 0;
      return ::waitpid(pid, &status, WNOHANG) != 0;
    });
    if (running.empty()) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      for (pid_t pid : running) {
        spdlog::warn("Process {} did not stop within {} ms after SIGTERM; killing it.", pid,
                     options_.stop_grace.count());
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pods_by_uid_.clear();
  launcher_.stop();
  spdlog::info("The node agent {} stopped every pod process.", options_.node_name);
}

Result<std::unique_ptr<NodeAgent>> startNodeAgent(kube::Client& client, NodeAgentOptions options) {
  RDR_ASSIGN_OR_RETURN(const Ipv4Cidr cidr, parsePodCidr(options.pod_cidr));
  std::error_code ec;
  std::filesystem::create_directories(options.state_dir / "pods", ec);
  std::filesystem::create_directories(options.state_dir / "pvcs", ec);
  if (ec) {
    return Error(ErrorCode::Invalid, "cannot create the node agent's state directory " +
                                         options.state_dir.string() + ": " + ec.message());
  }
  auto agent = std::make_unique<NodeAgentImpl>(client, std::move(options), cidr);
  agent->start();
  return std::unique_ptr<NodeAgent>(std::move(agent));
}

} // namespace rdr::sandbox
