// kube-apiserver's printers (pkg/printers/internalversion) for the built-ins people look at.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"

namespace rdr::sandbox {

struct ResourceType;

struct BuiltInPrinter {
  std::vector<nlohmann::json> columns; // after the implicit Name column (if nameFirst)
  std::function<std::vector<nlohmann::json>(const nlohmann::json&, SystemTime)> cells;
  bool nameFirst = true;
};

// The columns and cells of a built-in type; NAME + CREATED AT (defaultTableConvertor) for the rest.
BuiltInPrinter builtInPrinter(const ResourceType& type);

// A TableColumnDefinition.
nlohmann::json printerColumn(const std::string& name, const std::string& type, const std::string& description,
                             int priority = 0, const std::string& format = "");

} // namespace rdr::sandbox
