// The server-side TLS context built from a PEM certificate chain and private key held in memory.
#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "rdr/common/result.h"
#include "rdr/http/server.h"

namespace rdr::http::detail {

// TLS 1.2 and 1.3 only. Invalid when the chain or the key does not load or they do not match.
Result<std::unique_ptr<boost::asio::ssl::context>> makeTlsContext(const TlsConfig& config);

} // namespace rdr::http::detail
