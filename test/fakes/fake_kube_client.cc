// FakeKubeClient: in-memory store, event log and watch fan-out behind the kube::Client interface.
#include "fakes/fake_kube_client.h"

#include <algorithm>
#include <cstdio>

#include "rdr/common/time_format.h"
#include "rdr/kube/label_selector.h"

namespace rdr::testing {
namespace {

using nlohmann::json;

class FakeWatchStream final : public kube::WatchStream {
public:
  explicit FakeWatchStream(std::shared_ptr<FakeKubeClient::WatchState> state)
      : state_(std::move(state)) {}
  ~FakeWatchStream() override { cancel(); }

  Result<std::optional<kube::WatchEvent>> next() override {
    std::unique_lock lock(state_->mutex);
    state_->cv.wait(lock, [&] {
      return state_->cancelled || state_->ended || !state_->events.empty();
    });
    if (state_->cancelled) {
      return Error(ErrorCode::Transient, "the watch was cancelled by the client");
    }
    if (!state_->events.empty()) {
      kube::WatchEvent event = std::move(state_->events.front());
      state_->events.pop_front();
      return std::optional<kube::WatchEvent>(std::move(event));
    }
    return std::optional<kube::WatchEvent>();
  }

  void cancel() override {
    std::lock_guard lock(state_->mutex);
    state_->cancelled = true;
    state_->cv.notify_all();
  }

private:
  std::shared_ptr<FakeKubeClient::WatchState> state_;
};

std::string keyName(const kube::Resource& resource) { return resource.qualifiedName(); }

kube::ObjectKey keyOf(const json& object) {
  const json& meta = object.value("metadata", json::object());
  return {meta.value("namespace", ""), meta.value("name", "")};
}

std::int64_t rvOf(const json& object) {
  const std::string rv = object.value("metadata", json::object()).value("resourceVersion", "");
  return rv.empty() ? 0 : std::stoll(rv);
}

Error notFound(const kube::Resource& resource, const std::string& name) {
  return Error(ErrorCode::NotFound, resource.qualifiedName() + " \"" + name + "\" not found");
}

Error conflict(const kube::Resource& resource, const std::string& name) {
  return Error(ErrorCode::Conflict,
               "Operation cannot be fulfilled on " + resource.qualifiedName() + " \"" + name +
                   "\": the object has been modified; please apply your changes to the latest "
                   "version and try again");
}

// Everything but metadata (and status when it is a subresource): what moves generation.
json specPart(json object, bool status_subresource) {
  object.erase("metadata");
  if (status_subresource) {
    object.erase("status");
  }
  return object;
}

std::set<std::string> finalizersOf(const json& object) {
  std::set<std::string> out;
  const json& meta = object.value("metadata", json::object());
  for (const json& f : meta.value("finalizers", json::array())) {
    out.insert(f.get<std::string>());
  }
  return out;
}

bool selectorMatches(const std::string& selector, const json& object) {
  auto parsed = kube::LabelSelector::parse(selector);
  return parsed.has_value() && parsed->matchesObject(object);
}

// Field selectors: only `metadata.name=x` and `metadata.namespace=y` (comma = AND), as for CRs.
Result<bool> fieldsMatch(const std::string& selector, const json& object) {
  if (selector.empty()) {
    return true;
  }
  auto terms = kube::LabelSelector::parse(selector);
  if (!terms) {
    return terms.error();
  }
  const json& meta = object.value("metadata", json::object());
  for (const auto& term : terms->requirements()) {
    if ((term.key != "metadata.name" && term.key != "metadata.namespace") ||
        (term.op != kube::LabelSelector::Op::Equals &&
         term.op != kube::LabelSelector::Op::NotEquals)) {
      return Error(ErrorCode::Invalid, "field label not supported: " + term.key);
    }
    const bool equal = meta.value(term.key.substr(9), "") == term.values.front();
    if (equal != (term.op == kube::LabelSelector::Op::Equals)) {
      return false;
    }
  }
  return true;
}

bool watchMatches(const FakeKubeClient::WatchState& watch, const json& object) {
  auto fields = fieldsMatch(watch.field_selector, object);
  return selectorMatches(watch.label_selector, object) && fields.has_value() && *fields;
}

} // namespace

FakeKubeClient::FakeKubeClient(const Clock& clock) : clock_(clock) {}

FakeKubeClient::~FakeKubeClient() { closeWatches(); }

std::optional<Error> FakeKubeClient::takeFailureLocked(Verb verb) {
  auto it = failures_.find(verb);
  if (it == failures_.end() || it->second.remaining <= 0) {
    return std::nullopt;
  }
  --it->second.remaining;
  return Error(it->second.code, it->second.message);
}

void FakeKubeClient::recordLocked(RecordedCall call) { calls_.push_back(std::move(call)); }

bool FakeKubeClient::hasStatusSubresourceLocked(const kube::Resource& resource) const {
  return !without_status_subresource_.contains(keyName(resource));
}

Result<json> FakeKubeClient::get(const kube::Resource& resource, const kube::ObjectKey& key) {
  std::lock_guard lock(mutex_);
  recordLocked({Verb::Get, keyName(resource), key.namespace_, key.name, "", 0, "", {}});
  if (auto failure = takeFailureLocked(Verb::Get)) {
    return *failure;
  }
  const Store& store = objects_[keyName(resource)];
  auto it = store.find(key);
  if (it == store.end()) {
    return notFound(resource, key.name);
  }
  return it->second;
}

Result<kube::ListResult> FakeKubeClient::list(const kube::Resource& resource,
                                              const std::string& namespace_,
                                              const kube::ListOptions& options) {
  std::lock_guard lock(mutex_);
  recordLocked({Verb::List, keyName(resource), namespace_, "", options.resource_version.value_or(""),
                options.limit, options.continue_token, {}});
  if (auto failure = takeFailureLocked(Verb::List)) {
    return *failure;
  }
  auto selector = kube::LabelSelector::parse(options.label_selector);
  if (!selector) {
    return selector.error();
  }
  const std::string rv = options.resource_version.value_or("");
  if (!rv.empty() && rv != "0" && std::stoll(rv) < history_floor_) {
    return Error(ErrorCode::Expired, "too old resource version: " + rv + " (" +
                                         std::to_string(history_floor_) + ")");
  }
  // Continue tokens are "<list rv>|<last key>": later pages resume after the key.
  std::string list_rv = std::to_string(rv_);
  std::string after;
  if (!options.continue_token.empty()) {
    const auto bar = options.continue_token.find('|');
    list_rv = options.continue_token.substr(0, bar);
    after = options.continue_token.substr(bar + 1);
  }
  kube::ListResult result;
  result.resource_version = list_rv;
  for (const auto& [key, object] : objects_[keyName(resource)]) {
    auto fields = fieldsMatch(options.field_selector, object);
    if (!fields) {
      return fields.error();
    }
    if ((!namespace_.empty() && key.namespace_ != namespace_) ||
        (!after.empty() && key.toString() <= after) || !selector->matchesObject(object) ||
        !*fields) {
      continue;
    }
    if (options.limit > 0 && static_cast<int>(result.items.size()) == options.limit) {
      result.continue_token = list_rv + "|" + keyOf(result.items.back()).toString();
      break;
    }
    result.items.push_back(object);
  }
  return result;
}

Result<json> FakeKubeClient::create(const kube::Resource& resource, const json& object) {
  std::lock_guard lock(mutex_);
  json incoming = object;
  recordLocked({Verb::Create, keyName(resource), keyOf(object).namespace_, keyOf(object).name,
                "", 0, "", object});
  if (auto failure = takeFailureLocked(Verb::Create)) {
    return *failure;
  }
  json& meta = incoming["metadata"];
  if (meta.contains("resourceVersion") && !meta["resourceVersion"].get<std::string>().empty()) {
    return Error(ErrorCode::Transient,
                 "resourceVersion should not be set on objects to be created");
  }
  if (meta.value("name", "").empty() && !meta.value("generateName", "").empty()) {
    char suffix[24];
    std::snprintf(suffix, sizeof(suffix), "%05lld",
                  static_cast<long long>((uid_counter_ * 7919 + 12345) % 100000));
    meta["name"] = meta["generateName"].get<std::string>() + suffix;
  }
  if (meta.value("name", "").empty()) {
    return Error(ErrorCode::Invalid, resource.kind + " \"\" is invalid: metadata.name: Required "
                                                     "value: name or generateName is required");
  }
  if (!resource.namespaced) {
    meta.erase("namespace");
  }
  const kube::ObjectKey key = keyOf(incoming);
  if (objects_[keyName(resource)].contains(key)) {
    return Error(ErrorCode::AlreadyExists,
                 resource.qualifiedName() + " \"" + key.name + "\" already exists");
  }
  char uid[48];
  std::snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012lld",
                static_cast<long long>(++uid_counter_));
  meta["uid"] = uid;
  meta["creationTimestamp"] = formatRfc3339(clock_.now());
  meta["generation"] = 1;
  incoming["apiVersion"] = resource.apiVersion();
  incoming["kind"] = resource.kind;
  if (hasStatusSubresourceLocked(resource)) {
    incoming.erase("status");
  }
  return commitLocked(resource, kube::WatchEventType::Added, json(), std::move(incoming));
}

