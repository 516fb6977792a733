// The node side of `serve`: a client of its own API server, the node agent, the Service proxy and
// the fault endpoint.
#include "node_side.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "rdr/common/clock.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

http::Response answer(int status, const std::string& message) {
  return http::Response::json(status, json{{"message", message}}.dump());
}

int httpStatusOf(const Error& error) {
  if (error.is(ErrorCode::NotFound)) {
    return 404;
  }
  return error.is(ErrorCode::Invalid) ? 400 : 500;
}

} // namespace

Result<std::unique_ptr<NodeSide>> NodeSide::start(NodeSideOptions options) {
  kube::ConnectionConfig config;
  config.server = options.server_url;
  config.ca_pem = options.ca_pem;
  config.token = options.token;
  config.description = "the sandbox's own API server";
  kube::RestClientOptions client_options;
  client_options.user_agent = "redis-dr-sandbox-node";
  std::unique_ptr<NodeSide> side(new NodeSide());
  RDR_ASSIGN_OR_RETURN(side->client_,
                       kube::RestClient::connect(config, SystemClock::instance(), client_options));
  RDR_ASSIGN_OR_RETURN(side->agent_, startNodeAgent(*side->client_, std::move(options.agent)));
  if (options.proxy) {
    auto proxy = startServiceProxy(*side->client_, std::move(options.proxy_options));
    if (!proxy) {
      side->stop();
      return proxy.error().wrap("while starting the Service proxy");
    }
    side->proxy_ = std::move(proxy).value();
  }
  return side;
}

NodeSide::~NodeSide() { stop(); }

void NodeSide::stop() {
  if (proxy_) {
    proxy_->stop();
  }
  if (agent_) {
    agent_->stop();
  }
}

http::Response NodeSide::handleFault(const http::Request& request) {
  if (request.method != "POST") {
    return answer(405, "use POST with {\"action\", \"namespace\", \"name\"}");
  }
  const json body = json::parse(request.body, nullptr, false);
  auto text = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>()
               : std::string();
  };
  if (text("action").empty() || text("name").empty() ||
      (body.contains("namespace") && !body["namespace"].is_string())) {
    return answer(400, "the body must be a JSON object with \"action\" (kill-pod, freeze-pod, "
                       "thaw-pod, cut, heal), \"namespace\" and \"name\"");
  }
  const std::string action = text("action");
  const std::string ns = text("namespace").empty() ? "default" : text("namespace");
  const std::string name = text("name");
  Status done = okStatus();
  std::string message;
  if (action == "kill-pod") {
    done = agent_->killPod(ns, name);
    message = "killed the processes of pod " + ns + "/" + name + " (SIGKILL)";
  } else if (action == "freeze-pod") {
    done = agent_->freezePod(ns, name);
    message = "froze the processes of pod " + ns + "/" + name + " (SIGSTOP)";
  } else if (action == "thaw-pod") {
    done = agent_->thawPod(ns, name);
    message = "thawed the processes of pod " + ns + "/" + name + " (SIGCONT)";
  } else if (action == "cut" || action == "heal") {
    if (!proxy_) {
      return answer(404, "the Service proxy is not running in this sandbox");
    }
    done = action == "cut" ? proxy_->cut(ns, name) : proxy_->heal(ns, name);
    message = (action == "cut" ? "cut the traffic of service " : "healed the traffic of service ") +
              ns + "/" + name;
  } else {
    return answer(400, "unknown action \"" + action +
                           "\": use kill-pod, freeze-pod, thaw-pod, cut or heal");
  }
  if (!done) {
    spdlog::warn("The node fault {} on {}/{} failed: {}.", action, ns, name,
                 done.error().toString());
    return answer(httpStatusOf(done.error()), done.error().message());
  }
  spdlog::info("Node fault injected: {}.", message);
  return answer(200, message);
}

} // namespace rdr::sandbox
