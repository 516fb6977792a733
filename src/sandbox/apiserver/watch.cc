// Watches: one "\n"-terminated WatchEvent per read, initial ADDEDs, bookmarks, 410 in-stream.
//
// Rules (§1.3, §1.5, §1.6):
//  1. resourceVersion unset or "0": synthetic ADDED for every matching object, then changes.
//  2. resourceVersion N: only changes after N; N older than the kept history: a 200 stream with
//     one ERROR event (410 Expired, "too old resource version: N (M)"), then the end.
//  3. Selectors see transitions: old∉ new∈ → ADDED, both → MODIFIED, old∈ new∉ → DELETED with the
//     previous state at the event's RV, neither → nothing. Deletes carry the last state.
//  4. allowWatchBookmarks: a BOOKMARK every bookmark_interval and one just before the deadline.
//  5. timeoutSeconds (default watch_timeout; 0 = default) ends the stream; so do close(),
//     dropWatches and a change of the watched type's CRD (after its DELETED events).
//  6. Table watches (Accept as=Table): each object is a one-row Table, only the first with headers.
#include <algorithm>
#include <deque>

#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/selectors.h"
#include "sandbox/apiserver/table.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

struct WatchSpec {
  ResourceTypePtr type;
  std::string ns;
  Selector selector;
  bool table = false;
  bool bookmarks = false;
};

class WatchStream final : public http::ResponseStream {
public:
  WatchStream(std::shared_ptr<Core> core, WatchSpec spec, std::uint64_t cursor, MonotonicTime deadline,
              std::chrono::milliseconds finalLead)
      : core_(std::move(core)), spec_(std::move(spec)), cursor_(cursor), deadline_(deadline),
        finalLead_(finalLead), dropGeneration_(core_->dropGeneration) {
    nextBookmark_ = core_->clock.monotonic() + core_->options.bookmark_interval;
    ++core_->openWatches;
  }

  ~WatchStream() override {
    std::lock_guard lock(core_->mutex);
    --core_->openWatches;
  }

  // Called with the core's mutex held (while the watch is set up).
  void pushObjectEvent(const std::string& eventType, const json& object) {
    json shown = presented(*spec_.type, object);
    if (spec_.table) {
      shown = toTable(*spec_.type, {shown}, {{"resourceVersion", metaString(shown, "resourceVersion")}},
                      {core_->clock.now(), IncludeObject::Metadata, !headersSent_});
      headersSent_ = true;
    }
    push(eventType, shown);
  }