Result<json> FakeKubeClient::update(const kube::Resource& resource, const json& object) {
  std::lock_guard lock(mutex_);
  const kube::ObjectKey key = keyOf(object);
  const std::string rv = object.value("metadata", json::object()).value("resourceVersion", "");
  recordLocked({Verb::Update, keyName(resource), key.namespace_, key.name, rv, 0, "", object});
  if (auto failure = takeFailureLocked(Verb::Update)) {
    return *failure;
  }
  auto it = objects_[keyName(resource)].find(key);
  if (it == objects_[keyName(resource)].end()) {
    return notFound(resource, key.name);
  }
  return writeLocked(resource, it->second, object, false);
}

Result<json> FakeKubeClient::updateStatus(const kube::Resource& resource, const json& object) {
  std::lock_guard lock(mutex_);
  const kube::ObjectKey key = keyOf(object);
  const std::string rv = object.value("metadata", json::object()).value("resourceVersion", "");
  recordLocked({Verb::UpdateStatus, keyName(resource), key.namespace_, key.name, rv, 0, "", object});
  if (auto failure = takeFailureLocked(Verb::UpdateStatus)) {
    return *failure;
  }
  auto it = objects_[keyName(resource)].find(key);
  if (it == objects_[keyName(resource)].end()) {
    return notFound(resource, key.name);
  }
  return writeLocked(resource, it->second, object, true);
}

