// x-kubernetes-validations: CEL rules evaluated over every value of the object they sit on.
//
// Source: k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go (validate,
// validateExpressions, ruleMessageOrDefault, fieldErrorForReason). Failures are
// field.Invalid(<path>, <schema type>, <message>), e.g. `spec.replicaMode: Invalid value:
// "object": replicaMode.promote requires replicaMode.enabled`; runtime errors read
// "<error> evaluating rule: <rule or message>".
#include <algorithm>

#include "rdr/schema/cel.h"

#include "rdr/common/text.h"
#include "rdr/schema/validator.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

std::string ruleErrorString(const ValidationRule& rule) {
  return rule.message.empty() ? trim(rule.rule) : trim(rule.message);
}

std::string ruleMessageOrDefault(const ValidationRule& rule) {
  return rule.message.empty() ? "failed rule: " + ruleErrorString(rule) : trim(rule.message);
}

// field.Path rendering: "" is the nil path.
std::string fieldOf(const std::string& path) { return path.empty() ? std::string(kNilPath) : path; }

std::string child(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

FieldError errorForReason(const std::string& path, const std::string& type,
                          const std::string& detail, const std::string& reason) {
  if (reason == "FieldValueForbidden") {
    return forbiddenError(fieldOf(path), detail);
  }
  if (reason == "FieldValueRequired") {
    return requiredError(fieldOf(path), detail);
  }
  if (reason == "FieldValueDuplicate") {
    return duplicateError(fieldOf(path), type);
  }
  return invalidError(fieldOf(path), type, detail);
}

// The message of a failed rule: messageExpression when it yields a usable string, else the
// static message, else "failed rule: <rule>".
std::string failureMessage(const ValidationRule& rule, const json& self, const json* old) {
  if (rule.messageProgram) {
    auto message = cel::evaluate(*rule.messageProgram, self, old);
    if (message && message->is_string()) {
      const std::string text = trim(message->get<std::string>());
      if (!text.empty() && text.find('\n') == std::string::npos) {
        return text;
      }
    }
  }
  return ruleMessageOrDefault(rule);
}

void evaluateRules(const json& self, const Schema& s, const std::string& path, const json* old,
                   FieldErrorList& out) {
  for (const auto& rule : s.validations) {
    if (!rule.program) {
      continue; // not compiled: only possible for a Schema built by hand, never by loadCrd
    }
    // Transition rules run only on updates that have the old value (or with optionalOldSelf).
    if (rule.program->usesOldSelf() && old == nullptr && !rule.optionalOldSelf) {
      continue;
    }
    const auto result = cel::evaluate(*rule.program, self, old);
    if (!result) {
      out.push_back(invalidError(fieldOf(path), s.celTypeName(),
                                 result.error().message() + " evaluating rule: " +
                                     ruleErrorString(rule)));
      continue;
    }
    if (result->is_boolean() && result->get<bool>()) {
      continue;
    }
    std::string errorPath = path;
    if (!rule.fieldPath.empty()) {
      errorPath = child(path, rule.fieldPath.substr(rule.fieldPath[0] == '.' ? 1 : 0));
    }
    out.push_back(errorForReason(errorPath, s.celTypeName(), failureMessage(rule, self, old),
                                 rule.reason));
  }
}

// The old list item that corresponds to `item`: same key values for list-type map, an equal
// value for list-type set, none for atomic lists.
const json* correlatedItem(const json& item, const Schema& list, const json* oldList) {
  if (oldList == nullptr || !oldList->is_array() || !list.listType) {
    return nullptr;
  }
  for (const auto& candidate : *oldList) {
    if (*list.listType == "set" && candidate == item) {
      return &candidate;
    }
    if (*list.listType == "map" && item.is_object() && candidate.is_object()) {
      const bool same = std::all_of(list.listMapKeys.begin(), list.listMapKeys.end(),
                                    [&](const std::string& key) {
                                      return item.value(key, json()) == candidate.value(key, json());
                                    });
      if (same) {
        return &candidate;
      }
    }
  }
  return nullptr;
}

// Rules run on the node first, then on its children (null values are never evaluated).
void walk(const json& self, const Schema& s, const std::string& path, const json* old,
          FieldErrorList& out) {
  if (self.is_null()) {
    return;
  }
  evaluateRules(self, s, path, old, out);
  if (self.is_object()) {
    for (const auto& [name, prop] : s.properties) {
      const auto it = self.find(name);
      if (it == self.end()) {
        continue;
      }
      const json* oldChild = old != nullptr && old->is_object() && old->contains(name)
                                 ? &(*old)[name]
                                 : nullptr;
      walk(*it, prop, child(path, name), oldChild, out);
    }
    if (s.additionalProperties) {
      for (const auto& [key, value] : self.items()) {
        if (s.properties.contains(key)) {
          continue;
        }
        const json* oldChild =
            old != nullptr && old->is_object() && old->contains(key) ? &(*old)[key] : nullptr;
        walk(value, *s.additionalProperties, path + "[" + key + "]", oldChild, out);
      }
    }
  } else if (self.is_array() && s.items) {
    for (std::size_t i = 0; i < self.size(); ++i) {
      walk(self[i], *s.items, path + "[" + std::to_string(i) + "]",
           correlatedItem(self[i], s, old), out);
    }
  }
}

} // namespace

FieldErrorList validateRules(const json& object, const Schema& root, const json* old) {
  FieldErrorList errors;
  walk(object, root, "", old, errors);
  return errors;
}

} // namespace rdr::schema
