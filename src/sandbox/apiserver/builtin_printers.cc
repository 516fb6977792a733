// kube-apiserver's printers (pkg/printers/internalversion) for the built-ins people look at.
#include "sandbox/apiserver/builtin_printers.h"

#include <algorithm>
#include <cctype>

#include "rdr/common/time_format.h"
#include "sandbox/apiserver/resource_types.h"
#include "sandbox/apiserver/table.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

const char* const kAgeDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.";

json column(const std::string& name, const std::string& type, const std::string& description,
            int priority = 0, const std::string& format = "") {
  return printerColumn(name, type, description, priority, format);
}

const json* at(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) {
      return nullptr;
    }
    node = &(*node)[key];
  }
  return node;
}

std::string str(const json& object, std::initializer_list<const char*> path, const std::string& fallback = "") {
  const json* node = at(object, path);
  return node != nullptr && node->is_string() ? node->get<std::string>() : fallback;
}

json age(const json& object, SystemTime now) {
  const auto created = parseRfc3339(str(object, {"metadata", "creationTimestamp"}));
  return created ? json(humanDuration(now - *created)) : json("<unknown>");
}

std::int64_t countOf(const json& object, const char* field) {
  const json* node = at(object, {field});
  return node != nullptr && node->is_object() ? static_cast<std::int64_t>(node->size()) : 0;
}

std::string servicePorts(const json& svc) {
  const json* ports = at(svc, {"spec", "ports"});
  if (ports == nullptr || !ports->is_array() || ports->empty()) {
    return "<none>";
  }
  std::string out;
  for (const auto& port : *ports) {
    if (!out.empty()) {
      out += ",";
    }
    out += std::to_string(port.value("port", 0));
    if (port.contains("nodePort")) {
      out += ":" + std::to_string(port.value("nodePort", 0));
    }
    out += "/" + port.value("protocol", std::string("TCP"));
  }
  return out;
}

std::string serviceExternalIp(const json& svc) {
  const std::string type = str(svc, {"spec", "type"}, "ClusterIP");
  std::string ips;
  if (const json* ingress = at(svc, {"status", "loadBalancer", "ingress"}); ingress && ingress->is_array()) {
    for (const auto& entry : *ingress) {
      const std::string ip = entry.value("ip", entry.value("hostname", std::string()));
      ips += (ips.empty() ? "" : ",") + ip;
    }
  }
  if (type == "LoadBalancer") {
    return ips.empty() ? "<pending>" : ips;
  }
  if (type == "ExternalName") {
    return str(svc, {"spec", "externalName"});
  }
  return ips.empty() ? "<none>" : ips;
}

// translateTimestampSince: "<unknown>" for an absent time.
json since(const std::string& timestamp, SystemTime now) {
  const auto t = parseRfc3339(timestamp);
  return t ? json(humanDuration(now - *t)) : json("<unknown>");
}

// printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (+ wide columns), for core/v1 and
// events.k8s.io/v1 field names alike.
BuiltInPrinter eventPrinter() {
  return {{column("Last Seen", "string", "Time when last event occurred"),
           column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
           column("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
           column("Object", "string", "The object that this event is about."),
           column("Subobject", "string", "Subobject of the object the event is about.", 1),
           column("Source", "string", "The component reporting this event.", 1),
           column("Message", "string", "A human-readable description of the status of this operation."),
           column("First Seen", "string", "The time at which the event was first recorded.", 1),
           column("Count", "string", "The number of times this event has occurred.", 1),
           column("Name", "string", "Name of the event", 1, "name")},
          [](const json& o, SystemTime now) {
            const char* refField = o.contains("regarding") ? "regarding" : "involvedObject";
            std::string kind = str(o, {refField, "kind"});
            std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string last = str(o, {"lastTimestamp"});
            if (last.empty()) {
              last = str(o, {"series", "lastObservedTime"}, str(o, {"eventTime"}));
            }
            std::string first = str(o, {"firstTimestamp"}, str(o, {"eventTime"}));
            const json* count = at(o, {"count"});
            if (count == nullptr) {
              count = at(o, {"series", "count"});
            }
            return std::vector<json>{since(last, now), str(o, {"type"}), str(o, {"reason"}),
                                     kind + "/" + str(o, {refField, "name"}), str(o, {refField, "fieldPath"}),
                                     str(o, {"source", "component"}, str(o, {"reportingController"}, str(o, {"reportingComponent"}))),
                                     str(o, {"message"}, str(o, {"note"})), since(first, now),
                                     count != nullptr && count->is_number() ? count->dump() : "1",
                                     str(o, {"metadata", "name"})};
          },
          false};
}

} // namespace