// The update path shared by PUT, PUT /status and PATCH (docs §2.3-2.5, §2.8).
Result<json> FakeKubeClient::writeLocked(const kube::Resource& resource, const json& current,
                                         const json& incoming, bool status_endpoint) {
  const std::string name = keyOf(current).name;
  const std::string rv = incoming.value("metadata", json::object()).value("resourceVersion", "");
  // 1. The RV is a mandatory precondition (CRs and Leases do not allow unconditional updates).
  if (rv.empty()) {
    return Error(ErrorCode::Invalid, resource.kind + " \"" + name +
                                         "\" is invalid: metadata.resourceVersion: Invalid value: "
                                         "0x0: must be specified for an update");
  }
  if (rv != current["metadata"]["resourceVersion"].get<std::string>()) {
    return conflict(resource, name);
  }
  const bool subresource = hasStatusSubresourceLocked(resource);
  json next;
  if (status_endpoint && subresource) {
    // 2. /status takes only .status from the body.
    next = current;
    if (incoming.contains("status")) {
      next["status"] = incoming["status"];
    } else {
      next.erase("status");
    }
  } else {
    // 3. The main endpoint keeps server-owned metadata and, with a subresource, the old status.
    next = incoming;
    for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp",
                              "deletionGracePeriodSeconds", "generation", "namespace", "name"}) {
      if (current["metadata"].contains(field)) {
        next["metadata"][field] = current["metadata"][field];
      } else {
        next["metadata"].erase(field);
      }
    }
    if (subresource) {
      if (current.contains("status")) {
        next["status"] = current["status"];
      } else {
        next.erase("status");
      }
    }
    if (specPart(next, subresource) != specPart(current, subresource)) {
      next["metadata"]["generation"] = current["metadata"].value("generation", 1) + 1;
    }
  }
  next["apiVersion"] = resource.apiVersion();
  next["kind"] = resource.kind;
  if (next["metadata"].contains("finalizers") && next["metadata"]["finalizers"].empty()) {
    next["metadata"].erase("finalizers");
  }
  const bool deleting = current["metadata"].contains("deletionTimestamp");
  // 4. No new finalizers once deletion has started.
  if (deleting) {
    const auto before = finalizersOf(current);
    for (const std::string& f : finalizersOf(next)) {
      if (!before.contains(f)) {
        return Error(ErrorCode::Invalid, resource.kind + " \"" + name +
                                             "\" is invalid: metadata.finalizers: Forbidden: no "
                                             "new finalizers can be added if the object is being "
                                             "deleted, found new finalizers [\"" + f + "\"]");
      }
    }
  }
  // 5. A no-op write keeps the RV and emits nothing.
  if (next == current) {
    return current;
  }
  // 6. Removing the last finalizer of a deleting object deletes it (watchers see only DELETED).
  if (deleting && finalizersOf(next).empty()) {
    return commitLocked(resource, kube::WatchEventType::Deleted, current, std::move(next));
  }
  return commitLocked(resource, kube::WatchEventType::Modified, current, std::move(next));
}

