// CEL tokens: the lexical grammar of the supported subset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/result.h"

namespace rdr::schema::cel {

enum class TokenKind { Int, Uint, Double, String, Ident, Punct, End };

struct Token {
  TokenKind kind = TokenKind::End;
  int position = 0;
  std::string text;        // identifier, punctuation, or the decoded string literal
  std::uint64_t magnitude = 0; // Int and Uint literals (the sign is a separate token)
  double number = 0;       // Double literals
};

// Splits `source` into tokens. Invalid names the offending character or literal; bytes
// literals (b"...") are refused as unsupported.
Result<std::vector<Token>> tokenize(std::string_view source);

// "<input>:1:<column>: <message>", the position format of cel-go's errors.
std::string errorAt(int position, std::string_view message);

} // namespace rdr::schema::cel
