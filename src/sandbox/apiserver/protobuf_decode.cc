// Kubernetes protobuf request bodies (k8s\0 + runtime.Unknown) of Namespace, Secret and ConfigMap as JSON.
#include "sandbox/apiserver/protobuf_decode.h"

#include <string>

#include "rdr/common/base64.h"

namespace rdr::sandbox {

using nlohmann::json;

namespace {

constexpr std::string_view kMagic{"k8s\0", 4};

bool readVarint(std::string_view data, std::size_t& pos, std::uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) {
      return false;
    }
    const auto byte = static_cast<unsigned char>(data[pos++]);
    out |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      return true;
    }
  }
  return false;
}

// Strings go into JSON, which must be UTF-8: anything else is a malformed body, not a failed dump later.
bool validUtf8(std::string_view text) {
  try {
    (void)json(std::string(text)).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

ApiError malformed(const std::string& what) {
  return badRequestError("the protobuf body could not be decoded: " + what);
}

// A UTF-8 string field, or nullopt (the caller names the field in its error).
std::optional<std::string> stringOf(const WireField& field) {
  if (field.wireType != 2 || !validUtf8(field.bytes)) {
    return std::nullopt;
  }
  return std::string(field.bytes);
}

// A map<string, string|bytes> entry {1 key, 2 value}; bytes values are base64 as in JSON.
bool addMapEntry(const WireField& field, bool bytesValue, json& map) {
  if (field.wireType != 2) {
    return false;
  }
  auto entry = readWireFields(field.bytes);
  if (!entry) {
    return false;
  }
  std::string key;
  std::string value;
  for (const auto& part : *entry) {
    if (part.wireType != 2) {
      return false;
    }
    if (part.number == 1) {
      key = std::string(part.bytes);
    } else if (part.number == 2) {
      value = std::string(part.bytes);
    }
  }
  if (!validUtf8(key) || (!bytesValue && !validUtf8(value))) {
    return false;
  }
  map[key] = bytesValue ? base64Encode(value) : value;
  return true;
}

// ObjectMeta: name, generateName, namespace, labels, annotations; the other fields are skipped.
ApiResult<json> decodeObjectMeta(std::string_view bytes) {
  auto fields = readWireFields(bytes);
  if (!fields) {
    return malformed("metadata is not a valid message");
  }
  json meta = json::object();
  for (const auto& field : *fields) {
    if (field.number >= 1 && field.number <= 3) {
      auto text = stringOf(field);
      if (!text) {
        return malformed("metadata field " + std::to_string(field.number) + " is not a UTF-8 string");
      }
      static const char* const kNames[] = {"", "name", "generateName", "namespace"};
      if (!text->empty()) {
        meta[kNames[field.number]] = *text;
      }
    } else if (field.number == 11 || field.number == 12) {
      const char* key = field.number == 11 ? "labels" : "annotations";
      if (!meta.contains(key)) {
        meta[key] = json::object();
      }
      if (!addMapEntry(field, false, meta[key])) {
        return malformed(std::string("metadata.") + key + " has a malformed entry");
      }
    }
  }
  return meta;
}

ApiResult<json> decodeNamespace(const std::vector<WireField>& fields, json object) {
  object["spec"] = json::object();
  object["status"] = json::object();
  for (const auto& field : fields) {
    if (field.number == 2 || field.number == 3) {
      auto inner = field.wireType == 2 ? readWireFields(field.bytes) : std::nullopt;
      if (!inner) {
        return malformed(field.number == 2 ? "spec is not a valid message" : "status is not a valid message");
      }
      for (const auto& part : *inner) {
        if (part.number != 1) {
          continue; // status.conditions (2) are the namespace controller's, never sent by a client
        }
        auto text = stringOf(part);
        if (!text) {
          return malformed(field.number == 2 ? "spec.finalizers is not a UTF-8 string"
                                           : "status.phase is not a UTF-8 string");
        }
        if (field.number == 2) {
          object["spec"]["finalizers"].push_back(*text);
        } else if (!text->empty()) {
          object["status"]["phase"] = *text;
        }
      }
    }
  }
  return object;
}

// What a top-level field of a Secret or ConfigMap holds, and its JSON name.
enum class Slot { Skip, String, Bool, StringMap, BytesMap };
struct SlotSpec {
  Slot slot = Slot::Skip;
  const char* key = "";
};

SlotSpec dataFieldSpec(bool secret, std::uint32_t number) {
  if (secret) { // core/v1 Secret: 2 data, 3 type, 4 stringData, 5 immutable
    switch (number) {
    case 2: return {Slot::BytesMap, "data"};
    case 3: return {Slot::String, "type"};
    case 4: return {Slot::StringMap, "stringData"};
    case 5: return {Slot::Bool, "immutable"};
    default: return {};
    }
  }
  switch (number) { // core/v1 ConfigMap: 2 data, 3 binaryData, 4 immutable
  case 2: return {Slot::StringMap, "data"};
  case 3: return {Slot::BytesMap, "binaryData"};
  case 4: return {Slot::Bool, "immutable"};
  default: return {};
  }
}

ApiResult<json> decodeDataObject(const std::vector<WireField>& fields, json object, bool secret) {
  for (const auto& field : fields) {
    const auto spec = dataFieldSpec(secret, field.number);
    const std::string key = spec.key;
    switch (spec.slot) {
    case Slot::Skip:
      break;
    case Slot::String: {
      auto text = stringOf(field);
      if (!text) {
        return malformed(key + " is not a UTF-8 string");
      }
      if (!text->empty()) {
        object[key] = *text;
      }
      break;
    }
    case Slot::Bool:
      if (field.wireType != 0) {
        return malformed(key + " is not a bool");
      }
      object[key] = field.varint != 0;
      break;
    case Slot::StringMap:
    case Slot::BytesMap:
      if (!object.contains(key)) {
        object[key] = json::object();
      }
      if (!addMapEntry(field, spec.slot == Slot::BytesMap, object[key])) {
        return malformed(key + " has a malformed entry");
      }
      break;
    }
  }
  return object;
}

} // namespace

std::optional<std::vector<WireField>> readWireFields(std::string_view message) {
  std::vector<WireField> fields;
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::uint64_t key = 0;
    if (!readVarint(message, pos, key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
      return std::nullopt;
    }
    WireField field;
    field.number = static_cast<std::uint32_t>(key >> 3);
    field.wireType = static_cast<int>(key & 7);
    std::size_t width = 0;
    switch (field.wireType) {
    case 0:
      if (!readVarint(message, pos, field.varint)) {
        return std::nullopt;
      }
      break;
    case 1:
    case 5:
      width = field.wireType == 1 ? 8 : 4;
      if (message.size() - pos < width) {
        return std::nullopt;
      }
      for (std::size_t i = 0; i < width; ++i) {
        field.varint |= static_cast<std::uint64_t>(static_cast<unsigned char>(message[pos + i])) << (8 * i);
      }
      pos += width;
      break;
    case 2: {
      std::uint64_t length = 0;
      if (!readVarint(message, pos, length) || length > message.size() - pos) {
        return std::nullopt;
      }
      field.bytes = message.substr(pos, static_cast<std::size_t>(length));
      pos += static_cast<std::size_t>(length);
      break;
    }
    default: // 3/4 (groups) are not used by Kubernetes; 6/7 do not exist
      return std::nullopt;
    }
    fields.push_back(field);
  }
  return fields;
}

bool isProtobufContentType(std::string_view contentType) {
  auto base = contentType.substr(0, contentType.find(';'));
  while (!base.empty() && base.back() == ' ') {
    base.remove_suffix(1);
  }
  return base == "application/vnd.kubernetes.protobuf";
}

ApiResult<json> decodeProtobufObject(std::string_view body) {
  if (body.substr(0, kMagic.size()) != kMagic) {
    return malformed("the body does not start with the k8s\\0 prefix");
  }
  auto envelope = readWireFields(body.substr(kMagic.size()));
  if (!envelope) {
    return malformed("the runtime.Unknown envelope is not a valid message");
  }
  std::string apiVersion;
  std::string kind;
  std::string_view raw;
  std::string contentEncoding;
  for (const auto& field : *envelope) {
    if (field.number == 1) {
      auto typeMeta = field.wireType == 2 ? readWireFields(field.bytes) : std::nullopt;
      if (!typeMeta) {
        return malformed("typeMeta is not a valid message");
      }
      for (const auto& part : *typeMeta) {
        if (part.number != 1 && part.number != 2) {
          continue;
        }
        auto text = stringOf(part);
        if (!text) {
          return malformed("typeMeta.apiVersion/kind is not a UTF-8 string");
        }
        (part.number == 1 ? apiVersion : kind) = *text;
      }
    } else if (field.number == 2 && field.wireType == 2) {
      raw = field.bytes;
    } else if (field.number == 3 && field.wireType == 2) {
      auto text = stringOf(field);
      if (!text) {
        return malformed("contentEncoding is not a UTF-8 string");
      }
      contentEncoding = *text;
    } else if (field.number <= 4 && field.wireType != 2) {
      return malformed("envelope field " + std::to_string(field.number) + " has the wrong wire type");
    }
  }
  const bool supported = apiVersion == "v1" && (kind == "Namespace" || kind == "Secret" || kind == "ConfigMap");
  if (!supported || !contentEncoding.empty()) {
    const std::string what = kind.empty() ? std::string("an object without a kind") : kind + " (" + apiVersion + ")";
    return ApiError{415, "UnsupportedMediaType",
                    "the sandbox decodes application/vnd.kubernetes.protobuf bodies of Namespace, Secret and "
                    "ConfigMap (v1) only, not " +
                        what + (contentEncoding.empty() ? "" : " with contentEncoding " + contentEncoding) +
                        ": write the object as YAML and use kubectl apply -f",
                    {}};
  }
  auto fields = readWireFields(raw);
  if (!fields) {
    return malformed(kind + " is not a valid message");
  }
  json object = {{"apiVersion", apiVersion}, {"kind", kind}, {"metadata", json::object()}};
  for (const auto& field : *fields) {
    if (field.number == 1) {
      if (field.wireType != 2) {
        return malformed("metadata is not a message");
      }
      auto meta = decodeObjectMeta(field.bytes);
      if (!meta.ok()) {
        return meta.error();
      }
      object["metadata"] = std::move(meta.value());
    }
  }
  if (kind == "Namespace") {
    return decodeNamespace(*fields, std::move(object));
  }
  return decodeDataObject(*fields, std::move(object), kind == "Secret");
}

} // namespace rdr::sandbox
