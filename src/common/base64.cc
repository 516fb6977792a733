// Base64 encode/decode for Secret data (RFC 4648 section 4).
#include "rdr/common/base64.h"

#include <array>
#include <cstdint>

namespace rdr {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int kInvalid = -1;

// Maps a character to its 6-bit value, or kInvalid.
constexpr std::array<int, 256> makeDecodeTable() {
  std::array<int, 256> table{};
  for (auto& entry : table) {
    entry = kInvalid;
  }
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 256> kDecodeTable = makeDecodeTable();

Error invalidAt(size_t offset, std::string_view what) {
  return Error(ErrorCode::Invalid,
               "invalid base64 at offset " + std::to_string(offset) + ": " + std::string(what));
}

} // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                                static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(group >> 18) & 0x3F]);
    out.push_back(kAlphabet[(group >> 12) & 0x3F]);
    out.push_back(kAlphabet[(group >> 6) & 0x3F]);
    out.push_back(kAlphabet[group & 0x3F]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    out.push_back(kAlphabet[(group >> 18) & 0x3F]);
    out.push_back(kAlphabet[(group >> 12) & 0x3F]);
    out.append("==");
  } else if (rest == 2) {
    const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out.push_back(kAlphabet[(group >> 18) & 0x3F]);
    out.push_back(kAlphabet[(group >> 12) & 0x3F]);
    out.push_back(kAlphabet[(group >> 6) & 0x3F]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return invalidAt(text.size(), "length " + std::to_string(text.size()) +
                                      " is not a multiple of 4");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    // Padding may only end the last group, as "x=" or "==".
    size_t padding = 0;
    if (last && text[i + 3] == '=') {
      padding = text[i + 2] == '=' ? 2 : 1;
    }
    std::uint32_t group = 0;
    for (size_t j = 0; j < 4 - padding; ++j) {
      const int value = kDecodeTable[static_cast<unsigned char>(text[i + j])];
      if (value == kInvalid) {
        return invalidAt(i + j, text[i + j] == '=' ? "misplaced padding"
                                                   : "character outside the alphabet");
      }
      group |= static_cast<std::uint32_t>(value) << (18 - 6 * j);
    }
    // The bits a padded group drops must be zero, or two texts would decode to the same bytes.
    const std::uint32_t dropped_mask = padding == 2 ? 0xFFFF : (padding == 1 ? 0xFF : 0);
    if ((group & dropped_mask) != 0) {
      return invalidAt(i, "non-zero bits before the padding");
    }
    out.push_back(static_cast<char>((group >> 16) & 0xFF));
    if (padding < 2) {
      out.push_back(static_cast<char>((group >> 8) & 0xFF));
    }
    if (padding < 1) {
      out.push_back(static_cast<char>(group & 0xFF));
    }
  }
  return out;
}

} // namespace rdr
