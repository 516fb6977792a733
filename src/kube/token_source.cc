// Bearer tokens from a static value or a rotated file.
#include "rdr/kube/token_source.h"

#include <spdlog/spdlog.h>

#include "rdr/common/file.h"
#include "rdr/common/text.h"

namespace rdr::kube {

TokenSource::TokenSource(std::string static_token, std::string token_file, const Clock& clock)
    : static_token_(std::move(static_token)), token_file_(std::move(token_file)), clock_(clock) {}

Result<std::string> TokenSource::token() {
  if (token_file_.empty()) {
    return static_token_;
  }
  std::lock_guard lock(mutex_);
  const MonotonicTime now = clock_.monotonic();
  if (cached_ && next_refresh_ && now < *next_refresh_) {
    return *cached_;
  }
  // 1. Read the file by path (the kubelet replaces it through a symlink swap).
  // 2. An unreadable or empty file keeps the last good token and tries again next period.
  // 3. Never read successfully: the static token, if any (client-go: the file wins once read).
  // 4. Without any token the request cannot be authenticated: Unauthorized.
  auto content = readFile(token_file_);
  std::string fresh = content ? trim(std::move(content).value()) : std::string();
  next_refresh_ = now + kRefreshPeriod;
  if (!fresh.empty()) {
    if (cached_ && *cached_ != fresh) {
      spdlog::info("The bearer token in {} changed; using the new one.", token_file_);
    }
    cached_ = std::move(fresh);
    return *cached_;
  }
  const std::string why = content ? "the file is empty" : content.error().message();
  if (cached_) {
    spdlog::warn("Could not re-read the bearer token file {} ({}); keeping the previous token.",
                 token_file_, why);
    return *cached_;
  }
  if (!static_token_.empty()) {
    return static_token_;
  }
  return Error(ErrorCode::Unauthorized, "no bearer token in " + token_file_ + ": " + why);
}

void TokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  next_refresh_.reset();
}

} // namespace rdr::kube
