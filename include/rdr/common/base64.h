// Base64 (RFC 4648, standard alphabet, padded): the encoding of Kubernetes Secret data.
#pragma once

#include <string>
#include <string_view>

#include "rdr/common/result.h"

namespace rdr {

// Encodes bytes with the standard alphabet and '=' padding, as Secret.data expects.
std::string base64Encode(std::string_view bytes);

// Decodes padded standard base64. Strict: a character outside the alphabet, a length that is not a
// multiple of 4, misplaced padding or non-zero trailing bits are Invalid (with the offending offset),
// so that a corrupted Secret is reported rather than silently read as a different password.
Result<std::string> base64Decode(std::string_view text);

} // namespace rdr
