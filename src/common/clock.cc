// The process-wide real clock.
#include "rdr/common/clock.h"

namespace rdr {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

} // namespace rdr
