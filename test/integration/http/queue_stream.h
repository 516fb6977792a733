// A ResponseStream fed by the test: push() chunks, finish() the body, and see whether the server
// closed it.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "rdr/http/server.h"

namespace rdr::http::testing {

class StreamFeed {
public:
  void push(std::string data);
  void finish();
  // Waits up to `timeout` for the server to close the stream.
  bool waitClosed(std::chrono::milliseconds timeout);
  // How many reads the server made (to see that it polls while idle).
  int reads() const;

  StreamRead read(std::chrono::milliseconds wait);
  void close();

private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;
  bool finished_ = false;
  bool closed_ = false;
  int reads_ = 0;
};

// The ResponseStream the handler returns; the test keeps the feed.
class FeedStream final : public ResponseStream {
public:
  explicit FeedStream(std::shared_ptr<StreamFeed> feed) : feed_(std::move(feed)) {}
  StreamRead read(std::chrono::milliseconds wait) override { return feed_->read(wait); }
  void close() override { feed_->close(); }

private:
  std::shared_ptr<StreamFeed> feed_;
};

} // namespace rdr::http::testing
