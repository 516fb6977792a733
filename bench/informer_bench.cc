// rdr-bench-informer: informer sync time, write-to-callback latency and RSS against the emulator.
//
// Starts the sandbox API server emulator in this process over plain HTTP on 127.0.0.1:0, creates
// N objects through the RestClient, then measures (a) start-to-hasSynced() of a fresh Informer,
// (b) the latency from just before a create call to the informer's on_add callback, (c) VmRSS and
// VmHWM from /proc/self/status. Prints a table and one "figure name=value unit" line per figure.
// Never asserts on time: it reports.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "rdr/common/clock.h"
#include "rdr/common/yaml.h"
#include "rdr/http/server.h"
#include "rdr/kube/client.h"
#include "rdr/kube/config.h"
#include "rdr/kube/resource.h"
#include "rdr/kube/rest_client.h"
#include "rdr/runtime/informer.h"
#include "rdr/runtime/sleeper.h"
#include "rdr/sandbox/api_server.h"

namespace {

using Steady = std::chrono::steady_clock;
using nlohmann::json;

constexpr char kNamespace[] = "bench";

struct Flags {
  int objects = 10000;
  std::string kind = "configmap"; // or "rediscluster"
  int runs = 5;
  int writes = 1000;
  int page_size = 500;
  int creators = 2; // threads creating the initial objects
  std::string crds = std::string(RDR_SOURCE_DIR) + "/crds";
  std::string seed = std::string(RDR_SOURCE_DIR) + "/test/data/seeds/003-prod-redis.yaml";
  bool verbose = false;
};

const char kUsage[] =
    "Usage: rdr-bench-informer [options]\n"
    "  --objects N        objects created before the informer starts (default 10000)\n"
    "  --kind K           configmap (default) or rediscluster (seed-like, through CRD admission)\n"
    "  --runs R           informer syncs to time (default 5)\n"
    "  --writes K         creates whose write-to-callback latency is measured (default 1000)\n"
    "  --page-size P      the informer's list page size (default 500)\n"
    "  --creators T       threads creating the initial objects (default 2)\n"
    "  --crds DIR         CRD directory (default <source>/crds)\n"
    "  --seed FILE        RedisCluster manifest the objects copy (default seed 003 prod-redis)\n"
    "  --verbose          info logs of the emulator, client and informer\n";

[[noreturn]] void usageError(const std::string& message) {
  std::fprintf(stderr, "rdr-bench-informer: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

int positiveInt(const std::string& flag, const std::string& text, int minimum) {
  try {
    std::size_t used = 0;
    const long value = std::stol(text, &used);
    if (used != text.size() || value < minimum || value > 10'000'000) {
      throw std::invalid_argument(text);
    }
    return static_cast<int>(value);
  } catch (const std::exception&) {
    usageError(flag + " wants an integer >= " + std::to_string(minimum) + ", not '" + text + "'");
  }
}

Flags parseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--verbose") {
      flags.verbose = true;
      continue;
    }
    std::string value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      usageError(arg + " wants a value");
    }
    if (arg == "--objects") {
      flags.objects = positiveInt(arg, value, 1);
    } else if (arg == "--kind") {
      if (value != "configmap" && value != "rediscluster") {
        usageError("--kind is configmap or rediscluster, not '" + value + "'");
      }
      flags.kind = value;
    } else if (arg == "--runs") {
      flags.runs = positiveInt(arg, value, 1);
    } else if (arg == "--writes") {
      flags.writes = positiveInt(arg, value, 1);
    } else if (arg == "--page-size") {
      flags.page_size = positiveInt(arg, value, 1);
    } else if (arg == "--creators") {
      flags.creators = positiveInt(arg, value, 1);
    } else if (arg == "--crds") {
      flags.crds = value;
    } else if (arg == "--seed") {
      flags.seed = value;
    } else {
      usageError("unknown option " + arg);
    }
  }
  return flags;
}

// Exits at once: server and informer threads may still run, so no static destructors.
[[noreturn]] void fail(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "rdr-bench-informer: %s\n", message.c_str());
  std::_Exit(1);
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); -1 when absent.
long statusKib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream values(line.substr(field.size() + 1));
      long kib = -1;
      values >> kib;
      return kib;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0: "5" > /proc/self/clear_refs), so that the next
