// Server TLS context from in-memory PEM.
#include "tls.h"

#include <openssl/ssl.h>

namespace rdr::http::detail {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> makeTlsContext(const TlsConfig& config) {
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Error(ErrorCode::Internal, std::string("cannot create a TLS context: ") + e.what());
  }
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       ec);
  if (ec) {
    return Error(ErrorCode::Internal, "cannot set the TLS options: " + ec.message());
  }
  context->use_certificate_chain(boost::asio::buffer(config.certificate_chain_pem), ec);
  if (ec) {
    return Error(ErrorCode::Invalid, "cannot load the TLS certificate chain: " + ec.message());
  }
  context->use_private_key(boost::asio::buffer(config.private_key_pem), ssl::context::pem, ec);
  if (ec) {
    return Error(ErrorCode::Invalid, "cannot load the TLS private key: " + ec.message());
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Error(ErrorCode::Invalid, "the TLS private key does not match the certificate");
  }
  return context;
}

} // namespace rdr::http::detail
