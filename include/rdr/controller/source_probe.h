// Looks at a replica-mode source: resolves it, checks --allowed-source-networks, asks INFO.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/ipv4.h"
#include "rdr/common/result.h"
#include "rdr/redis/admin.h"
#include "rdr/redis/info.h"
#include "rdr/replication/node_state.h"

namespace rdr::controller {

// Resolves a host name to IPv4/IPv6 addresses (getaddrinfo behind an interface so tests fake it).
class HostResolver {
public:
  virtual ~HostResolver() = default;

  // @param host supplies a DNS name or an IP literal (an IPv6 literal with or without brackets).
  // @return the addresses as numeric text ("10.0.0.1", "fd00::1"), without duplicates, in the
  //         resolver's order; NotFound "cannot resolve <host>: <reason>" when the name does not
  //         exist, Transient (same wording) when the resolver could not answer now.
  virtual Result<std::vector<std::string>> resolve(const std::string& host) = 0;
};

// getaddrinfo (AF_UNSPEC); numeric IPs are returned as is, without a lookup.
std::unique_ptr<HostResolver> makeSystemResolver();

// An IPv6 network such as fd00:10::/32.
struct Ipv6Cidr {
  std::array<std::uint8_t, 16> network{}; // host bits zero
  int prefix = 128;                       // 0..128

  // Parses "addr/n" with n in 0..128 (addr as inet_pton reads it). Invalid when malformed or
  // when host bits are set after the prefix.
  static Result<Ipv6Cidr> parse(std::string_view text);

  bool contains(const std::array<std::uint8_t, 16>& address) const;
  std::string toString() const; // "fd00:10::/32"

  bool operator==(const Ipv6Cidr&) const = default;
};

// The networks a source may resolve into (--allowed-source-networks).
struct AllowedNetworks {
  std::vector<Ipv4Cidr> v4;
  std::vector<Ipv6Cidr> v6; // no IPv6 entry: every IPv6 source is refused (unless `any`)
  bool any = true;          // no restriction at all

  // Whether an address (numeric text) is inside. An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
  // is checked as the IPv4 address it reaches; text that is no IP address is never inside.
  bool contains(std::string_view address) const;
  // "127.0.0.0/8,fd00::/8" (canonical), or "any".
  std::string toString() const;
};

// "" (the default) or "0.0.0.0/0" => any. Entries are comma-separated CIDRs, IPv4 or IPv6,
// spaces around them ignored. Invalid naming the bad entry: "\"10.0.0.1/33\" is not ...".
Result<AllowedNetworks> parseAllowedNetworks(const std::string& comma_separated);

struct SourceObservation {
  std::string address;               // "host:port" as in status.replication.source
  std::vector<std::string> resolved; // IPs
  bool resolvable = false;
  bool allowed = true;   // every resolved IP inside the allowed networks
  bool reachable = false; // INFO replication answered
  std::optional<std::string> connected; // the "ip:port" that was asked, when one was
  std::optional<replication::NodeState> node; // the source's answer (role, offset, replid ...)
  std::optional<redis::StatsInfo> stats;      // INFO stats: sync_full, sync_partial_ok
  // Empty when fine; else ONE sentence saying exactly what is wrong, e.g.
  // "the source 127.0.11.5:6379 is not reachable: connection refused".
  std::string problem;
};

// Resolves, checks the allowed networks (never connects to a disallowed address), then asks
// INFO replication and INFO stats on the first resolved address with the password.
// @param password supplies the source's password; nullopt sends none (a missing Secret is the
//        caller's problem: it says so itself, or probes without one).
// @param auth_secret_name supplies the Secret's name for the wrong-password sentence; empty
//        when unknown.
// A failed probe is an observation (`problem`), never an error. The password is never logged.
SourceObservation probeSource(const std::string& host, int port,
                              const std::optional<std::string>& password, HostResolver& resolver,
                              redis::RedisConnector& connector, const AllowedNetworks& allowed,
                              const std::string& auth_secret_name = {});

} // namespace rdr::controller