// VmHWM is the peak of one phase. @return false when the kernel refuses.
bool resetPeak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// The first three fields of /proc/loadavg: how busy the (shared) machine was.
std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile of an unsorted sample (copied).
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * values.size()));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// Forwards to a real client and counts list requests (how many pages one sync took).
class CountingClient final : public rdr::kube::Client {
public:
  explicit CountingClient(rdr::kube::Client& inner) : inner_(inner) {}
  int lists() const { return lists_.load(); }

  rdr::Result<json> get(const rdr::kube::Resource& r, const rdr::kube::ObjectKey& k) override {
    return inner_.get(r, k);
  }
  rdr::Result<rdr::kube::ListResult> list(const rdr::kube::Resource& r, const std::string& ns,
                                          const rdr::kube::ListOptions& o) override {
    ++lists_;
    return inner_.list(r, ns, o);
  }
  rdr::Result<json> create(const rdr::kube::Resource& r, const json& o) override {
    return inner_.create(r, o);
  }
  rdr::Result<json> update(const rdr::kube::Resource& r, const json& o) override {
    return inner_.update(r, o);
  }
  rdr::Result<json> updateStatus(const rdr::kube::Resource& r, const json& o) override {
    return inner_.updateStatus(r, o);
  }
  rdr::Result<json> patch(const rdr::kube::Resource& r, const rdr::kube::ObjectKey& k,
                          rdr::kube::PatchType t, const json& p,
                          const rdr::kube::PatchOptions& o, const std::string& sub) override {
    return inner_.patch(r, k, t, p, o, sub);
  }
  rdr::Status remove(const rdr::kube::Resource& r, const rdr::kube::ObjectKey& k,
                     const rdr::kube::DeleteOptions& o) override {
    return inner_.remove(r, k, o);
  }
  rdr::Result<std::unique_ptr<rdr::kube::WatchStream>>
  watch(const rdr::kube::Resource& r, const std::string& ns,
        const rdr::kube::WatchOptions& o) override {
    return inner_.watch(r, ns, o);
  }

private:
  rdr::kube::Client& inner_;
  std::atomic<int> lists_{0};
};

// Builds object `name` of the benchmarked kind.
class Manifests {
public:
  explicit Manifests(const Flags& flags) : kind_(flags.kind) {
    if (kind_ == "rediscluster") {
      std::ifstream in(flags.seed);
      if (!in) {
        fail("cannot read the seed manifest " + flags.seed);
      }
      std::stringstream text;
      text << in.rdbuf();
      auto parsed = rdr::parseYamlDocument(text.str());
      if (!parsed) {
        fail("the seed manifest " + flags.seed + " does not parse: " + parsed.error().toString());
      }
      seed_ = std::move(parsed).value();
    }
  }

  rdr::kube::Resource resource() const {
    return kind_ == "rediscluster" ? rdr::kube::resources::redisClusters()
                                   : rdr::kube::resources::configMaps();
  }

  json make(const std::string& name) const {
    if (kind_ == "rediscluster") {
      json object = seed_;
      object["metadata"]["name"] = name;
      object["metadata"]["namespace"] = kNamespace;
      object["metadata"]["labels"]["app.kubernetes.io/part-of"] = "rdr-bench";
      return object;
    }
    // A small, typical ConfigMap: a label and a few hundred bytes of data.
    return json{{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata",
                 {{"name", name},
                  {"namespace", kNamespace},
                  {"labels", {{"app.kubernetes.io/part-of", "rdr-bench"}}}}},
                {"data",
                 {{"redis.conf", "maxmemory 256mb\nmaxmemory-policy allkeys-lru\n"
                                 "appendonly yes\nappendfsync everysec\n"},
                  {"owner", name},
                  {"notes", std::string(200, 'x')}}}};
  }

private:
  std::string kind_;
  json seed_;
};

std::string objectName(const char* prefix, int index) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s-%05d", prefix, index);
  return buffer;
}