  void pushBookmark(bool initialEventsEnd) {
    json object = {{"apiVersion", spec_.type->apiVersion()}, {"kind", spec_.type->kind},
                   {"metadata", {{"resourceVersion", std::to_string(cursor_)}}}};
    if (initialEventsEnd) {
      object["metadata"]["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    }
    push("BOOKMARK", object);
  }

  void pushExpired(std::uint64_t requested) {
    push("ERROR", expiredError("too old resource version: " + std::to_string(requested) + " (" +
                               std::to_string(core_->storage.compactedRevision()) + ")")
                      .toJson());
    finished_ = true;
  }

  // ResponseStream
  http::StreamRead read(std::chrono::milliseconds wait) override {
    std::unique_lock lock(core_->mutex);
    bool waited = false;
    for (;;) {
      if (closed_) {
        return {http::StreamRead::Kind::End, ""};
      }
      if (!pending_.empty()) {
        std::string line = std::move(pending_.front());
        pending_.pop_front();
        return {http::StreamRead::Kind::Data, std::move(line)};
      }
      if (finished_ || core_->dropGeneration != dropGeneration_) {
        return {http::StreamRead::Kind::End, ""};
      }
      if (cursor_ < core_->storage.compactedRevision()) {
        pushExpired(cursor_);
        continue;
      }
      drainChanges();
      if (!pending_.empty()) {
        continue;
      }
      // A CRD that was deleted or changed replaces its storage: its watches end (crdHandler),
      // after the deletions of its custom resources.
      if (spec_.type->custom &&
          core_->registry.find(spec_.type->group, spec_.type->version, spec_.type->plural) != spec_.type) {
        finished_ = true;
        continue;
      }
      const auto now = core_->clock.monotonic();
      if (now >= deadline_ - finalLead_ && spec_.bookmarks && !finalBookmarkSent_) {
        finalBookmarkSent_ = true;
        pushBookmark(false);
        continue;
      }
      if (now >= deadline_) {
        finished_ = true;
        continue;
      }
      if (spec_.bookmarks && now >= nextBookmark_) {
        nextBookmark_ = now + core_->options.bookmark_interval;
        pushBookmark(false);
        continue;
      }
      if (waited) {
        return {http::StreamRead::Kind::Idle, ""};
      }
      // Sleep until a write, close() or fault wakes us, but no longer than the next timer.
      auto timer = deadline_ - finalLead_;
      if (spec_.bookmarks && nextBookmark_ < timer) {
        timer = nextBookmark_;
      }
      const auto untilTimer = std::chrono::ceil<std::chrono::milliseconds>(timer - now);
      core_->changed.wait_for(lock, std::clamp(untilTimer, std::chrono::milliseconds(0), wait));
      waited = true;
    }
  }

  void close() override {
    std::lock_guard lock(core_->mutex);
    closed_ = true;
    core_->changed.notify_all();
  }

private:
  void push(const std::string& type, const json& object) {
    pending_.push_back(json{{"type", type}, {"object", object}}.dump() + "\n");
  }

  bool matches(const json& object) const {
    if (!spec_.ns.empty() && objectNamespace(object) != spec_.ns) {
      return false;
    }
    return spec_.selector.matches(object);
  }

  void drainChanges() {
    const auto& events = core_->storage.events();
    const auto first = std::partition_point(events.begin(), events.end(),
                                            [&](const StoredEvent& e) { return e.revision <= cursor_; });
    for (auto it = first; it != events.end(); ++it) {
      const auto& event = *it;
      cursor_ = event.revision;
      if (event.storageKey != spec_.type->storageKey) {
        continue;
      }
      if (event.type == "ADDED") {
        if (matches(event.object)) {
          pushObjectEvent("ADDED", event.object);
        }
      } else if (event.type == "DELETED") {
        if (matches(event.object)) {
          pushObjectEvent("DELETED", event.object);
        }
      } else {
        const bool before = matches(event.previous);
        const bool after = matches(event.object);
        if (before && after) {
          pushObjectEvent("MODIFIED", event.object);
        } else if (after) {
          pushObjectEvent("ADDED", event.object);
        } else if (before) {
          json last = event.previous;
          last["metadata"]["resourceVersion"] = std::to_string(event.revision);
          pushObjectEvent("DELETED", last);
        }
      }
    }
    if (cursor_ < core_->storage.revision()) {
      cursor_ = core_->storage.revision();
    }
  }

  std::shared_ptr<Core> core_;
  WatchSpec spec_;
  std::uint64_t cursor_;
  MonotonicTime deadline_;
  std::chrono::milliseconds finalLead_;
  MonotonicTime nextBookmark_;
  std::uint64_t dropGeneration_;
  std::deque<std::string> pending_;
  bool headersSent_ = false;
  bool finished_ = false;
  bool finalBookmarkSent_ = false;
  bool closed_ = false;
};

} // namespace

http::Response startWatch(Core& core, const http::Request& request, const RestTarget& target) {
  WatchSpec spec;
  spec.type = target.type;
  spec.ns = target.type->namespaced ? target.ns : "";
  auto selector = parseSelector(*target.type, queryParam(request, "labelSelector").value_or(""),
                                queryParam(request, "fieldSelector").value_or(""));
  if (!selector.ok()) {
    return errorResponse(selector.error());
  }
  spec.selector = selector.value();
  spec.table = wantsTable(request);
  spec.bookmarks = queryFlag(request, "allowWatchBookmarks");
  std::chrono::seconds timeout = core.options.watch_timeout;
  if (const auto text = queryParam(request, "timeoutSeconds")) {
    bool ok = false;
    const auto seconds = std::chrono::seconds(parseRevision(*text, &ok));
    if (!ok) {
      return errorResponse(badRequestError("timeoutSeconds: Invalid value: \"" + *text + "\""));
    }
    // 0 means "the server's default", as in handlers/get.go.
    if (seconds.count() > 0) {
      timeout = seconds;
    }
  }
  const std::string rv = queryParam(request, "resourceVersion").value_or("");
  const bool sendInitial = queryFlag(request, "sendInitialEvents");
  std::uint64_t start = core.storage.revision();
  bool initial = rv.empty() || rv == "0" || sendInitial;
  if (!initial) {
    bool ok = false;
    start = parseRevision(rv, &ok);
    if (!ok) {
      return errorResponse(badRequestError("resourceVersion: Invalid value: \"" + rv + "\": must be a non-negative integer"));
    }
  }
  // The final bookmark leads the deadline by 2 s (by half the timeout for short watches).
  const auto lead = std::min<std::chrono::milliseconds>(std::chrono::seconds(2), timeout / 2);
  auto stream = std::make_unique<WatchStream>(core.shared_from_this(), spec,
                                              // An RV from the future starts now (the watch
                                              // cache delivers every later event).
                                              initial ? core.storage.revision()
                                                      : std::min(start, core.storage.revision()),
                                              core.clock.monotonic() + timeout, lead);
  if (!initial && start < core.storage.compactedRevision()) {
    stream->pushExpired(start);
  } else if (initial) {
    for (const auto* object : core.storage.list(target.type->storageKey, spec.ns)) {
      if (spec.selector.matches(*object)) {
        stream->pushObjectEvent("ADDED", *object);
      }
    }
    if (sendInitial && spec.bookmarks) {
      stream->pushBookmark(true);
    }
  }
  http::Response response;
  response.status = 200;
  response.headers["Content-Type"] = "application/json";
  response.stream = std::move(stream);
  return response;
}

} // namespace rdr::sandbox
