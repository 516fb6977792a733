// A HostResolver for tests: IP literals resolve to themselves, names through a fixed table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rdr/common/ipv4.h"
#include "rdr/controller/source_probe.h"

namespace rdr::testing {

class StaticResolver final : public controller::HostResolver {
public:
  void add(std::string host, std::string ip) { names_[std::move(host)] = {std::move(ip)}; }

  Result<std::vector<std::string>> resolve(const std::string& host) override {
    if (parseIpv4(host)) {
      return std::vector<std::string>{host};
    }
    const auto it = names_.find(host);
    if (it == names_.end()) {
      return Error(ErrorCode::NotFound, "cannot resolve " + host + ": Name or service not known");
    }
    return it->second;
  }

private:
  std::map<std::string, std::vector<std::string>> names_;
};

} // namespace rdr::testing
