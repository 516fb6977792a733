// Fixture: the API server emulator served over HTTP on 127.0.0.1 and real RestClients talking to it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/http/server.h"
#include "rdr/kube/rest_client.h"
#include "rdr/runtime/informer.h"
#include "rdr/sandbox/api_server.h"

namespace rdr::client_emulator {

using nlohmann::json;
using namespace std::chrono_literals;

// One request the emulator answered, as the fixture's handler saw it.
struct LoggedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  int status = 0;

  bool isWatch() const;
  std::string resourceVersion() const; // the resourceVersion query parameter, or "<none>"
};

// Polls `condition` every 10 ms until it holds or `timeout` passes. @return the last result.
bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5000ms);

class ClientEmulatorTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

  // A second, independent client of the same server (its own connections).
  std::unique_ptr<kube::RestClient> newClient();

  // POSTs a fault request to /sandbox/v1/faults (in-process) and expects 200.
  void injectFault(const json& faults);

  // The requests logged so far whose path starts with `path_prefix`.
  std::vector<LoggedRequest> requests(const std::string& path_prefix) const;

  // Informer options for tests: all namespaces by default, a quick backoff.
  static runtime::InformerOptions informerOptions(const std::string& namespace_ = "default");

  static json configMap(const std::string& name, const std::string& value,
                        const std::string& namespace_ = "default");
  // The seed test/data/seeds/<file> as a creatable object (server-set metadata, owners and
  // status removed), in `namespace_`.
  static json seed(const std::string& file, const std::string& namespace_);
  // Creates a namespace (Namespace object) through the client.
  void createNamespace(const std::string& name);

  // The emulator's change log and open watches: GET /sandbox/v1/faults.
  json faultState();

  // While held, new watch requests (or LIST requests with a continue token) wait in the
  // fixture's handler before the emulator sees them (an informer that cannot reconnect, or is
  // stuck between two pages); releasing lets them through unchanged.
  void holdWatches(bool hold);
  void holdContinuedLists(bool hold);
  // How many such requests are waiting now.
  int heldWatches() const;
  int heldContinuedLists() const;

  // Overridable before SetUp: options of the emulator.
  sandbox::ApiServerOptions server_options_;

  SystemClock& clock_ = SystemClock::instance();
  std::unique_ptr<sandbox::ApiServer> api_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<kube::RestClient> client_;

private:
  http::Response handle(const http::Request& request);

  mutable std::mutex log_mutex_;
  std::condition_variable hold_cv_;
  bool hold_watches_ = false;  // guarded by log_mutex_, as the three below
  int held_watches_ = 0;
  bool hold_continues_ = false;
  int held_continues_ = 0;
  std::vector<LoggedRequest> log_;
};

// Records what an informer's handlers saw, thread-safely.
class HandlerLog {
public:
  runtime::EventHandlers handlers();

  int adds(const std::string& name) const;
  int updates(const std::string& name) const;
  int deletes(const std::string& name) const;
  int totalAdds() const;
  // Data "v" of the last add/update seen for `name`, or "".
  std::string lastValue(const std::string& name) const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, int> adds_;
  std::map<std::string, int> updates_;
  std::map<std::string, int> deletes_;
  std::map<std::string, std::string> last_;
};

// name -> data.v of every ConfigMap in the informer's cache, and of the server's list.
std::map<std::string, std::string> cachedValues(const runtime::Informer& informer);
std::map<std::string, std::string> serverValues(kube::Client& client, const std::string& ns);

} // namespace rdr::client_emulator