std::unique_ptr<rdr::kube::RestClient> connectClient(std::uint16_t port) {
  rdr::kube::ConnectionConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(port);
  config.namespace_ = kNamespace;
  config.description = "the in-process emulator";
  auto client = rdr::kube::RestClient::connect(config, rdr::SystemClock::instance());
  if (!client) {
    fail("cannot create a RestClient: " + client.error().toString());
  }
  return std::move(client).value();
}

// Waits until the informer has synced; @return the time from start() or nothing after `limit`.
std::optional<Steady::duration> startAndWaitSynced(rdr::runtime::Informer& informer,
                                                   std::chrono::seconds limit) {
  const auto started = Steady::now();
  informer.start();
  while (!informer.hasSynced()) {
    if (Steady::now() - started > limit) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return Steady::now() - started;
}

struct Row {
  std::string label;
  std::string name; // machine-readable name
  double value;
  std::string unit;
};

} // namespace

int main(int argc, char** argv) try {
  const Flags flags = parseFlags(argc, argv);
  spdlog::set_level(flags.verbose ? spdlog::level::info : spdlog::level::warn);
  std::vector<Row> rows;
  auto add = [&rows](std::string label, std::string name, double value, std::string unit) {
    rows.push_back({std::move(label), std::move(name), value, std::move(unit)});
  };
  const long rss_start = statusKib("VmRSS");

  // The emulator, served over plain HTTP on an ephemeral port.
  auto crds = rdr::sandbox::loadCrdDirectory(flags.crds);
  if (!crds) {
    fail("cannot load the CRDs of " + flags.crds + ": " + crds.error().toString());
  }
  rdr::sandbox::ApiServerOptions api_options;
  api_options.crds = std::move(crds).value();
  api_options.server_address = "127.0.0.1:0";
  auto made = rdr::sandbox::makeApiServer(api_options, rdr::SystemClock::instance());
  if (!made) {
    fail("cannot create the emulator: " + made.error().toString());
  }
  std::shared_ptr<rdr::sandbox::ApiServer> api = std::move(made).value();
  rdr::http::ServerOptions server_options;
  server_options.address = "127.0.0.1";
  server_options.port = 0;
  auto server = rdr::http::startServer(
      server_options, [api](const rdr::http::Request& request) { return api->handle(request); });
  if (!server) {
    fail("cannot start the HTTP server: " + server.error().toString());
  }
  const std::uint16_t port = (*server)->port();
  const long rss_empty_emulator = statusKib("VmRSS");

  const Manifests manifests(flags);
  const rdr::kube::Resource resource = manifests.resource();
  std::printf("rdr-bench-informer: kind=%s objects=%d runs=%d writes=%d page_size=%d build=%s "
              "emulator=http://127.0.0.1:%u cpus=%u loadavg=%s\n",
              flags.kind.c_str(), flags.objects, flags.runs, flags.writes, flags.page_size,
              RDR_BENCH_BUILD_TYPE, static_cast<unsigned>(port),
              std::thread::hardware_concurrency(),
              loadAverage().c_str());
  std::fflush(stdout);

  // The namespace and the N objects.
  auto writer = connectClient(port);
  {
    const json ns = {{"apiVersion", "v1"},
                     {"kind", "Namespace"},
                     {"metadata", {{"name", kNamespace}}}};
    auto created = writer->create(rdr::kube::resources::namespaces(), ns);
    if (!created && !created.error().is(rdr::ErrorCode::AlreadyExists)) {
      fail("cannot create namespace bench: " + created.error().toString());
    }
  }
  const bool peak_resettable = resetPeak();
  const auto create_started = Steady::now();
  {
    std::atomic<int> failures{0};
    std::string first_failure;
    std::mutex failure_mutex;
    std::vector<std::jthread> creators;
    for (int t = 0; t < flags.creators; ++t) {
      creators.emplace_back([&, t] {
        for (int i = t; i < flags.objects; i += flags.creators) {
          auto created = writer->create(resource, manifests.make(objectName("bench", i)));
          if (!created) {
            std::lock_guard lock(failure_mutex);
            if (failures++ == 0) {
              first_failure = created.error().toString();
            }
          }
        }
      });
    }
    creators.clear(); // joins
    if (failures.load() > 0) {
      fail(std::to_string(failures.load()) + " of " + std::to_string(flags.objects) +
           " creates failed; the first: " + first_failure);
    }
  }
  const auto create_elapsed = Steady::now() - create_started;
  const long rss_with_objects = statusKib("VmRSS");
  const long peak_create = statusKib("VmHWM");
  add("create N objects (" + std::to_string(flags.creators) + " client threads)", "create_total",
      ms(create_elapsed) / 1000.0, "s");
  add("create rate", "create_rate", flags.objects / (ms(create_elapsed) / 1000.0), "objects/s");

  rdr::runtime::InformerOptions informer_options;
  informer_options.namespace_ = kNamespace;
  informer_options.page_size = flags.page_size;

  // (a) Sync time of a fresh informer (own client each run), R times.
  std::vector<double> sync_ms;
  long rss_with_cache = -1;
  long rss_with_cache_trimmed = -1;
  long peak_first_sync = -1;
  int lists_per_sync = 0;
  std::size_t object_bytes = 0;
  for (int run = 0; run < flags.runs; ++run) {
    auto client = connectClient(port);
    CountingClient counting(*client);
    if (run == 0) {
      resetPeak();
    }
    rdr::runtime::Informer informer(counting, resource, informer_options,
                                    rdr::SystemClock::instance(),
                                    rdr::runtime::RealSleeper::instance());
    const auto took = startAndWaitSynced(informer, std::chrono::seconds(600));
    if (!took) {
      fail("run " + std::to_string(run + 1) + ": the informer did not sync within 600 s");
    }
    sync_ms.push_back(ms(*took));
    if (informer.cache().size() != static_cast<std::size_t>(flags.objects)) {
      fail("run " + std::to_string(run + 1) + ": the cache holds " +
           std::to_string(informer.cache().size()) + " objects, not " +
           std::to_string(flags.objects));
    }
    if (run == 0) {
      rss_with_cache = statusKib("VmRSS"); // the first time this process holds a full cache
      peak_first_sync = statusKib("VmHWM");
      ::malloc_trim(0); // what is live, without the free heap glibc keeps
      rss_with_cache_trimmed = statusKib("VmRSS");
      lists_per_sync = counting.lists();
      if (auto one = informer.cache().get({kNamespace, objectName("bench", 0)})) {
        object_bytes = one->dump().size();
      }
    }
    const long rss_synced = statusKib("VmRSS");
    informer.stop();
    std::printf("  sync run %d: %.1f ms (%d list requests); VmRSS synced %.1f MiB, after stop "
                "%.1f MiB\n",
                run + 1, sync_ms.back(), counting.lists(), mib(rss_synced),
                mib(statusKib("VmRSS")));
    std::fflush(stdout);
  }
  add("one object as JSON (as cached)", "object_json_size", static_cast<double>(object_bytes),
      "bytes");
  add("list requests per sync", "list_requests_per_sync", lists_per_sync, "requests");
  add("informer sync, median of " + std::to_string(flags.runs), "informer_sync_median",
      median(sync_ms), "ms");
  add("informer sync, worst of " + std::to_string(flags.runs), "informer_sync_worst",
      *std::max_element(sync_ms.begin(), sync_ms.end()), "ms");
  add("informer sync, best of " + std::to_string(flags.runs), "informer_sync_best",
      *std::min_element(sync_ms.begin(), sync_ms.end()), "ms");

  // (b) Write-to-callback latency: closed loop, one create at a time, each waiting for its on_add.
  std::mutex mutex;
  std::condition_variable observed_cv;
  std::map<std::string, Steady::time_point> write_started; // guarded by mutex
  std::map<std::string, double> latency_ms;                // guarded by mutex
  rdr::runtime::EventHandlers handlers;
  handlers.on_add = [&](const json& object) {
    const auto now = Steady::now();
    const std::string name = object.at("metadata").value("name", "");
    std::lock_guard lock(mutex);
    if (const auto it = write_started.find(name); it != write_started.end()) {
      latency_ms[name] = ms(now - it->second);
      observed_cv.notify_all();
    }
  };
  auto informer_client = connectClient(port);
  rdr::runtime::Informer informer(*informer_client, resource, informer_options,
                                  rdr::SystemClock::instance(),
                                  rdr::runtime::RealSleeper::instance());
  informer.addHandlers(handlers);
  if (!startAndWaitSynced(informer, std::chrono::seconds(600))) {
    fail("the latency informer did not sync within 600 s");
  }
  // Writes K+1 objects; the first only proves that the watch is open and is not counted.
  std::vector<double> latencies;
  std::vector<double> call_ms;
  int lost = 0;
  for (int k = 0; k <= flags.writes; ++k) {
    const std::string name = objectName("bench-write", k);
    const json object = manifests.make(name);
    const auto started = Steady::now();
    {
      std::lock_guard lock(mutex);
      write_started[name] = started;
    }
    auto created = writer->create(resource, object);
    const auto answered = Steady::now();
    if (!created) {
      fail("write " + name + " failed: " + created.error().toString());
    }
    std::unique_lock lock(mutex);
    const bool seen = observed_cv.wait_for(lock, std::chrono::seconds(10),
                                           [&] { return latency_ms.count(name) > 0; });
    if (k == 0) {
      continue;
    }
    call_ms.push_back(ms(answered - started));
    if (seen) {
      latencies.push_back(latency_ms[name]);
    } else {
      ++lost;
    }
  }
  const long rss_latency_phase = statusKib("VmRSS");
  informer.stop();
  if (latencies.empty()) {
    fail("no write reached the informer's callback");
  }
  add("write API call (create), p50", "write_call_p50", percentile(call_ms, 50), "ms");
  add("write -> on_add callback, p50", "event_latency_p50", percentile(latencies, 50), "ms");
  add("write -> on_add callback, p90", "event_latency_p90", percentile(latencies, 90), "ms");
  add("write -> on_add callback, p99", "event_latency_p99", percentile(latencies, 99), "ms");
  add("write -> on_add callback, max", "event_latency_max",
      *std::max_element(latencies.begin(), latencies.end()), "ms");
  add("writes not seen within 10 s", "event_lost", lost, "writes");

  // (c) Memory of this process (emulator storage + client + informer cache).
  add("VmRSS at start", "rss_start", mib(rss_start), "MiB");
  add("VmRSS, emulator up, no objects", "rss_emulator_empty", mib(rss_empty_emulator), "MiB");
  add("VmRSS, emulator holds N objects", "rss_emulator_with_objects", mib(rss_with_objects),
      "MiB");
  add("VmRSS, + informer cache of N (first sync)", "rss_with_informer_cache", mib(rss_with_cache),
      "MiB");
  add("  difference: the informer's share", "rss_informer_delta",
      mib(rss_with_cache - rss_with_objects), "MiB");
  add("VmRSS with the cache, after malloc_trim(0)", "rss_with_informer_cache_trimmed",
      mib(rss_with_cache_trimmed), "MiB");
  add("VmRSS at the end of the latency phase", "rss_latency_phase", mib(rss_latency_phase),
      "MiB");
  if (peak_resettable) {
    add("VmHWM during the creates (emulator storing N)", "rss_peak_create", mib(peak_create),
        "MiB");
    add("VmHWM during the first sync (list served+parsed)", "rss_peak_first_sync",
        mib(peak_first_sync), "MiB");
  } else {
    std::printf("(per-phase peaks not measured: /proc/self/clear_refs refused the reset)\n");
  }
  add("VmHWM since the last reset, at the end", "rss_peak_end", mib(statusKib("VmHWM")),
      "MiB");

  (*server)->stop();

  std::printf("\nloadavg at the end: %s\n", loadAverage().c_str());
  std::printf("\n%-48s %14s  %s\n", "measure", "value", "unit");
  std::printf("%-48s %14s  %s\n", std::string(48, '-').c_str(), "--------------", "----");
  for (const Row& row : rows) {
    std::printf("%-48s %14.2f  %s\n", row.label.c_str(), row.value, row.unit.c_str());
  }
  std::printf("\n");
  for (const Row& row : rows) {
    std::printf("figure %s=%.3f %s\n", row.name.c_str(), row.value, row.unit.c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "rdr-bench-informer: unexpected exception: %s\n", e.what());
  return 1;
}
