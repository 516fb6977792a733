// The cpprestsdk adapter: TLS, bearer tokens, one blocking request, the opening of a watch.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <cpprest/http_client.h>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/kube/client.h"
#include "rdr/kube/config.h"
#include "rdr/kube/token_source.h"

namespace rdr::kube {

struct HttpReply {
  int status = 0;
  std::string body;
};

// TLS material shared by every connection of every client (the callback runs per connection).
struct TlsMaterial {
  std::string ca_pem;
  std::string client_certificate_pem;
  std::string client_key_pem;
};

// cpprestsdk notes (kubernetes-api.md §8.2):
// 1. Its asio backend runs on a fixed pool of 40 threads. We never block inside a continuation:
//    every .get() here runs on the caller's thread, and a watch waiting for data holds a
//    connection, not a pool thread. So the pool bounds concurrency of completions, not of watches.
// 2. http_client_config::set_timeout is an idle timer restarted by every chunk: non-watch requests
//    use the configured request timeout, a watch gets timeoutSeconds + 30 s.
// 3. No exception leaves this class: each one becomes a Transient error naming the request.
class HttpTransport {
public:
  // @return Invalid for a server URL that is not http(s) or PEM material OpenSSL rejects.
  static Result<std::unique_ptr<HttpTransport>> create(const ConnectionConfig& config,
                                                       const Clock& clock,
                                                       std::chrono::seconds request_timeout,
                                                       std::string user_agent);

  // Sends one request and reads the whole answer, retrying once after a 401 when the token file
  // holds a different token. @param body nullptr for none.
  Result<HttpReply> send(const std::string& method, const std::string& target,
                         const std::string* body, const std::string& content_type);

  // GETs `target` (a watch query) and returns the stream once the headers arrived; a non-200
  // answer is read whole and returned as a typed error (410 -> Expired).
  Result<std::unique_ptr<WatchStream>> openWatch(const std::string& target,
                                                 std::chrono::seconds idle_timeout);

  const std::string& server() const { return server_; }

private:
  HttpTransport(const ConnectionConfig& config, const Clock& clock,
                std::chrono::seconds request_timeout, std::string user_agent);

  web::http::client::http_client_config clientConfig(std::chrono::seconds timeout) const;
  web::http::http_request makeRequest(const std::string& method, const std::string& target,
                                      const std::string* body, const std::string& content_type,
                                      const std::string& token) const;
  Result<HttpReply> sendOnce(const std::string& method, const std::string& target,
                             const std::string* body, const std::string& content_type,
                             const std::string& token);
  Result<std::string> currentToken();
  // After a 401: the token to retry with, or nothing when a retry cannot help.
  std::optional<std::string> tokenForRetry(const std::string& rejected);

  std::string server_;
  bool secure_ = false;
  bool insecure_skip_verify_ = false;
  std::shared_ptr<const TlsMaterial> tls_;
  std::unique_ptr<TokenSource> tokens_; // null on plain http: credentials are never sent there
  std::string user_agent_;
  std::chrono::seconds request_timeout_;
  std::unique_ptr<web::http::client::http_client> client_;
};

} // namespace rdr::kube
