// Structural pruning of unknown fields and of non-nullable nulls, as the API server decodes.
//
// Source: k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning/algorithm.go and
// schema/defaulting/prunenulls.go (PruneNonNullableNullsWithoutDefaults).
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

class Pruner {
public:
  std::vector<std::string> pruned;

  // Pruning rules:
  //  1. Under x-kubernetes-preserve-unknown-fields nothing is removed, but specified
  //     properties (and additionalProperties) below it are pruned again.
  //  2. In an object, a key survives when it is a property or additionalProperties exists;
  //     at a resource root (and in embedded resources) apiVersion, kind and metadata survive.
  //  3. Without a schema (no items, unknown parent) every key of an object is removed.
  //  4. Array items are pruned with the items schema.
  void prune(json& x, const Schema* s, bool isResourceRoot, const std::string& path) {
    if (s != nullptr && s->preservesUnknownFields()) {
      skipPrune(x, *s, path);
      return;
    }
    if (x.is_object()) {
      const bool keepMeta = isResourceRoot || (s != nullptr && s->embeddedResource);
      for (auto it = x.begin(); it != x.end();) {
        const std::string key = it.key();
        if (keepMeta && (key == "apiVersion" || key == "kind" || key == "metadata")) {
          ++it;
          continue;
        }
        const Schema* child = childSchema(s, key);
        if (child == nullptr) {
          pruned.push_back(join(path, key));
          it = x.erase(it);
          continue;
        }
        prune(*it, child, false, join(path, key));
        ++it;
      }
    } else if (x.is_array()) {
      const Schema* items = s != nullptr && s->items ? s->items.get() : nullptr;
      for (std::size_t i = 0; i < x.size(); ++i) {
        prune(x[i], items, false, path + "[" + std::to_string(i) + "]");
      }
    }
  }

private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  static const Schema* childSchema(const Schema* s, const std::string& key) {
    if (s == nullptr) {
      return nullptr;
    }
    const auto prop = s->properties.find(key);
    if (prop != s->properties.end()) {
      return &prop->second;
    }
    return s->additionalProperties ? s->additionalProperties.get() : nullptr;
  }

  void skipPrune(json& x, const Schema& s, const std::string& path) {
    if (x.is_object()) {
      for (auto& [key, value] : x.items()) {
        const auto prop = s.properties.find(key);
        if (prop != s.properties.end()) {
          prune(value, &prop->second, false, join(path, key));
        } else if (s.additionalProperties) {
          prune(value, s.additionalProperties.get(), false, join(path, key));
        }
      }
    } else if (x.is_array() && s.items) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        prune(x[i], s.items.get(), false, path + "[" + std::to_string(i) + "]");
      }
    }
  }
};

const Schema* fieldSchema(const Schema* s, const std::string& key) {
  if (s == nullptr) {
    return nullptr;
  }
  const auto prop = s->properties.find(key);
  if (prop != s->properties.end()) {
    return &prop->second;
  }
  return s->additionalProperties ? s->additionalProperties.get() : nullptr;
}

void pruneNulls(json& x, const Schema* s) {
  if (x.is_object()) {
    for (auto it = x.begin(); it != x.end();) {
      const Schema* child = fieldSchema(s, it.key());
      if (it->is_null() && child != nullptr && !child->nullable && !child->defaultValue) {
        it = x.erase(it);
        continue;
      }
      pruneNulls(*it, child);
      ++it;
    }
  } else if (x.is_array()) {
    const Schema* items = s != nullptr && s->items ? s->items.get() : nullptr;
    for (auto& item : x) {
      pruneNulls(item, items);
    }
  }
}

} // namespace

std::vector<std::string> pruneUnknownFields(json& object, const Schema& root,
                                            bool isResourceRoot) {
  Pruner pruner;
  pruner.prune(object, &root, isResourceRoot, "");
  return pruner.pruned;
}

void pruneNonNullableNulls(json& object, const Schema& root) { pruneNulls(object, &root); }

} // namespace rdr::schema
