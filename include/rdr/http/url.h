// Decoding of request targets: percent-encoded paths and `a=b&c=d%3De` query strings.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rdr/common/result.h"

namespace rdr::http {

// Decodes %XX escapes; with `plus_as_space` a '+' becomes ' ' (form encoding, as Go's
// url.ParseQuery reads query strings). Invalid when an escape is truncated or not hexadecimal.
Result<std::string> percentDecode(std::string_view text, bool plus_as_space);

// Parses a query string (without the '?') into decoded key/value pairs, keeping repeated keys in
// order. A pair without '=' has an empty value; empty pairs ("a=1&&b=2") are skipped.
Result<std::multimap<std::string, std::string>> parseQuery(std::string_view query);

struct Target {
  std::string path; // decoded
  std::multimap<std::string, std::string> query;
};

// Splits a request target ("/api/v1/pods?watch=1") into its decoded path and query.
Result<Target> parseTarget(std::string_view target);

} // namespace rdr::http
