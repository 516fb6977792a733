// Informer: the reflector loop of client-go (docs: kubernetes-api.md §1.7) on its own thread.
#include "rdr/runtime/informer.h"

#include <spdlog/spdlog.h>

namespace rdr::runtime {
namespace {

std::string rvOf(const nlohmann::json& object) {
  return object.value("metadata", nlohmann::json::object()).value("resourceVersion", "");
}

// Turns an in-stream ERROR event's Status object into an Error (client-go isExpiredError etc.).
Error statusToError(const nlohmann::json& status) {
  const int code = status.value("code", 0);
  const std::string reason = status.value("reason", "");
  const std::string message = status.value("message", "the watch reported an error");
  if (code == 410 || reason == "Expired" || reason == "Gone") {
    return Error(ErrorCode::Expired, message);
  }
  if (code == 429 || code >= 500) {
    return Error(ErrorCode::Transient, message);
  }
  return Error(ErrorCode::Terminal, message);
}

} // namespace

Informer::Informer(kube::Client& client, kube::Resource resource, InformerOptions options,
                   const Clock& clock, Sleeper& sleeper)
    : client_(client), resource_(std::move(resource)), options_(std::move(options)), clock_(clock),
      sleeper_(sleeper), backoff_(options_.backoff, clock) {}

Informer::~Informer() { stop(); }

void Informer::addHandlers(EventHandlers handlers) { handlers_.push_back(std::move(handlers)); }

void Informer::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void Informer::stop() {
  if (!thread_.joinable()) {
    return;
  }
  thread_.request_stop();
  {
    std::lock_guard lock(mutex_);
    if (current_watch_) {
      current_watch_->cancel();
    }
  }
  thread_.join();
}

std::string Informer::lastSyncResourceVersion() const {
  std::lock_guard lock(mutex_);
  return last_sync_rv_;
}

void Informer::setLastSyncResourceVersion(std::string rv) {
  std::lock_guard lock(mutex_);
  last_sync_rv_ = std::move(rv);
}

void Informer::run(std::stop_token stop) {
  spdlog::info("The informer for {} started.", resource_.qualifiedName());
  while (!stop.stop_requested()) {
    const Status status = listAndWatch(stop);
    if (stop.stop_requested()) {
      break;
    }
    const auto delay = backoff_.next();
    if (!status) {
      spdlog::warn("The informer for {} failed: {}; retrying in {} ms.", resource_.qualifiedName(),
                   status.error().toString(), delay.count());
    }
    if (!sleeper_.sleepFor(delay, stop)) {
      break;
    }
  }
  spdlog::info("The informer for {} stopped.", resource_.qualifiedName());
}

Status Informer::listAndWatch(std::stop_token stop) {
  RDR_RETURN_IF_ERROR(listAll());
  while (!stop.stop_requested()) {
    // A normal end re-watches from the last seen RV; anything else ends the cycle.
    RDR_RETURN_IF_ERROR(watchOnce(stop));
  }
  return okStatus();
}

Status Informer::listAll() {
  std::string rv;
  {
    std::lock_guard lock(mutex_);
    // 1. The first list asks for "0" (any, served from the watch cache); later ones for the last
    //    seen RV; after a 410 for "" (most recent).
    rv = relist_from_latest_ ? "" : (last_sync_rv_.empty() ? "0" : last_sync_rv_);
  }
  kube::ListOptions options;
  options.label_selector = options_.label_selector;
  options.limit = options_.page_size;
  options.resource_version = rv;
  std::vector<nlohmann::json> items;
  std::string list_rv;
  while (true) {
    auto page = client_.list(resource_, options_.namespace_, options);
    if (!page) {
      // 2. A 410 retries at once from the most recent state.
      if (page.error().is(ErrorCode::Expired) && options.resource_version != "") {
        spdlog::info("Listing {} at resourceVersion {} expired; listing the latest state.",
                     resource_.qualifiedName(), rv);
        std::lock_guard lock(mutex_);
        relist_from_latest_ = true;
        options = kube::ListOptions{options_.label_selector, "", std::string(),
                                    options_.page_size, ""};
        items.clear();
        list_rv.clear(); // the pages start over: the new first page's RV is the list's
        continue;
      }
      return page.error().wrap("while listing " + resource_.qualifiedName());
    }
    if (list_rv.empty()) {
      list_rv = page->resource_version; // all pages are served at the first page's RV
    }
    for (auto& item : page->items) {
      items.push_back(std::move(item));
    }
    if (page->continue_token.empty()) {
      break;
    }
    options.continue_token = page->continue_token;
    options.resource_version.reset(); // a continue token carries the RV itself
  }
  // 3. The list replaces the cache; vanished objects become deletes.
  const ReplaceDelta delta = cache_.replace(items);
  {
    std::lock_guard lock(mutex_);
    last_sync_rv_ = list_rv;
    relist_from_latest_ = false;
  }
  spdlog::debug("Listed {} {} at resourceVersion {} ({} added, {} deleted).", items.size(),
                resource_.qualifiedName(), list_rv, delta.added.size(), delta.deleted.size());
  for (const EventHandlers& h : handlers_) {
    for (const auto& object : delta.added) {
      if (h.on_add) {
        h.on_add(object);
      }
    }
    for (const auto& [old_object, new_object] : delta.updated) {
      if (h.on_update) {
        h.on_update(old_object, new_object);
      }
    }
    for (const auto& object : delta.deleted) {
      if (h.on_delete) {
        h.on_delete(object);
      }
    }
  }
  synced_.store(true);
  return okStatus();
}

// Rules for the end of a watch (client-go reflector.go watchHandler):
// 1. Nothing more from the server (its timeout): fine, the caller re-watches from the last RV.
// 2. ... unless it came within short_watch and carried no event: a "very short watch", a failure.
// 3. An ERROR event (410 Expired above all) or a broken stream: an error, the caller backs off
//    and relists from the last RV.
// 4. Cancelled because we are stopping: fine, the loop ends.
Status Informer::watchOnce(std::stop_token stop) {
  kube::WatchOptions options;
  options.label_selector = options_.label_selector;
  options.resource_version = lastSyncResourceVersion();
  options.allow_bookmarks = true;
  // Spread the server-side timeouts over [min, 2·min) so that informers do not re-watch together.
  options.timeout = options_.min_watch_timeout +
                    std::chrono::seconds(options_.min_watch_timeout.count() *
                                         (watch_count_++ % 97) / 97);
  auto opened = client_.watch(resource_, options_.namespace_, options);
  if (!opened) {
    return opened.error().wrap("while watching " + resource_.qualifiedName());
  }
  kube::WatchStream* stream = nullptr;
  {
    std::lock_guard lock(mutex_);
    current_watch_ = std::move(opened).value();
    stream = current_watch_.get();
    if (stop.stop_requested()) {
      stream->cancel();
    }
  }
  const MonotonicTime started = clock_.monotonic();
  int events = 0;
  Status result = okStatus();
  while (true) {
    auto next = stream->next();
    if (!next) {
      result = stop.stop_requested() ? okStatus() : Status(next.error());
      break;
    }
    if (!next->has_value()) {
      // A watch that ends at once with nothing in it means the server is unhappy: back off.
      if (events == 0 && clock_.monotonic() - started < options_.short_watch) {
        result = Error(ErrorCode::Transient, "very short watch of " + resource_.qualifiedName() +
                                                 ": it ended unexpectedly with no events");
      }
      break;
    }
    result = handleEvent(**next);
    if (!result) {
      break;
    }
    ++events;
  }
  std::lock_guard lock(mutex_);
  current_watch_.reset();
  return result;
}

Status Informer::handleEvent(const kube::WatchEvent& event) {
  switch (event.type) {
  case kube::WatchEventType::Error:
    return statusToError(event.object).wrap("while watching " + resource_.qualifiedName());
  case kube::WatchEventType::Bookmark:
    break;
  case kube::WatchEventType::Added:
  case kube::WatchEventType::Modified: {
    const auto previous = cache_.upsert(event.object);
    for (const EventHandlers& h : handlers_) {
      if (previous && h.on_update) {
        h.on_update(*previous, event.object);
      } else if (!previous && h.on_add) {
        h.on_add(event.object);
      }
    }
    break;
  }
  case kube::WatchEventType::Deleted:
    cache_.remove(Cache::keyOf(event.object));
    for (const EventHandlers& h : handlers_) {
      if (h.on_delete) {
        h.on_delete(event.object);
      }
    }
    break;
  }
  setLastSyncResourceVersion(rvOf(event.object));
  return okStatus();
}

} // namespace rdr::runtime