json FakeKubeClient::commitLocked(const kube::Resource& resource, kube::WatchEventType type,
                                  json previous, json object) {
  object["metadata"]["resourceVersion"] = std::to_string(++rv_);
  Store& store = objects_[keyName(resource)];
  if (type == kube::WatchEventType::Deleted) {
    store.erase(keyOf(object));
  } else {
    store[keyOf(object)] = object;
  }
  log_.push_back({rv_, keyName(resource), type, std::move(previous), object});
  deliverLocked(log_.back());
  return object;
}

void FakeKubeClient::deliverLocked(const LogEntry& entry) {
  std::erase_if(watches_, [](const std::weak_ptr<WatchState>& w) { return w.expired(); });
  for (const auto& weak : watches_) {
    if (auto watch = weak.lock()) {
      deliverTo(*watch, entry);
    }
  }
}

// Selector transitions as the watch cache makes them (docs §1.6).
void FakeKubeClient::deliverTo(WatchState& watch, const LogEntry& entry) {
  if (watch.resource != entry.resource ||
      (!watch.namespace_.empty() && keyOf(entry.object).namespace_ != watch.namespace_)) {
    return;
  }
  const bool was_in = !entry.previous.is_null() && watchMatches(watch, entry.previous);
  const bool is_in = watchMatches(watch, entry.object);
  std::optional<kube::WatchEvent> event;
  if (entry.type == kube::WatchEventType::Deleted) {
    if (was_in || is_in) {
      event = kube::WatchEvent{kube::WatchEventType::Deleted, entry.object};
    }
  } else if (is_in) {
    event = kube::WatchEvent{was_in ? kube::WatchEventType::Modified : kube::WatchEventType::Added,
                             entry.object};
  } else if (was_in) {
    json last = entry.previous;
    last["metadata"]["resourceVersion"] = entry.object["metadata"]["resourceVersion"];
    event = kube::WatchEvent{kube::WatchEventType::Deleted, last};
  }
  if (event) {
    std::lock_guard lock(watch.mutex);
    if (!watch.ended && !watch.cancelled) {
      watch.events.push_back(std::move(*event));
      watch.cv.notify_all();
    }
  }
}

Result<json> FakeKubeClient::patch(const kube::Resource& resource, const kube::ObjectKey& key,
                                   kube::PatchType type, const json& patch,
                                   const kube::PatchOptions& /*options*/,
                                   const std::string& subresource) {
  std::lock_guard lock(mutex_);
  recordLocked({Verb::Patch, keyName(resource), key.namespace_, key.name, "", 0, "", patch});
  if (auto failure = takeFailureLocked(Verb::Patch)) {
    return *failure;
  }
  return patchLocked(resource, key, type, patch, subresource);
}

