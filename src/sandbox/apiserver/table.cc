// Server-side printing: meta.k8s.io/v1 Table responses with printer columns and HumanDuration.
//
// Custom resources follow apiextensions-apiserver's tableconvertor (Name first, then the CRD
// version's additionalPrinterColumns, or a single Age column when it has none). Built-ins use
// builtin_printers.cc.
#include "sandbox/apiserver/table.h"

#include <functional>

#include "rdr/common/time_format.h"
#include "sandbox/apiserver/builtin_printers.h"
#include "sandbox/apiserver/jsonpath.h"
#include "sandbox/apiserver/resource_types.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

const char* const kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

// cellForJSONValue of the tableconvertor: typed columns accept only matching JSON types.
json typedCell(const std::string& columnType, const json& value, SystemTime now) {
  if (columnType == "integer" && value.is_number()) {
    return value.is_number_float() ? json(static_cast<std::int64_t>(value.get<double>())) : value;
  }
  if (columnType == "number" && value.is_number()) {
    return json(value.get<double>());
  }
  if (columnType == "boolean" && value.is_boolean()) {
    return value;
  }
  if (columnType == "date" && value.is_string()) {
    const auto t = parseRfc3339(value.get<std::string>());
    return t ? json(humanDuration(now - *t)) : json("<invalid>");
  }
  return nullptr;
}

std::string str(const json& object, const char* a, const char* b) {
  const auto outer = object.find(a);
  if (outer == object.end() || !outer->is_object()) {
    return "";
  }
  const auto inner = outer->find(b);
  return inner != outer->end() && inner->is_string() ? inner->get<std::string>() : "";
}

std::vector<schema::PrinterColumn> customColumns(const ResourceType& type) {
  const auto* version = type.crdVersion();
  std::vector<schema::PrinterColumn> columns = version ? version->printerColumns : std::vector<schema::PrinterColumn>{};
  // serveDefaultColumnsIfEmpty: a single Age column.
  if (columns.empty()) {
    columns.push_back({"Age", "date", "", "", ".metadata.creationTimestamp", 0});
  }
  return columns;
}

json rowObject(const json& object, IncludeObject include) {
  if (include == IncludeObject::Object) {
    return object;
  }
  return {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object.value("metadata", json::object())}};
}

} // namespace

std::string humanDuration(std::chrono::system_clock::duration d) {
  using namespace std::chrono;
  const auto fmt = [](long long a, const char* ua, long long b, const char* ub) {
    return b == 0 ? std::to_string(a) + ua : std::to_string(a) + ua + std::to_string(b) + ub;
  };
  // 1. Up to 2 s in the future is "now" (clock skew); more is invalid.
  const long long seconds = duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) {
    return "<invalid>";
  }
  if (seconds < 0) {
    return "0s";
  }
  if (seconds < 60 * 2) {
    return std::to_string(seconds) + "s";
  }
  // 2. Then minutes (with seconds below 10m), hours (with minutes below 8h), days (with hours
  //    below 8d), years (with days below 8y).
  const long long minutes = seconds / 60;
  if (minutes < 10) {
    return fmt(minutes, "m", seconds % 60, "s");
  }
  if (minutes < 60 * 3) {
    return std::to_string(minutes) + "m";
  }
  const long long hours = seconds / 3600;
  if (hours < 8) {
    return fmt(hours, "h", minutes % 60, "m");
  }
  if (hours < 48) {
    return std::to_string(hours) + "h";
  }
  if (hours < 24 * 8) {
    return fmt(hours / 24, "d", hours % 24, "h");
  }
  if (hours < 24 * 365 * 2) {
    return std::to_string(hours / 24) + "d";
  }
  if (hours < 24 * 365 * 8) {
    return fmt(hours / 24 / 365, "y", (hours / 24) % 365, "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

json toTable(const ResourceType& type, const std::vector<json>& objects, const json& listMeta,
             const TableOptions& options) {
  json columns = json::array({printerColumn("Name", "string", kNameDescription, 0, "name")});
  json rows = json::array();
  if (type.custom) {
    const auto custom = customColumns(type);
    for (const auto& c : custom) {
      const std::string description =
          c.description.empty() ? "Custom resource definition column (in JSONPath format): " + c.jsonPath
                                : c.description;
      columns.push_back(printerColumn(c.name, c.type, description, c.priority, c.format));
    }
    for (const auto& object : objects) {
      json cells = json::array({str(object, "metadata", "name")});
      for (const auto& c : custom) {
        const auto results = evaluateJsonPath(object, c.jsonPath);
        if (!results || results->empty()) {
          cells.push_back(nullptr);
        } else if (c.type == "string") {
          cells.push_back(results->front().is_string() ? results->front() : json(results->front().dump()));
        } else {
          cells.push_back(typedCell(c.type, results->front(), options.now));
        }
      }
      json row = {{"cells", cells}};
      if (options.include != IncludeObject::None) {
        row["object"] = rowObject(object, options.include);
      }
      rows.push_back(row);
    }
  } else {
    const auto printer = builtInPrinter(type);
    // Events have no implicit Name column (their printer puts Name last, at priority 1).
    if (!printer.nameFirst) {
      columns = json::array();
    }
    for (const auto& c : printer.columns) {
      columns.push_back(c);
    }
    for (const auto& object : objects) {
      json cells = printer.nameFirst ? json::array({str(object, "metadata", "name")}) : json::array();
      for (auto& cell : printer.cells(object, options.now)) {
        cells.push_back(std::move(cell));
      }
      json row = {{"cells", cells}};
      if (options.include != IncludeObject::None) {
        row["object"] = rowObject(object, options.include);
      }
      rows.push_back(row);
    }
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", listMeta},
          {"columnDefinitions", options.headers ? columns : json(nullptr)},
          {"rows", rows}};
}

} // namespace rdr::sandbox
