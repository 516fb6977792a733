// Which of a connection's addresses its cluster follows (rules in address_choice.h).
#include "rdr/controller/address_choice.h"

namespace rdr::controller {

std::size_t keptAddressIndex(const std::vector<api::HostPort>& addresses,
                             const std::string& last_source) {
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (api::formatHostPort(addresses[i].host, addresses[i].port) == last_source) {
      return i;
    }
  }
  return 0;
}

AddressChoice chooseProbedAddress(const std::vector<SourceObservation>& probes,
                                  std::size_t address_count, const std::string& connection) {
  AddressChoice choice;
  std::string problems;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (probes[i].problem.empty() && probes[i].node) { // rule 2
      choice.index = i;
      choice.usable = true;
      return choice;
    }
    problems += (problems.empty() ? "" : "; ") + probes[i].problem;
  }
  if (probes.empty()) {
    return choice;
  }
  choice.allowed = probes.front().allowed; // rule 3
  choice.problem = address_count == 1 ? probes.front().problem
                                      : "none of the " + std::to_string(address_count) +
                                            " addresses of ActiveRedisConnection " + connection +
                                            " is a usable source: " + problems;
  return choice;
}

} // namespace rdr::controller
