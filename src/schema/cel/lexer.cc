// CEL tokens: the lexical grammar of the supported subset.
#include "schema/cel/lexer.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace rdr::schema::cel {
namespace {

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Error lexError(int position, std::string_view message) {
  return Error(ErrorCode::Invalid, errorAt(position, message));
}

// Appends the UTF-8 encoding of a code point.
void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads a quoted string starting at `pos` (the quote); raw strings keep backslashes.
Result<Token> readString(std::string_view src, std::size_t& pos, bool raw) {
  const int start = static_cast<int>(pos);
  const char quote = src[pos];
  if (src.substr(pos, 3) == std::string(3, quote)) {
    return lexError(start, "unsupported construct 'triple-quoted string'");
  }
  ++pos;
  Token token{TokenKind::String, start, "", 0, 0};
  while (pos < src.size() && src[pos] != quote) {
    char c = src[pos];
    if (c == '\n') {
      return lexError(start, "Syntax error: unterminated string literal");
    }
    if (c != '\\' || raw) {
      token.text += c;
      ++pos;
      continue;
    }
    if (pos + 1 >= src.size()) {
      break;
    }
    const char e = src[pos + 1];
    pos += 2;
    switch (e) {
    case 'n': token.text += '\n'; break;
    case 't': token.text += '\t'; break;
    case 'r': token.text += '\r'; break;
    case '\\': token.text += '\\'; break;
    case '\'': token.text += '\''; break;
    case '"': token.text += '"'; break;
    case '`': token.text += '`'; break;
    case '?': token.text += '?'; break;
    case 'u':
    case 'U': {
      const std::size_t len = e == 'u' ? 4 : 8;
      std::uint32_t cp = 0;
      const auto hex = src.substr(pos, len);
      const auto res = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
      if (hex.size() != len || res.ptr != hex.data() + hex.size()) {
        return lexError(static_cast<int>(pos), "Syntax error: invalid unicode escape");
      }
      appendUtf8(token.text, cp);
      pos += len;
      break;
    }
    default:
      return lexError(static_cast<int>(pos - 2),
                      std::string("Syntax error: unsupported escape sequence '\\") + e + "'");
    }
  }
  if (pos >= src.size()) {
    return lexError(start, "Syntax error: unterminated string literal");
  }
  ++pos; // closing quote
  return token;
}

Result<Token> readNumber(std::string_view src, std::size_t& pos) {
  const std::size_t start = pos;
  Token token{TokenKind::Int, static_cast<int>(start), "", 0, 0};
  if (src.substr(pos, 2) == "0x" || src.substr(pos, 2) == "0X") {
    pos += 2;
    const std::size_t digits = pos;
    while (pos < src.size() && std::isxdigit(static_cast<unsigned char>(src[pos]))) {
      ++pos;
    }
    const auto res = std::from_chars(src.data() + digits, src.data() + pos, token.magnitude, 16);
    if (pos == digits || res.ec != std::errc()) {
      return lexError(static_cast<int>(start), "Syntax error: invalid hex literal");
    }
  } else {
    bool isDouble = false;
    while (pos < src.size() && std::isdigit(static_cast<unsigned char>(src[pos]))) {
      ++pos;
    }
    if (pos + 1 < src.size() && src[pos] == '.' &&
        std::isdigit(static_cast<unsigned char>(src[pos + 1]))) {
      isDouble = true;
      ++pos;
      while (pos < src.size() && std::isdigit(static_cast<unsigned char>(src[pos]))) {
        ++pos;
      }
    }
    if (pos < src.size() && (src[pos] == 'e' || src[pos] == 'E')) {
      isDouble = true;
      ++pos;
      if (pos < src.size() && (src[pos] == '+' || src[pos] == '-')) {
        ++pos;
      }
      while (pos < src.size() && std::isdigit(static_cast<unsigned char>(src[pos]))) {
        ++pos;
      }
    }
    const std::string text(src.substr(start, pos - start));
    if (isDouble) {
      token.kind = TokenKind::Double;
      token.number = std::strtod(text.c_str(), nullptr);
      return token;
    }
    const auto res = std::from_chars(text.data(), text.data() + text.size(), token.magnitude);
    if (res.ec != std::errc()) {
      return lexError(static_cast<int>(start), "Syntax error: integer literal out of range");
    }
  }
  if (pos < src.size() && (src[pos] == 'u' || src[pos] == 'U')) {
    token.kind = TokenKind::Uint;
    ++pos;
  }
  return token;
}

} // namespace

std::string errorAt(int position, std::string_view message) {
  return "<input>:1:" + std::to_string(position + 1) + ": " + std::string(message);
}

Result<std::vector<Token>> tokenize(std::string_view src) {
  static const std::vector<std::string_view> kPuncts = {
      "&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%",
      "?",  ":",  ".",  ",",  "(",  ")",  "[", "]", "{", "}"};
  std::vector<Token> tokens;
  std::size_t pos = 0;
  while (pos < src.size()) {
    const char c = src[pos];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++pos;
      continue;
    }
    if (src.substr(pos, 2) == "//") {
      while (pos < src.size() && src[pos] != '\n') {
        ++pos;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      RDR_ASSIGN_OR_RETURN(auto token, readString(src, pos, false));
      tokens.push_back(std::move(token));
      continue;
    }
    if ((c == 'r' || c == 'R') && pos + 1 < src.size() && (src[pos + 1] == '"' || src[pos + 1] == '\'')) {
      ++pos;
      RDR_ASSIGN_OR_RETURN(auto token, readString(src, pos, true));
      token.position -= 1;
      tokens.push_back(std::move(token));
      continue;
    }
    if ((c == 'b' || c == 'B') && pos + 1 < src.size() && (src[pos + 1] == '"' || src[pos + 1] == '\'')) {
      return lexError(static_cast<int>(pos), "unsupported construct 'bytes literal'");
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      RDR_ASSIGN_OR_RETURN(auto token, readNumber(src, pos));
      tokens.push_back(std::move(token));
      continue;
    }
    if (isIdentStart(c)) {
      const std::size_t start = pos;
      while (pos < src.size() && isIdentChar(src[pos])) {
        ++pos;
      }
      tokens.push_back({TokenKind::Ident, static_cast<int>(start),
                        std::string(src.substr(start, pos - start)), 0, 0});
      continue;
    }
    bool matched = false;
    for (const auto punct : kPuncts) {
      if (src.substr(pos, punct.size()) == punct) {
        tokens.push_back({TokenKind::Punct, static_cast<int>(pos), std::string(punct), 0, 0});
        pos += punct.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      return lexError(static_cast<int>(pos),
                      std::string("Syntax error: token recognition error at: '") + c + "'");
    }
  }
  tokens.push_back({TokenKind::End, static_cast<int>(src.size()), "", 0, 0});
  return tokens;
}

} // namespace rdr::schema::cel
