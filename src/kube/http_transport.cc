// cpprestsdk requests with TLS from memory, bearer tokens and a single retry after a 401.
#include "kube/http_transport.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "kube/api_error.h"
#include "kube/rest_watch_stream.h"

namespace rdr::kube {
namespace {

namespace http = web::http;
namespace client = web::http::client;

// 1. With a CA configured only that CA is trusted (client-go): the store that cpprestsdk filled
//    from the system defaults is replaced before the CA is added.
// 2. Client certificate and key come from memory; the callback runs for every new connection.
void applyTls(const TlsMaterial& tls, boost::asio::ssl::context& context) {
  if (!tls.ca_pem.empty()) {
    SSL_CTX_set_cert_store(context.native_handle(), X509_STORE_new());
    context.add_certificate_authority(boost::asio::buffer(tls.ca_pem));
  }
  if (!tls.client_certificate_pem.empty()) {
    context.use_certificate_chain(boost::asio::buffer(tls.client_certificate_pem));
    context.use_private_key(boost::asio::buffer(tls.client_key_pem),
                            boost::asio::ssl::context::pem);
  }
}

// Loads the material into a throw-away context so that bad PEM fails at start-up, not per request.
Status checkTls(const TlsMaterial& tls, const std::string& description) {
  try {
    boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
    applyTls(tls, context);
  } catch (const std::exception& e) {
    return Error(ErrorCode::Invalid,
                 "the CA or client certificate of " + description + " is not usable: " + e.what());
  }
  return okStatus();
}

} // namespace

HttpTransport::HttpTransport(const ConnectionConfig& config, const Clock& clock,
                             std::chrono::seconds request_timeout, std::string user_agent)
    : server_(config.server), secure_(config.server.rfind("https://", 0) == 0),
      insecure_skip_verify_(config.insecure_skip_tls_verify),
      tls_(std::make_shared<const TlsMaterial>(
          TlsMaterial{config.ca_pem, config.client_certificate_pem, config.client_key_pem})),
      user_agent_(std::move(user_agent)), request_timeout_(request_timeout) {
  if (secure_) {
    tokens_ = std::make_unique<TokenSource>(config.token, config.token_file, clock);
  }
}

Result<std::unique_ptr<HttpTransport>> HttpTransport::create(const ConnectionConfig& config,
                                                             const Clock& clock,
                                                             std::chrono::seconds request_timeout,
                                                             std::string user_agent) {
  const bool https = config.server.rfind("https://", 0) == 0;
  if (!https && config.server.rfind("http://", 0) != 0) {
    return Error(ErrorCode::Invalid, "the API server URL \"" + config.server + "\" of " +
                                         config.description + " is not http:// or https://");
  }
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    return Error(ErrorCode::Invalid,
                 config.description + ": insecure-skip-tls-verify cannot be combined with a CA");
  }
  const bool has_credentials =
      !config.token.empty() || !config.token_file.empty() || !config.client_certificate_pem.empty();
  if (!https && has_credentials) {
    // As client-go: credentials are only ever sent over TLS.
    spdlog::warn("The API server {} of {} is plain http; its credentials will not be sent.",
                 config.server, config.description);
  }
  auto transport = std::unique_ptr<HttpTransport>(
      new HttpTransport(config, clock, request_timeout, std::move(user_agent)));
  try {
    if (https) {
      RDR_RETURN_IF_ERROR(checkTls(*transport->tls_, config.description));
    }
    transport->client_ = std::make_unique<client::http_client>(
        config.server, transport->clientConfig(request_timeout));
  } catch (const std::exception& e) {
    return Error(ErrorCode::Invalid,
                 "cannot use the API server URL " + config.server + ": " + e.what());
  }
  if (transport->tokens_) {
    auto first = transport->tokens_->token();
    if (!first) {
      return first.error().wrap(config.description);
    }
  }
  return transport;
}

