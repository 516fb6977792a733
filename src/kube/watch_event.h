// One line of a watch stream to a WatchEvent.
#pragma once

#include <string_view>

#include "rdr/common/result.h"
#include "rdr/kube/client.h"

namespace rdr::kube {

// Decodes {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}, tolerating a trailing
// "\r". An ERROR event is returned as an event (its object is the Status) so that the informer
// decides; a line that is not such an object is Transient (the stream is broken).
Result<WatchEvent> decodeWatchEvent(std::string_view line);

std::string_view watchEventTypeName(WatchEventType type);

} // namespace rdr::kube
