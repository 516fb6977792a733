// Probes a replica-mode source: name resolution, the --allowed-source-networks check, INFO.
#include "rdr/controller/source_probe.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "observe.h"
#include "rdr/api/host_port.h"

namespace rdr::controller {
namespace {

using Ipv6Bytes = std::array<std::uint8_t, 16>;

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "[fd00::1]" -> "fd00::1"; anything else unchanged.
std::string withoutBrackets(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// "fe80::1%eth0" -> "fe80::1": the zone names an interface, not a different address.
std::string_view withoutZone(std::string_view address) {
  return address.substr(0, address.find('%'));
}

std::optional<Ipv6Bytes> parseIpv6(std::string_view text) {
  const std::string copy(withoutZone(text));
  Ipv6Bytes bytes{};
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) {
    return std::nullopt;
  }
  return bytes;
}

bool isIpLiteral(const std::string& host) {
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || parseIpv6(host).has_value();
}

// ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d: the IPv4 list decides for it.
std::optional<std::uint32_t> mappedIpv4(const Ipv6Bytes& bytes) {
  const bool mapped =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](auto b) { return b == 0; }) &&
      bytes[10] == 0xff && bytes[11] == 0xff;
  if (!mapped) {
    return std::nullopt;
  }
  return (std::uint32_t{bytes[12]} << 24) | (std::uint32_t{bytes[13]} << 16) |
         (std::uint32_t{bytes[14]} << 8) | std::uint32_t{bytes[15]};
}

class SystemResolver final : public HostResolver {
public:
  // HostResolver
  Result<std::vector<std::string>> resolve(const std::string& host) override {
    const std::string bare = withoutBrackets(host);
    if (isIpLiteral(bare)) {
      return std::vector<std::string>{bare};
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(bare.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
      const std::string reason = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
      // EAI_AGAIN: the resolver did not answer; the name may well exist.
      const ErrorCode code = rc == EAI_AGAIN ? ErrorCode::Transient : ErrorCode::NotFound;
      return Error(code, "cannot resolve " + host + ": " + reason);
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(list, freeaddrinfo);
    std::vector<std::string> addresses;
    for (const addrinfo* entry = list; entry != nullptr; entry = entry->ai_next) {
      char text[NI_MAXHOST] = {};
      if (getnameinfo(entry->ai_addr, entry->ai_addrlen, text, sizeof(text), nullptr, 0,
                      NI_NUMERICHOST) != 0) {
        continue;
      }
      if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
        addresses.emplace_back(text);
      }
    }
    if (addresses.empty()) {
      return Error(ErrorCode::NotFound, "cannot resolve " + host + ": no IPv4 or IPv6 address");
    }
    return addresses;
  }
};

// The reason in a resolver error: "cannot resolve <host>: <reason>" -> "<reason>".
std::string resolveReason(const Error& error, const std::string& host) {
  const std::string prefix = "cannot resolve " + host + ": ";
  const std::string& message = error.message();
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

// The detail of a RedisAdmin error: "redis <endpoint>: <what>: <detail>" -> "<detail>".
std::string adminDetail(const Error& error, const redis::Endpoint& endpoint,
                        const std::string& what) {
  const std::string prefix = "redis " + endpoint.toString() + ": " + what + ": ";
  const std::string& message = error.message();
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

// One sentence for a failed INFO replication on the source.
std::string infoProblem(const Error& error, const std::string& address,
                        const std::optional<std::string>& password,
                        const std::string& auth_secret_name, const std::string& detail) {
  const std::string source = "the source " + address;
  switch (error.code()) {
  case ErrorCode::Transient:
    return source + " is not reachable: " + detail;
  case ErrorCode::Unauthorized:
    if (!password) {
      return source + " requires a password and none was given (replicaMode.source." +
             "authSecretName names the Secret that holds it)";
    }
    if (auth_secret_name.empty()) {
      return source + " refuses the password it was given";
    }
    return source + " refuses the password in Secret " + auth_secret_name;
  case ErrorCode::Forbidden:
    return source + " does not allow INFO replication to the operator: " + detail;
  default:
    return source + " answered INFO replication with an error: " + detail;
  }
}

} // namespace

std::unique_ptr<HostResolver> makeSystemResolver() {
  return std::make_unique<SystemResolver>();
}

// ---------------------------------------------------------------------------------------------
// Allowed networks

Result<Ipv6Cidr> Ipv6Cidr::parse(std::string_view text) {
  const auto malformed = [&] {
    return Error(ErrorCode::Invalid, "\"" + std::string(text) +
                                         "\" is not an IPv6 CIDR (addr/n with n in 0..128)");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return malformed();
  }
  const std::string_view address_text = text.substr(0, slash);
  const std::string_view digits = text.substr(slash + 1);
  // Digits only, no sign and no leading zero (as Ipv4Cidr): "/064" is a typo, not 64.
  const bool decimal = !digits.empty() && digits.size() <= 3 &&
                       std::all_of(digits.begin(), digits.end(),
                                   [](char c) { return c >= '0' && c <= '9'; }) &&
                       (digits.size() == 1 || digits.front() != '0');
  const auto address = address_text.find('%') == std::string_view::npos
                           ? parseIpv6(address_text)
                           : std::nullopt;
  if (!decimal || !address) {
    return malformed();
  }
  const int prefix = std::stoi(std::string(digits));
  if (prefix > 128) {
    return malformed();
  }
  Ipv6Cidr cidr;
  cidr.prefix = prefix;
  for (int index = 0; index < 16; ++index) {
    const int bits = std::clamp(prefix - 8 * index, 0, 8);
    const auto mask = static_cast<std::uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
    cidr.network[static_cast<std::size_t>(index)] =
        (*address)[static_cast<std::size_t>(index)] & mask;
  }
  if (cidr.network != *address) {
    return Error(ErrorCode::Invalid, "the CIDR \"" + std::string(text) +
                                         "\" has host bits set after the prefix (the network is " +
                                         cidr.toString() + ")");
  }
  return cidr;
}

bool Ipv6Cidr::contains(const std::array<std::uint8_t, 16>& address) const {
  for (int index = 0; index < 16; ++index) {
    const int bits = std::clamp(prefix - 8 * index, 0, 8);
    const auto mask = static_cast<std::uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
    const auto at = static_cast<std::size_t>(index);
    if ((address[at] & mask) != network[at]) {
      return false;
    }
  }
  return true;
}

std::string Ipv6Cidr::toString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, network.data(), text, sizeof(text));
  return std::string(text) + "/" + std::to_string(prefix);
}

