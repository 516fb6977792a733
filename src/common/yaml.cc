// YAML -> JSON with kubectl's scalar typing, and JSON -> YAML for golden files. yaml-cpp's
// exceptions are caught here and never leave this file.
#include "rdr/common/yaml.h"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <string>

#include <yaml-cpp/yaml.h>

namespace rdr {
namespace {

using nlohmann::json;

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

// kubectl reads YAML with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 resolution). The rules, in order:
// 1. null: "", "~", "null", "Null", "NULL";
// 2. booleans: y/yes/true/on and n/no/false/off in lower, Capitalised and UPPER case;
// 3. integers: decimal, 0x hex, 0b binary, 0-prefixed octal, "_" separators allowed, in int64;
// 4. floats: [-+](.digits|digits[.digits])[e[-+]digits], and .inf/-.inf/.nan;
// 5. everything else is a string.
json resolvePlainScalar(const std::string& text) {
  static const std::array<std::string_view, 5> kNulls = {"", "~", "null", "Null", "NULL"};
  static const std::array<std::string_view, 11> kTrue = {
      "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const std::array<std::string_view, 11> kFalse = {
      "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto n : kNulls) {
    if (text == n) {
      return nullptr;
    }
  }
  for (auto t : kTrue) {
    if (text == t) {
      return true;
    }
  }
  for (auto f : kFalse) {
    if (text == f) {
      return false;
    }
  }
  std::string plain;
  plain.reserve(text.size());
  for (char c : text) {
    if (c != '_') {
      plain.push_back(c);
    }
  }
  static const std::regex kInt(R"(^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$)");
  if (std::regex_match(plain, kInt)) {
    const bool negative = plain[0] == '-';
    std::string digits = (plain[0] == '-' || plain[0] == '+') ? plain.substr(1) : plain;
    int base = 10;
    if (digits.rfind("0b", 0) == 0) {
      base = 2;
      digits = digits.substr(2);
    } else if (digits.rfind("0x", 0) == 0) {
      base = 16;
      digits = digits.substr(2);
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
    }
    errno = 0;
    const unsigned long long magnitude = std::strtoull(digits.c_str(), nullptr, base);
    if (errno == 0) {
      if (!negative && magnitude <= static_cast<unsigned long long>(
                                        std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(magnitude);
      }
      if (negative && magnitude <= static_cast<unsigned long long>(
                                       std::numeric_limits<std::int64_t>::max()) + 1ULL) {
        return static_cast<std::int64_t>(0 - magnitude);
      }
      if (!negative) {
        return static_cast<std::uint64_t>(magnitude);
      }
    }
  }
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(plain, kFloat)) {
    return std::strtod(plain.c_str(), nullptr);
  }
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
      text == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  return text;
}

json convertNode(const YAML::Node& node);

void mergeInto(json& target, const json& source) {
  if (!source.is_object()) {
    return;
  }
  for (auto it = source.begin(); it != source.end(); ++it) {
    if (!target.contains(it.key())) {
      target[it.key()] = it.value();
    }
  }
}

json convertMap(const YAML::Node& node) {
  json out = json::object();
  json merged = json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "<<" && it->first.Tag() == "?") {
      // YAML merge key: values from the merged map(s) fill in what the map itself does not set.
      const json value = convertNode(it->second);
      if (value.is_array()) {
        for (const auto& item : value) {
          mergeInto(merged, item);
        }
      } else {
        mergeInto(merged, value);
      }
      continue;
    }
    out[key] = convertNode(it->second);
  }
  mergeInto(out, merged);
  return out;
}

json convertNode(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    return nullptr;
  case YAML::NodeType::Scalar:
    if (node.Tag() == "?") {
      return resolvePlainScalar(node.Scalar());
    }
    if (node.Tag() == "!" || node.Tag() == kStrTag) {
      return node.Scalar();
    }
    // An explicit core tag (!!int, !!bool ...): resolve the text as a plain scalar would be.
    return resolvePlainScalar(node.Scalar());
  case YAML::NodeType::Sequence: {
    json out = json::array();
    for (const auto& item : node) {
      out.push_back(convertNode(item));
    }
    return out;
  }
  case YAML::NodeType::Map:
    return convertMap(node);
  }
  return nullptr;
}

bool needsQuotes(const std::string& text) {
  return !resolvePlainScalar(text).is_string();
}

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
  case json::value_t::object:
    out << YAML::BeginMap;
    for (auto it = value.begin(); it != value.end(); ++it) {
      out << YAML::Key;
      if (needsQuotes(it.key())) {
        out << YAML::DoubleQuoted;
      }
      out << it.key() << YAML::Value;
      emit(out, it.value());
    }
    out << YAML::EndMap;
    break;
  case json::value_t::array:
    out << YAML::BeginSeq;
    for (const auto& item : value) {
      emit(out, item);
    }
    out << YAML::EndSeq;
    break;
  case json::value_t::string: {
    const auto& text = value.get_ref<const std::string&>();
    if (text.find('\n') != std::string::npos) {
      out << YAML::Literal << text;
    } else if (needsQuotes(text)) {
      out << YAML::DoubleQuoted << text;
    } else {
      out << text;
    }
    break;
  }
  case json::value_t::boolean:
    out << (value.get<bool>() ? "true" : "false");
    break;
  case json::value_t::null:
  case json::value_t::discarded:
    out << YAML::Null;
    break;
  default:
    out << value.dump();
    break;
  }
}

} // namespace

Result<std::vector<json>> parseYamlDocuments(std::string_view text) {
  try {
    std::vector<json> documents;
    for (const auto& node : YAML::LoadAll(std::string(text))) {
      if (node.IsNull()) {
        continue;
      }
      documents.push_back(convertNode(node));
    }
    return documents;
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::Invalid, "YAML error at line " + std::to_string(e.mark.line + 1) +
                                         ", column " + std::to_string(e.mark.column + 1) + ": " +
                                         e.msg);
  }
}

Result<json> parseYamlDocument(std::string_view text) {
  RDR_ASSIGN_OR_RETURN(auto documents, parseYamlDocuments(text));
  if (documents.size() != 1) {
    return Error(ErrorCode::Invalid, "expected exactly one YAML document, found " +
                                         std::to_string(documents.size()));
  }
  return std::move(documents.front());
}

std::string toYaml(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  text.push_back('\n');
  return text;
}

} // namespace rdr
