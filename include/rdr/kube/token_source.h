// The bearer token of every request: static, or re-read from a file that the kubelet rotates.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"

namespace rdr::kube {

// Thread-safe. With a token file, the file is re-read at most every kRefreshPeriod (client-go's
// cached file token source) and right after invalidate(), which callers use on a 401. A failed
// re-read keeps the last good token; the file is opened by path each time because the kubelet swaps
// a symlink.
class TokenSource {
public:
  static constexpr std::chrono::seconds kRefreshPeriod{60};

  // @param clock used for the refresh period; must outlive the source.
  TokenSource(std::string static_token, std::string token_file, const Clock& clock);

  // @return the token to send, "" when none is configured; Unauthorized when the file cannot be
  // read
  //         (or is empty) and no earlier token exists.
  Result<std::string> token();

  // Makes the next token() re-read the file (after the server answered 401).
  void invalidate();

  // True when the token can change (it comes from a file).
  bool rotates() const { return !token_file_.empty(); }

private:
  const std::string static_token_;
  const std::string token_file_;
  const Clock& clock_;
  std::mutex mutex_;
  std::optional<std::string> cached_;         // the last token read from the file
  std::optional<MonotonicTime> next_refresh_; // absent: read at the next token()
};

} // namespace rdr::kube