BuiltInPrinter builtInPrinter(const ResourceType& type) {
  if (type.plural == "events") {
    return eventPrinter();
  }
  const json ageColumn = column("Age", "string", kAgeDescription);
  if (type.plural == "configmaps") {
    return {{column("Data", "integer", "Data contains the configuration data."), ageColumn},
            [](const json& o, SystemTime now) {
              return std::vector<json>{countOf(o, "data") + countOf(o, "binaryData"), age(o, now)};
            }};
  }
  if (type.plural == "secrets") {
    return {{column("Type", "string", "The type of the secret"),
             column("Data", "string", "The number of entries in the data field"), ageColumn},
            [](const json& o, SystemTime now) {
              return std::vector<json>{str(o, {"type"}), countOf(o, "data"), age(o, now)};
            }};
  }
  if (type.plural == "pods") {
    return {{column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
             column("Status", "string", "The aggregate status of the containers in this pod."),
             column("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
             ageColumn},
            [](const json& o, SystemTime now) {
              std::int64_t total = 0;
              std::int64_t ready = 0;
              std::int64_t restarts = 0;
              if (const json* c = at(o, {"spec", "containers"}); c && c->is_array()) {
                total = static_cast<std::int64_t>(c->size());
              }
              std::string status = str(o, {"status", "reason"}, str(o, {"status", "phase"}, "Pending"));
              // kubectl's printPod: the last container (in status order) with a waiting or
              // terminated reason names the pod's STATUS (CrashLoopBackOff, Error, ...); a
              // terminated one without a reason shows its signal or exit code.
              bool running = false;
              if (const json* s = at(o, {"status", "containerStatuses"}); s && s->is_array()) {
                for (auto cs = s->rbegin(); cs != s->rend(); ++cs) {
                  ready += cs->value("ready", false) ? 1 : 0;
                  restarts += cs->value("restartCount", 0);
                  const std::string waiting = str(*cs, {"state", "waiting", "reason"});
                  const json* terminated = at(*cs, {"state", "terminated"});
                  if (!waiting.empty()) {
                    status = waiting;
                  } else if (terminated != nullptr && !str(*terminated, {"reason"}).empty()) {
                    status = str(*terminated, {"reason"});
                  } else if (terminated != nullptr) {
                    const int signal = terminated->value("signal", 0);
                    status = signal != 0 ? "Signal:" + std::to_string(signal)
                                         : "ExitCode:" + std::to_string(terminated->value("exitCode", 0));
                  } else if (cs->value("ready", false) && at(*cs, {"state", "running"}) != nullptr) {
                    running = true;
                  }
                }
              }
              if (status == "Completed" && running) {
                status = "Running";
              }
              if (at(o, {"metadata", "deletionTimestamp"}) != nullptr) {
                status = "Terminating";
              }
              return std::vector<json>{std::to_string(ready) + "/" + std::to_string(total), status,
                                       std::to_string(restarts), age(o, now)};
            }};
  }
  if (type.plural == "services") {
    return {{column("Type", "string", "The type of the service."),
             column("Cluster-IP", "string", "The IP address of the service."),
             column("External-IP", "string", "The external IP address of the service."),
             column("Port(s)", "string", "The ports of the service."), ageColumn},
            [](const json& o, SystemTime now) {
              return std::vector<json>{str(o, {"spec", "type"}, "ClusterIP"),
                                       str(o, {"spec", "clusterIP"}, "<none>"), serviceExternalIp(o),
                                       servicePorts(o), age(o, now)};
            }};
  }
  if (type.plural == "namespaces") {
    return {{column("Status", "string", "The status of the namespace"), ageColumn},
            [](const json& o, SystemTime now) {
              return std::vector<json>{str(o, {"status", "phase"}), age(o, now)};
            }};
  }
  if (type.plural == "leases") {
    return {{column("Holder", "string", "The holder of the lease."), ageColumn},
            [](const json& o, SystemTime now) {
              return std::vector<json>{str(o, {"spec", "holderIdentity"}), age(o, now)};
            }};
  }
  if (type.plural == "persistentvolumeclaims") {
    return {{column("Status", "string", "The status of the claim."),
             column("Volume", "string", "The volume bound to the claim."),
             column("Capacity", "string", "The capacity of the volume."),
             column("Access Modes", "string", "The access modes of the volume."),
             column("StorageClass", "string", "The storage class of the claim."), ageColumn},
            [](const json& o, SystemTime now) {
              std::string modes;
              if (const json* m = at(o, {"status", "accessModes"}); m && m->is_array()) {
                for (const auto& mode : *m) {
                  const std::string full = mode.get<std::string>();
                  const std::string shortName = full == "ReadWriteOnce" ? "RWO" : full == "ReadOnlyMany" ? "ROX" : full == "ReadWriteMany" ? "RWX" : full == "ReadWriteOncePod" ? "RWOP" : full;
                  modes += (modes.empty() ? "" : ",") + shortName;
                }
              }
              return std::vector<json>{str(o, {"status", "phase"}), str(o, {"spec", "volumeName"}),
                                       str(o, {"status", "capacity", "storage"}), modes,
                                       str(o, {"spec", "storageClassName"}), age(o, now)};
            }};
  }
  if (type.plural == "statefulsets") {
    return {{column("Ready", "string", "Number of the pod with ready state"), ageColumn},
            [](const json& o, SystemTime now) {
              const json* ready = at(o, {"status", "readyReplicas"});
              const json* replicas = at(o, {"spec", "replicas"});
              return std::vector<json>{
                  std::to_string(ready && ready->is_number() ? ready->get<std::int64_t>() : 0) + "/" +
                      std::to_string(replicas && replicas->is_number() ? replicas->get<std::int64_t>() : 1),
                  age(o, now)};
            }};
  }
  // The apiserver's defaultTableConvertor: Name and Created At.
  return {{column("Created At", "date", kAgeDescription)},
          [](const json& o, SystemTime) {
            return std::vector<json>{str(o, {"metadata", "creationTimestamp"})};
          }};
}


json printerColumn(const std::string& name, const std::string& type, const std::string& description,
                   int priority, const std::string& format) {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", description},
          {"priority", priority}};
}

} // namespace rdr::sandbox