Result<json> FakeKubeClient::patchLocked(const kube::Resource& resource, const kube::ObjectKey& key,
                                         kube::PatchType type, const json& patch,
                                         const std::string& subresource) {
  auto it = objects_[keyName(resource)].find(key);
  if (it == objects_[keyName(resource)].end()) {
    return notFound(resource, key.name);
  }
  const json current = it->second;
  json patched = current;
  // 1. Merge patches apply as RFC 7386; strategic merge only for core kinds (as a merge patch).
  // 2. JSON patches apply as RFC 6902; a failing op is Invalid.
  // 3. Server-side apply is not emulated.
  if (type == kube::PatchType::Apply ||
      (type == kube::PatchType::StrategicMerge && !resource.group.empty())) {
    return Error(ErrorCode::Unsupported,
                 "the body of the request was in an unknown format - accepted media types "
                 "include: application/json-patch+json, application/merge-patch+json");
  }
  try {
    if (type == kube::PatchType::Json) {
      patched = current.patch(patch);
    } else {
      patched.merge_patch(patch);
    }
  } catch (const json::exception& e) {
    return Error(ErrorCode::Invalid, std::string("the patch could not be applied: ") + e.what());
  }
  // 4. Without an RV in the patch there is no precondition; with one it must match.
  if (!patched["metadata"].contains("resourceVersion") ||
      !patched["metadata"]["resourceVersion"].is_string()) {
    patched["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
  }
  return writeLocked(resource, current, patched, subresource == "status");
}

Status FakeKubeClient::remove(const kube::Resource& resource, const kube::ObjectKey& key,
                              const kube::DeleteOptions& options) {
  std::lock_guard lock(mutex_);
  recordLocked({Verb::Remove, keyName(resource), key.namespace_, key.name,
                options.precondition_resource_version.value_or(""), 0, "", {}});
  if (auto failure = takeFailureLocked(Verb::Remove)) {
    return *failure;
  }
  auto it = objects_[keyName(resource)].find(key);
  if (it == objects_[keyName(resource)].end()) {
    return notFound(resource, key.name);
  }
  const json current = it->second;
  const json& meta = current["metadata"];
  if (options.precondition_uid && *options.precondition_uid != meta.value("uid", "")) {
    return Error(ErrorCode::Conflict, "Precondition failed: UID in precondition: " +
                                          *options.precondition_uid +
                                          ", UID in object meta: " + meta.value("uid", ""));
  }
  if (options.precondition_resource_version &&
      *options.precondition_resource_version != meta.value("resourceVersion", "")) {
    return Error(ErrorCode::Conflict, "Precondition failed: ResourceVersion in precondition: " +
                                          *options.precondition_resource_version +
                                          ", ResourceVersion in object meta: " +
                                          meta.value("resourceVersion", ""));
  }
  if (finalizersOf(current).empty()) {
    commitLocked(resource, kube::WatchEventType::Deleted, current, current);
    return okStatus();
  }
  if (meta.contains("deletionTimestamp")) {
    return okStatus();
  }
  json next = current;
  next["metadata"]["deletionTimestamp"] = formatRfc3339(clock_.now());
  next["metadata"]["deletionGracePeriodSeconds"] = 0;
  next["metadata"]["generation"] = meta.value("generation", 1) + 1;
  commitLocked(resource, kube::WatchEventType::Modified, current, std::move(next));
  return okStatus();
}

Result<std::unique_ptr<kube::WatchStream>>
FakeKubeClient::watch(const kube::Resource& resource, const std::string& namespace_,
                      const kube::WatchOptions& options) {
  std::lock_guard lock(mutex_);
  recordLocked({Verb::Watch, keyName(resource), namespace_, "", options.resource_version, 0, "",
                {}});
  if (auto failure = takeFailureLocked(Verb::Watch)) {
    return *failure;
  }
  auto selector = kube::LabelSelector::parse(options.label_selector);
  if (!selector) {
    return selector.error();
  }
  if (auto fields = fieldsMatch(options.field_selector, json::object()); !fields) {
    return fields.error();
  }
  auto state = std::make_shared<WatchState>();
  state->field_selector = options.field_selector;
  state->resource = keyName(resource);
  state->namespace_ = namespace_;
  state->label_selector = options.label_selector;
  state->allow_bookmarks = options.allow_bookmarks;
  state->descriptor = resource;
  const std::string& rv = options.resource_version;
  if (rv.empty() || rv == "0") {
    for (const auto& [key, object] : objects_[keyName(resource)]) {
      deliverTo(*state, {rvOf(object), state->resource, kube::WatchEventType::Added, json(), object});
    }
  } else if (std::stoll(rv) < history_floor_) {
    state->events.push_back(
        {kube::WatchEventType::Error,
         {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
          {"status", "Failure"}, {"reason", "Expired"}, {"code", 410},
          {"message", "too old resource version: " + rv + " (" +
                          std::to_string(history_floor_) + ")"}}});
    state->ended = true;
  } else {
    for (const LogEntry& entry : log_) {
      if (entry.rv > std::stoll(rv)) {
        deliverTo(*state, entry);
      }
    }
  }
  watches_.push_back(state);
  return std::unique_ptr<kube::WatchStream>(std::make_unique<FakeWatchStream>(state));
}

void FakeKubeClient::failNext(Verb verb, ErrorCode code, int times, std::string message) {
  std::lock_guard lock(mutex_);
  failures_[verb] = Failure{code, times, std::move(message)};
}

void FakeKubeClient::closeWatches() {
  std::lock_guard lock(mutex_);
  for (const auto& weak : watches_) {
    if (auto watch = weak.lock()) {
      std::lock_guard watch_lock(watch->mutex);
      watch->ended = true;
      watch->cv.notify_all();
    }
  }
  watches_.clear();
}

void FakeKubeClient::expireHistory() {
  std::lock_guard lock(mutex_);
  history_floor_ = rv_; // watching from the current RV needs no history; anything older does
  log_.clear();
}

void FakeKubeClient::sendBookmarks() {
  std::lock_guard lock(mutex_);
  for (const auto& weak : watches_) {
    auto watch = weak.lock();
    if (!watch || !watch->allow_bookmarks) {
      continue;
    }
    std::lock_guard watch_lock(watch->mutex);
    watch->events.push_back({kube::WatchEventType::Bookmark,
                             {{"apiVersion", watch->descriptor.apiVersion()},
                              {"kind", watch->descriptor.kind},
                              {"metadata", {{"resourceVersion", std::to_string(rv_)}}}}});
    watch->cv.notify_all();
  }
}

void FakeKubeClient::setStatusSubresource(const kube::Resource& resource, bool enabled) {
  std::lock_guard lock(mutex_);
  if (enabled) {
    without_status_subresource_.erase(keyName(resource));
  } else {
    without_status_subresource_.insert(keyName(resource));
  }
}

std::vector<RecordedCall> FakeKubeClient::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<RecordedCall> FakeKubeClient::calls(Verb verb) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  std::copy_if(calls_.begin(), calls_.end(), std::back_inserter(out),
               [&](const RecordedCall& c) { return c.verb == verb; });
  return out;
}

void FakeKubeClient::clearCalls() {
  std::lock_guard lock(mutex_);
  calls_.clear();
}

std::string FakeKubeClient::currentResourceVersion() const {
  std::lock_guard lock(mutex_);
  return std::to_string(rv_);
}

std::size_t FakeKubeClient::openWatchCount() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& weak : watches_) {
    if (auto watch = weak.lock()) {
      std::lock_guard watch_lock(watch->mutex);
      count += (!watch->ended && !watch->cancelled) ? 1 : 0;
    }
  }
  return count;
}

std::optional<json> FakeKubeClient::peek(const kube::Resource& resource,
                                         const kube::ObjectKey& key) const {
  std::lock_guard lock(mutex_);
  auto store = objects_.find(keyName(resource));
  if (store == objects_.end() || !store->second.contains(key)) {
    return std::nullopt;
  }
  return store->second.at(key);
}

} // namespace rdr::testing
