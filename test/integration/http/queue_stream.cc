// The test's stream feed.
#include "queue_stream.h"

namespace rdr::http::testing {

void StreamFeed::push(std::string data) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(data));
  changed_.notify_all();
}

void StreamFeed::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

bool StreamFeed::waitClosed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return closed_; });
}

int StreamFeed::reads() const {
  std::lock_guard lock(mutex_);
  return reads_;
}

StreamRead StreamFeed::read(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  ++reads_;
  changed_.wait_for(lock, wait, [this] { return closed_ || finished_ || !pending_.empty(); });
  if (closed_) {
    return {StreamRead::Kind::End, ""};
  }
  if (!pending_.empty()) {
    StreamRead next{StreamRead::Kind::Data, std::move(pending_.front())};
    pending_.pop_front();
    return next;
  }
  if (finished_) {
    return {StreamRead::Kind::End, ""};
  }
  return {StreamRead::Kind::Idle, ""};
}

void StreamFeed::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

} // namespace rdr::http::testing
