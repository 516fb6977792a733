// A WatchStream over an open cpprestsdk response: one JSON event per line, cancellable.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <cpprest/http_client.h>

#include "rdr/kube/client.h"

namespace rdr::kube {

// next() reads lines with read_line().get() on the calling thread: events split across chunks are
// reassembled by the stream, several events in one chunk come out one per call. cancel() cancels
// the request's token, which makes a pending read throw at once; next() then returns an error.
class RestWatchStream final : public WatchStream {
public:
  RestWatchStream(std::unique_ptr<web::http::client::http_client> client,
                  web::http::http_response response, pplx::cancellation_token_source cancellation,
                  std::string description);
  ~RestWatchStream() override;

  // WatchStream
  Result<std::optional<WatchEvent>> next() override;
  void cancel() override;

private:
  Error cancelledError() const;

  std::unique_ptr<web::http::client::http_client> client_; // owns the watch's connection
  web::http::http_response response_;
  concurrency::streams::istream body_;
  pplx::cancellation_token_source cancellation_;
  std::string description_; // "GET https://h/api/v1/pods?watch=true..."
  std::atomic<bool> cancelled_{false};
  bool finished_ = false; // only touched by the thread calling next()
};

} // namespace rdr::kube
