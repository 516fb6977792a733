// The emulator fixture: in-process API server on an ephemeral loopback port, request log, helpers.
#include "emulator_fixture.h"

#include <fstream>
#include <sstream>

#include "rdr/common/yaml.h"
#include "rdr/kube/resource.h"

namespace rdr::client_emulator {

bool LoggedRequest::isWatch() const {
  const auto it = query.find("watch");
  return it != query.end() && (it->second == "true" || it->second == "1");
}

std::string LoggedRequest::resourceVersion() const {
  const auto it = query.find("resourceVersion");
  return it == query.end() ? "<none>" : it->second;
}

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

void ClientEmulatorTest::SetUp() {
  auto crds = sandbox::loadCrdDirectory(std::string(RDR_SOURCE_DIR) + "/crds");
  ASSERT_TRUE(crds) << crds.error().toString();
  server_options_.crds = *crds;
  server_options_.bookmark_interval = 300ms;
  auto api = sandbox::makeApiServer(server_options_, clock_);
  ASSERT_TRUE(api) << api.error().toString();
  api_ = std::move(api).value();
  http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  auto server = http::startServer(options, [this](const http::Request& r) { return handle(r); });
  ASSERT_TRUE(server) << server.error().toString();
  server_ = std::move(server).value();
  client_ = newClient();
  ASSERT_NE(client_, nullptr);
}

void ClientEmulatorTest::TearDown() {
  holdWatches(false);
  holdContinuedLists(false);
  if (server_) {
    server_->stop();
  }
}

http::Response ClientEmulatorTest::handle(const http::Request& request) {
  const auto watch = request.query.find("watch");
  if (request.method == "GET" && watch != request.query.end() && watch->second == "true") {
    std::unique_lock lock(log_mutex_);
    ++held_watches_;
    hold_cv_.wait_for(lock, 20s, [&] { return !hold_watches_; });
    --held_watches_;
  } else if (request.method == "GET" && request.query.contains("continue")) {
    std::unique_lock lock(log_mutex_);
    ++held_continues_;
    hold_cv_.wait_for(lock, 20s, [&] { return !hold_continues_; });
    --held_continues_;
  }
  http::Response response = api_->handle(request);
  std::lock_guard lock(log_mutex_);
  log_.push_back({request.method, request.path, request.query, response.status});
  return response;
}

std::unique_ptr<kube::RestClient> ClientEmulatorTest::newClient() {
  kube::ConnectionConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(server_->port());
  config.description = "the in-process emulator";
  kube::RestClientOptions options;
  options.request_timeout = std::chrono::seconds(10);
  auto client = kube::RestClient::connect(config, clock_, options);
  EXPECT_TRUE(client) << client.error().toString();
  return client ? std::move(client).value() : nullptr;
}

void ClientEmulatorTest::injectFault(const json& faults) {
  http::Request request;
  request.method = "POST";
  request.path = "/sandbox/v1/faults";
  request.headers["content-type"] = "application/json";
  request.body = faults.dump();
  const http::Response response = api_->handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
}

json ClientEmulatorTest::faultState() {
  http::Request request;
  request.method = "GET";
  request.path = "/sandbox/v1/faults";
  const http::Response response = api_->handle(request);
  EXPECT_EQ(response.status, 200) << response.body;
  return json::parse(response.body);
}

void ClientEmulatorTest::holdWatches(bool hold) {
  std::lock_guard lock(log_mutex_);
  hold_watches_ = hold;
  hold_cv_.notify_all();
}

int ClientEmulatorTest::heldWatches() const {
  std::lock_guard lock(log_mutex_);
  return hold_watches_ ? held_watches_ : 0;
}

void ClientEmulatorTest::holdContinuedLists(bool hold) {
  std::lock_guard lock(log_mutex_);
  hold_continues_ = hold;
  hold_cv_.notify_all();
}

int ClientEmulatorTest::heldContinuedLists() const {
  std::lock_guard lock(log_mutex_);
  return hold_continues_ ? held_continues_ : 0;
}

std::vector<LoggedRequest> ClientEmulatorTest::requests(const std::string& path_prefix) const {
  std::lock_guard lock(log_mutex_);
  std::vector<LoggedRequest> out;
  for (const auto& entry : log_) {
    if (entry.path.rfind(path_prefix, 0) == 0) {
      out.push_back(entry);
    }
  }
  return out;
}

runtime::InformerOptions ClientEmulatorTest::informerOptions(const std::string& namespace_) {
  runtime::InformerOptions options;
  options.namespace_ = namespace_;
  options.backoff.initial = 20ms;
  options.backoff.max = 200ms;
  return options;
}

json ClientEmulatorTest::configMap(const std::string& name, const std::string& value,
                                   const std::string& namespace_) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", namespace_}}},
          {"data", {{"v", value}}}};
}

