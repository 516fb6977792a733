// Kubernetes protobuf request bodies (k8s\0 + runtime.Unknown) of Namespace, Secret and ConfigMap as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/apiserver/status.h"

namespace rdr::sandbox {

// One field of a protobuf message on the wire.
struct WireField {
  std::uint32_t number = 0;
  int wireType = 0;             // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  std::uint64_t varint = 0;     // wire type 0 (and the raw bits of fixed32/fixed64)
  std::string_view bytes;       // wire type 2: a view into the message
};

// The fields of one message in wire order; nullopt when the bytes are not a well-formed message
// (truncated varint or length, a group, an unknown wire type, field number 0).
std::optional<std::vector<WireField>> readWireFields(std::string_view message);

// True for Content-Type application/vnd.kubernetes.protobuf (parameters ignored).
bool isProtobufContentType(std::string_view contentType);

// Decodes a protobuf request body to the JSON a JSON request would carry. Namespace, Secret and
// ConfigMap of core/v1 only: another kind is 415 UnsupportedMediaType; malformed bytes are 400.
ApiResult<nlohmann::json> decodeProtobufObject(std::string_view body);

} // namespace rdr::sandbox
