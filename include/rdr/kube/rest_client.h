// kube::Client over HTTPS with cpprestsdk: the operator's real connection to the API server.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/kube/client.h"
#include "rdr/kube/config.h"

namespace rdr::kube {

class HttpTransport; // src/kube/http_transport.h: the only place that touches cpprestsdk

struct RestClientOptions {
  std::chrono::seconds request_timeout{30}; // idle timeout of non-watch requests
  std::string user_agent = "redis-dr-operator";
};

// Every method blocks the calling thread until the server answers (cpprestsdk's .get()), so call it
// from operator threads, never from inside a pplx continuation. Thread-safe. No exception leaves
// it.
class RestClient final : public Client {
public:
  // @param clock drives the token file refresh; must outlive the client.
  // @return Invalid for a malformed server URL or unreadable PEM material.
  static Result<std::unique_ptr<RestClient>>
  connect(const ConnectionConfig& config, const Clock& clock, RestClientOptions options = {});
  ~RestClient() override;

  // GET /version: {"major":"1","minor":"32","gitVersion":...}, for start-up checks.
  Result<nlohmann::json> serverVersion();

  // Client
  Result<nlohmann::json> get(const Resource& resource, const ObjectKey& key) override;
  Result<ListResult> list(const Resource& resource, const std::string& namespace_,
                          const ListOptions& options) override;
  Result<nlohmann::json> create(const Resource& resource, const nlohmann::json& object) override;
  Result<nlohmann::json> update(const Resource& resource, const nlohmann::json& object) override;
  Result<nlohmann::json> updateStatus(const Resource& resource,
                                      const nlohmann::json& object) override;
  Result<nlohmann::json> patch(const Resource& resource, const ObjectKey& key, PatchType type,
                               const nlohmann::json& patch, const PatchOptions& options = {},
                               const std::string& subresource = "") override;
  Status remove(const Resource& resource, const ObjectKey& key,
                const DeleteOptions& options = {}) override;
  Result<std::unique_ptr<WatchStream>> watch(const Resource& resource,
                                             const std::string& namespace_,
                                             const WatchOptions& options) override;

private:
  explicit RestClient(std::unique_ptr<HttpTransport> transport);

  Result<nlohmann::json> call(const std::string& method, const std::string& target,
                              const std::string* body, const std::string& content_type);
  Result<nlohmann::json> put(const Resource& resource, const nlohmann::json& object,
                             const std::string& subresource);

  std::unique_ptr<HttpTransport> transport_;
};

} // namespace rdr::kube
