// Go's fmt renderings that kube-apiserver's messages contain (%q, %v of float64, %#v).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rdr::schema {

// strconv.Quote / %q: double-quoted, with Go's escapes.
std::string goQuote(std::string_view text);

// %v of a float64: strconv.FormatFloat(v, 'g', -1, 64), e.g. 1.5, 60000, 1e+06, 1.5e-05.
std::string goFloat(double value);

// %v of a decoded JSON scalar as Go holds it (int64, float64, bool, string unquoted).
std::string goScalar(const nlohmann::json& value);

// %#v of a decoded JSON value: "map[string]interface {}{\"a\":1}", "[]interface {}{\"x\"}".
std::string goSharpV(const nlohmann::json& value);

// json.Marshal of a value as Go would write it (floats with an integral value lose ".0").
std::string goJson(const nlohmann::json& value);

} // namespace rdr::schema
