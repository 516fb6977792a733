// Sleeper: the injected way runtime threads wait, so that tests never wait for real time.
#pragma once

#include <chrono>
#include <stop_token>

namespace rdr::runtime {

class Sleeper {
public:
  virtual ~Sleeper() = default;

  // Waits for `duration` or until `stop` is requested.
  // @return true when the full duration passed, false when stopped early.
  virtual bool sleepFor(std::chrono::milliseconds duration, std::stop_token stop) = 0;
};

// Waits on the steady clock; a stop request wakes it at once.
class RealSleeper final : public Sleeper {
public:
  // Sleeper
  bool sleepFor(std::chrono::milliseconds duration, std::stop_token stop) override;

  static RealSleeper& instance();
};

} // namespace rdr::runtime