client::http_client_config HttpTransport::clientConfig(std::chrono::seconds timeout) const {
  client::http_client_config config;
  config.set_timeout(timeout);
  if (secure_) {
    config.set_validate_certificates(!insecure_skip_verify_);
    config.set_ssl_context_callback(
        [tls = tls_](boost::asio::ssl::context& context) { applyTls(*tls, context); });
  }
  return config;
}

http::http_request HttpTransport::makeRequest(const std::string& method, const std::string& target,
                                              const std::string* body,
                                              const std::string& content_type,
                                              const std::string& token) const {
  http::http_request request(method);
  request.set_request_uri(target);
  request.headers().add("Accept", "application/json");
  request.headers().add("User-Agent", user_agent_);
  if (!token.empty()) {
    request.headers().add("Authorization", "Bearer " + token);
  }
  if (body != nullptr) {
    request.set_body(*body, content_type);
  }
  return request;
}

Result<std::string> HttpTransport::currentToken() {
  if (!tokens_) {
    return std::string();
  }
  return tokens_->token();
}

std::optional<std::string> HttpTransport::tokenForRetry(const std::string& rejected) {
  // A 401 with a token file may mean the kubelet rotated it: re-read at once and retry once, but
  // only with a different token (the same one would be rejected again).
  if (!tokens_ || !tokens_->rotates()) {
    return std::nullopt;
  }
  tokens_->invalidate();
  auto fresh = tokens_->token();
  if (!fresh || *fresh == rejected) {
    return std::nullopt;
  }
  spdlog::info("The API server {} rejected the bearer token; retrying once with the re-read one.",
               server_);
  return std::move(fresh).value();
}

Result<HttpReply> HttpTransport::send(const std::string& method, const std::string& target,
                                      const std::string* body, const std::string& content_type) {
  RDR_ASSIGN_OR_RETURN(const std::string token, currentToken());
  auto reply = sendOnce(method, target, body, content_type, token);
  if (reply && reply->status == 401) {
    if (auto fresh = tokenForRetry(token)) {
      return sendOnce(method, target, body, content_type, *fresh);
    }
  }
  return reply;
}

Result<HttpReply> HttpTransport::sendOnce(const std::string& method, const std::string& target,
                                          const std::string* body, const std::string& content_type,
                                          const std::string& token) {
  try {
    http::http_response response =
        client_->request(makeRequest(method, target, body, content_type, token)).get();
    HttpReply reply;
    reply.status = response.status_code();
    reply.body = response.extract_utf8string(true).get();
    spdlog::debug("{} {}{} answered HTTP {}.", method, server_, target, reply.status);
    return reply;
  } catch (const std::exception& e) {
    return transportError(method, server_ + target, e.what());
  }
}

Result<std::unique_ptr<WatchStream>> HttpTransport::openWatch(const std::string& target,
                                                              std::chrono::seconds idle_timeout) {
  RDR_ASSIGN_OR_RETURN(std::string token, currentToken());
  const std::string description = "GET " + server_ + target;
  for (int attempt = 0;; ++attempt) {
    try {
      auto watch_client =
          std::make_unique<client::http_client>(server_, clientConfig(idle_timeout));
      pplx::cancellation_token_source cancellation;
      http::http_response response =
          watch_client
              ->request(makeRequest("GET", target, nullptr, "", token), cancellation.get_token())
              .get();
      const int status = response.status_code();
      if (status == 200) {
        spdlog::debug("Opened the watch {}.", description);
        return std::unique_ptr<WatchStream>(std::make_unique<RestWatchStream>(
            std::move(watch_client), std::move(response), std::move(cancellation), description));
      }
      const std::string body = response.extract_utf8string(true).get();
      if (status == 401 && attempt == 0) {
        if (auto fresh = tokenForRetry(token)) {
          token = std::move(*fresh);
          continue;
        }
      }
      return errorFromResponse(status, body);
    } catch (const std::exception& e) {
      return transportError("GET", server_ + target, e.what());
    }
  }
}

} // namespace rdr::kube
