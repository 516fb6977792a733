// Which of an ActiveRedisConnection's addresses its cluster follows (pure). The observer probes
// the addresses in spec order and stops at the first usable one; these rules decide from that.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rdr/api/host_port.h"
#include "rdr/controller/source_probe.h"

namespace rdr::controller {

// Rule 1: a paused or detaching link does not contact the source: the address the last status
// names (status.replication.source) when it is one of `addresses`, else the first.
std::size_t keptAddressIndex(const std::vector<api::HostPort>& addresses,
                             const std::string& last_source);

struct AddressChoice {
  std::size_t index = 0; // into the connection's addresses
  bool usable = false;   // that address answered as a master with the password
  bool allowed = true;   // rule 3: the first address's verdict on --allowed-source-networks
  std::string problem;   // rule 3: one sentence naming what is wrong with every address
};

// Rules 2-3, from `probes` (the first probes.size() addresses, in order):
// 2. the first address that is allowed and answers as a master with the password;
// 3. none does: the first address, with its problem alone when there is one address, else
//    "none of the <n> addresses of ActiveRedisConnection <name> is a usable source: " and every
//    address's problem.
AddressChoice chooseProbedAddress(const std::vector<SourceObservation>& probes,
                                  std::size_t address_count, const std::string& connection);

} // namespace rdr::controller
