// Reading watch events line by line from a cpprestsdk response body.
#include "kube/rest_watch_stream.h"

#include <cpprest/containerstream.h>
#include <spdlog/spdlog.h>

#include "kube/watch_event.h"

namespace rdr::kube {

RestWatchStream::RestWatchStream(std::unique_ptr<web::http::client::http_client> client,
                                 web::http::http_response response,
                                 pplx::cancellation_token_source cancellation,
                                 std::string description)
    : client_(std::move(client)), response_(std::move(response)), body_(response_.body()),
      cancellation_(std::move(cancellation)), description_(std::move(description)) {}

RestWatchStream::~RestWatchStream() {
  // An unfinished watch still holds its connection: cancelling closes it before the client goes.
  if (!finished_) {
    cancellation_.cancel();
  }
}

Error RestWatchStream::cancelledError() const {
  return Error(ErrorCode::Terminal, "the watch " + description_ + " was cancelled");
}

Result<std::optional<WatchEvent>> RestWatchStream::next() {
  // 1. After cancel() every call fails; after the end of the stream every call returns nothing.
  // 2. Empty lines are skipped; a line that is not an event breaks the stream (Transient).
  // 3. A read failure is Transient, unless it is the consequence of cancel().
  if (cancelled_) {
    finished_ = true;
    return cancelledError();
  }
  if (finished_) {
    return std::optional<WatchEvent>();
  }
  for (;;) {
    concurrency::streams::container_buffer<std::string> line;
    std::size_t length = 0;
    try {
      length = body_.read_line(line).get();
    } catch (const std::exception& e) {
      finished_ = true;
      if (cancelled_) {
        return cancelledError();
      }
      return Error(ErrorCode::Transient,
                   "while reading the watch " + description_ + ": " + e.what());
    }
    if (cancelled_) {
      finished_ = true;
      return cancelledError();
    }
    if (length == 0 && body_.is_eof()) {
      finished_ = true;
      spdlog::debug("The server ended the watch {}.", description_);
      return std::optional<WatchEvent>();
    }
    const std::string& text = line.collection();
    if (text.empty() || text == "\r") {
      continue;
    }
    auto event = decodeWatchEvent(text);
    if (!event) {
      finished_ = true;
      return event.error().wrap("while reading the watch " + description_);
    }
    return std::optional<WatchEvent>(std::move(event).value());
  }
}

void RestWatchStream::cancel() {
  cancelled_ = true;
  cancellation_.cancel();
}

} // namespace rdr::kube
