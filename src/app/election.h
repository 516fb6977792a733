// The manager's leader-election settings: identity and the runtime::LeaderElectionConfig.
#pragma once

#include <string>

#include "rdr/app/options.h"
#include "rdr/runtime/leader_elector.h"

namespace rdr::app {

// "<base>_<16 random hex digits>", base = $POD_NAME when set, else the host name (as
// controller-runtime's hostname + "_" + uuid): unique per process even on one host.
std::string leaderElectionIdentity();
// The same from a given base (tests).
std::string leaderElectionIdentity(const std::string& base);

// The lease, identity and durations from the options; release_on_cancel set. The callbacks are
// left for the manager to fill in.
runtime::LeaderElectionConfig leaderElectionConfig(const LeaderElectionOptions& options,
                                                   std::string identity);

} // namespace rdr::app