bool AllowedNetworks::contains(std::string_view address) const {
  if (any) {
    return true;
  }
  std::optional<std::uint32_t> v4_address;
  if (auto parsed = parseIpv4(address)) {
    v4_address = *parsed;
  } else if (auto bytes = parseIpv6(address)) {
    v4_address = mappedIpv4(*bytes);
    if (!v4_address) {
      return std::any_of(v6.begin(), v6.end(),
                         [&](const Ipv6Cidr& cidr) { return cidr.contains(*bytes); });
    }
  }
  if (!v4_address) {
    return false; // not an IP address: nothing to vouch for
  }
  return std::any_of(v4.begin(), v4.end(),
                     [&](const Ipv4Cidr& cidr) { return cidr.contains(*v4_address); });
}

std::string AllowedNetworks::toString() const {
  if (any) {
    return "any";
  }
  std::string text;
  for (const Ipv4Cidr& cidr : v4) {
    text += (text.empty() ? "" : ",") + cidr.toString();
  }
  for (const Ipv6Cidr& cidr : v6) {
    text += (text.empty() ? "" : ",") + cidr.toString();
  }
  return text;
}

// Which text means "no restriction":
// 1) an empty flag (the default);
// 2) a list with 0.0.0.0/0 and no IPv6 entry (the flag's own spelling of "any");
// 3) a list with both 0.0.0.0/0 and ::/0.
// Anything else restricts: ::/0 alone allows every IPv6 address and no IPv4 one, and a list
// without IPv6 entries refuses every IPv6 source.
Result<AllowedNetworks> parseAllowedNetworks(const std::string& comma_separated) {
  AllowedNetworks allowed;
  if (trimmed(comma_separated).empty()) {
    return allowed;
  }
  allowed.any = false;
  std::string_view rest = comma_separated;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view entry = trimmed(rest.substr(0, comma));
    if (entry.empty()) {
      return Error(ErrorCode::Invalid,
                   "empty entry in \"" + comma_separated + "\" (CIDRs separated by commas)");
    }
    if (entry.find(':') != std::string_view::npos) {
      RDR_ASSIGN_OR_RETURN(Ipv6Cidr cidr, Ipv6Cidr::parse(entry));
      allowed.v6.push_back(cidr);
    } else {
      RDR_ASSIGN_OR_RETURN(Ipv4Cidr cidr, Ipv4Cidr::parse(entry));
      allowed.v4.push_back(cidr);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  const bool all_v4 = std::any_of(allowed.v4.begin(), allowed.v4.end(),
                                  [](const Ipv4Cidr& cidr) { return cidr.prefix == 0; });
  const bool all_v6 = std::any_of(allowed.v6.begin(), allowed.v6.end(),
                                  [](const Ipv6Cidr& cidr) { return cidr.prefix == 0; });
  allowed.any = all_v4 && (allowed.v6.empty() || all_v6);
  return allowed;
}

// ---------------------------------------------------------------------------------------------
// The probe

// How the source is looked at, in order; the first rule that fails writes `problem` and ends:
// 1) Resolve the host. A numeric IP is its own answer. No answer: "cannot be resolved".
// 2) Every resolved address must be inside the allowed networks, not just the first: the leader
//    pod resolves the name itself and may pick any of them. Outside: refused, and nothing is
//    sent to any address of the source.
// 3) INFO replication on the first resolved address, with the password: unreachable, refused
//    password, or another error reply each have their own sentence.
// 4) INFO stats (sync counters for reverse-replication reports); a failure here only leaves
//    `stats` empty: the source answered, so it is reachable.
// 5) A source that is itself a replica is wrong: the cluster would cascade from a node that
//    can change its upstream at any time.
SourceObservation probeSource(const std::string& host, int port,
                              const std::optional<std::string>& password, HostResolver& resolver,
                              redis::RedisConnector& connector, const AllowedNetworks& allowed,
                              const std::string& auth_secret_name) {
  SourceObservation observed;
  observed.address = api::formatHostPort(withoutBrackets(host), port);
  const std::string source = "the source " + observed.address;

  auto resolved = resolver.resolve(host);
  if (!resolved || resolved->empty()) {
    const std::string reason =
        resolved ? std::string("no address") : resolveReason(resolved.error(), host);
    observed.problem = source + " cannot be resolved (" + reason + ")";
    spdlog::debug("The replica-mode source {} cannot be resolved: {}.", observed.address,
                  resolved ? std::string("no address") : resolved.error().message());
    return observed;
  }
  observed.resolvable = true;
  observed.resolved = *resolved;

  for (const std::string& address : observed.resolved) {
    if (allowed.contains(address)) {
      continue;
    }
    observed.allowed = false;
    const bool literal = withoutZone(withoutBrackets(host)) == withoutZone(address);
    observed.problem = source + " resolves " + (literal ? "" : "to " + address + ", ") +
                       "outside --allowed-source-networks (" + allowed.toString() + "): refused";
    spdlog::debug("Refusing the replica-mode source {}: its address {} is outside "
                  "--allowed-source-networks ({}).",
                  observed.address, address, allowed.toString());
    return observed;
  }

  const redis::Endpoint endpoint{observed.resolved.front(), port};
  observed.connected = endpoint.toString();
  spdlog::debug("Probing the replica-mode source {} at {} (the first of {} resolved address(es)).",
                observed.address, endpoint.toString(), observed.resolved.size());
  const auto admin = connector.admin(endpoint, redis::Credentials{std::nullopt, password});
  auto info = admin->replicationInfo();
  if (!info) {
    const std::string detail = adminDetail(info.error(), endpoint, "INFO replication");
    observed.problem =
        infoProblem(info.error(), observed.address, password, auth_secret_name, detail);
    spdlog::debug("The replica-mode source {} did not answer INFO replication: {}.",
                  observed.address, info.error().message());
    return observed;
  }
  observed.reachable = true;
  observed.node = toNodeState(*info);

  if (auto stats = admin->statsInfo()) {
    observed.stats = *stats;
  } else {
    spdlog::warn("The replica-mode source {} answered INFO replication but not INFO stats: {}.",
                 observed.address, stats.error().message());
  }

  // A Redis Cluster node holds one shard: following it would copy a fraction of the data.
  if (auto sections = admin->command({"INFO", "cluster"});
      sections && sections->text.find("cluster_enabled:1") != std::string::npos) {
    observed.problem = source + " is a Redis Cluster node (cluster_enabled:1): sharded sources "
                                "are not supported by this version of redis-dr-operator yet";
    return observed;
  }
  if (observed.node->role == replication::NodeRole::Replica) {
    observed.problem = source + " is itself a replica (of " +
                       api::formatHostPort(observed.node->master_host, observed.node->master_port) +
                       "); point replicaMode.source at its primary";
  }
  return observed;
}

} // namespace rdr::controller