json ClientEmulatorTest::seed(const std::string& file, const std::string& namespace_) {
  std::ifstream in(std::string(RDR_TEST_DATA_DIR) + "/seeds/" + file);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseYamlDocument(text.str());
  EXPECT_TRUE(parsed) << file << ": " << parsed.error().toString();
  if (!parsed) {
    return json::object();
  }
  json object = *parsed;
  json& meta = object["metadata"];
  for (const char* field : {"resourceVersion", "uid", "creationTimestamp", "generation",
                            "ownerReferences", "managedFields"}) {
    meta.erase(field);
  }
  meta["namespace"] = namespace_;
  object.erase("status");
  return object;
}

void ClientEmulatorTest::createNamespace(const std::string& name) {
  const json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  auto created = client_->create(kube::resources::namespaces(), ns);
  ASSERT_TRUE(created) << created.error().toString();
}

runtime::EventHandlers HandlerLog::handlers() {
  runtime::EventHandlers h;
  auto value = [](const json& o) { return o.value("data", json::object()).value("v", ""); };
  auto name = [](const json& o) { return o.at("metadata").value("name", ""); };
  h.on_add = [this, value, name](const json& o) {
    std::lock_guard lock(mutex_);
    ++adds_[name(o)];
    last_[name(o)] = value(o);
  };
  h.on_update = [this, value, name](const json&, const json& o) {
    std::lock_guard lock(mutex_);
    ++updates_[name(o)];
    last_[name(o)] = value(o);
  };
  h.on_delete = [this, name](const json& o) {
    std::lock_guard lock(mutex_);
    ++deletes_[name(o)];
  };
  return h;
}

namespace {
int countOf(const std::map<std::string, int>& counts, const std::string& name) {
  const auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second;
}
} // namespace

int HandlerLog::adds(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return countOf(adds_, name);
}
int HandlerLog::updates(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return countOf(updates_, name);
}
int HandlerLog::deletes(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return countOf(deletes_, name);
}
int HandlerLog::totalAdds() const {
  std::lock_guard lock(mutex_);
  int total = 0;
  for (const auto& [name, count] : adds_) {
    total += count;
  }
  return total;
}
std::string HandlerLog::lastValue(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = last_.find(name);
  return it == last_.end() ? "" : it->second;
}

std::map<std::string, std::string> cachedValues(const runtime::Informer& informer) {
  std::map<std::string, std::string> out;
  auto listed = informer.cache().list();
  if (!listed) {
    return out;
  }
  for (const json& o : *listed) {
    out[o.at("metadata").value("name", "")] = o.value("data", json::object()).value("v", "");
  }
  return out;
}

std::map<std::string, std::string> serverValues(kube::Client& client, const std::string& ns) {
  std::map<std::string, std::string> out;
  auto listed = client.list(kube::resources::configMaps(), ns, {});
  EXPECT_TRUE(listed) << listed.error().toString();
  if (!listed) {
    return out;
  }
  for (const json& o : listed->items) {
    out[o.at("metadata").value("name", "")] = o.value("data", json::object()).value("v", "");
  }
  return out;
}

} // namespace rdr::client_emulator
