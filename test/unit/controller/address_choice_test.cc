// keptAddressIndex and chooseProbedAddress as tables: which of a connection's addresses is used.
#include <gtest/gtest.h>

#include "rdr/controller/address_choice.h"

namespace rdr::controller {
namespace {

SourceObservation usable(const std::string& address) {
  SourceObservation probe;
  probe.address = address;
  probe.node = replication::NodeState{};
  return probe;
}

SourceObservation broken(const std::string& address, const std::string& problem,
                         bool allowed = true) {
  SourceObservation probe;
  probe.address = address;
  probe.allowed = allowed;
  probe.problem = problem;
  return probe;
}

TEST(KeptAddressIndex, TheLastStatusAddressElseTheFirst) {
  const std::vector<api::HostPort> addresses = {{"127.0.11.9", 6379}, {"127.0.11.5", 6379}};
  EXPECT_EQ(keptAddressIndex(addresses, "127.0.11.5:6379"), 1u);
  EXPECT_EQ(keptAddressIndex(addresses, "127.0.11.7:6379"), 0u) << "not one of them";
  EXPECT_EQ(keptAddressIndex(addresses, ""), 0u) << "no status yet";
}

struct Case {
  const char* name;
  std::vector<SourceObservation> probes;
  std::size_t addresses;
  std::size_t index;
  bool usable;
  bool allowed;
  std::string problem;
};

TEST(ChooseProbedAddress, Rules) {
  const Case cases[] = {
      {"rule 2: the first usable address", {usable("a:1")}, 2, 0, true, true, ""},
      {"rule 2: a later one when the first is down",
       {broken("a:1", "the source a:1 is not reachable"), usable("b:1")}, 2, 1, true, true, ""},
      {"rule 3: one address: its own problem",
       {broken("a:1", "the source a:1 refuses the password")}, 1, 0, false, true,
       "the source a:1 refuses the password"},
      {"rule 3: every address's problem in one sentence, the first address's network verdict",
       {broken("a:1", "the source a:1 resolves outside --allowed-source-networks", false),
        broken("b:1", "the source b:1 is not reachable")},
       2, 0, false, false,
       "none of the 2 addresses of ActiveRedisConnection conn is a usable source: the source a:1 "
       "resolves outside --allowed-source-networks; the source b:1 is not reachable"},
  };
  for (const Case& c : cases) {
    const AddressChoice choice = chooseProbedAddress(c.probes, c.addresses, "conn");
    EXPECT_EQ(choice.index, c.index) << c.name;
    EXPECT_EQ(choice.usable, c.usable) << c.name;
    EXPECT_EQ(choice.allowed, c.allowed) << c.name;
    EXPECT_EQ(choice.problem, c.problem) << c.name;
  }
}

} // namespace
} // namespace rdr::controller
