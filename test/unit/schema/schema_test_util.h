// Test helper: a Schema from an inline YAML text, failing the test when it does not load.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "rdr/common/yaml.h"
#include "rdr/schema/schema.h"

namespace rdr::schema::testing {

inline Schema schemaFromYaml(const std::string& yaml) {
  const auto node = parseYamlDocument(yaml);
  EXPECT_TRUE(node) << node.error().message();
  if (!node) {
    return {};
  }
  auto schema = parseSchema(*node, "schema");
  EXPECT_TRUE(schema) << schema.error().message();
  return schema ? std::move(*schema) : Schema{};
}

inline nlohmann::json jsonFromYaml(const std::string& yaml) {
  const auto node = parseYamlDocument(yaml);
  EXPECT_TRUE(node) << node.error().message();
  return node ? *node : nlohmann::json();
}

} // namespace rdr::schema::testing
