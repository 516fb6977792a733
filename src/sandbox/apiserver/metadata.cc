// Object names, the defaults kube-apiserver gives built-ins on create, and CRD status.
#include <cstdint>
#include <regex>
#include <set>

#include "rdr/common/base64.h"
#include "rdr/common/ipv4.h"
#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

const char* const kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* const kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* const kDns1035Message =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

// The next free ClusterIP of options.service_cidr (by default 10.96.0.0/12, where 10.96.0.1 is the
// kubernetes Service and .10 DNS): the lowest address from the network's 11th on whose last octet
// is neither 0 nor 255; "" when the range is malformed (host bits set included), outside /8../30
// or full.
std::string allocateClusterIp(Core& core) {
  const auto range = Ipv4Cidr::parse(core.options.service_cidr);
  if (!range || range->prefix < 8 || range->prefix > 30) {
    return "";
  }
  std::set<std::string> used;
  for (const auto* svc : core.storage.list("services", "")) {
    if (svc->contains("spec") && (*svc)["spec"].is_object()) {
      used.insert((*svc)["spec"].value("clusterIP", std::string()));
    }
  }
  for (std::uint64_t n = 11; n + 1 < range->size(); ++n) {
    const auto ip = static_cast<std::uint32_t>(range->network + n);
    const std::string text = formatIpv4(ip);
    if ((ip & 0xff) != 0 && (ip & 0xff) != 255 && !used.contains(text)) {
      return text;
    }
  }
  return "";
}

int allocateNodePort(Core& core, std::set<int>& taken) {
  for (const auto* svc : core.storage.list("services", "")) {
    if (!svc->contains("spec") || !(*svc)["spec"].is_object()) {
      continue;
    }
    for (const auto& port : (*svc)["spec"].value("ports", json::array())) {
      if (port.is_object()) {
        taken.insert(port.value("nodePort", 0));
      }
    }
  }
  for (int port = 30000; port <= 32767; ++port) {
    if (!taken.contains(port)) {
      taken.insert(port);
      return port;
    }
  }
  return 0;
}

void serviceDefaults(Core& core, json& svc) {
  json& spec = svc["spec"];
  if (!spec.is_object()) {
    spec = json::object();
  }
  const std::string type = spec.value("type", std::string("ClusterIP"));
  spec["type"] = type;
  if (!spec.contains("sessionAffinity")) {
    spec["sessionAffinity"] = "None";
  }
  std::set<int> taken;
  if (spec.contains("ports") && spec["ports"].is_array()) {
    for (auto& port : spec["ports"]) {
      if (!port.contains("protocol")) {
        port["protocol"] = "TCP";
      }
      if (!port.contains("targetPort") && port.contains("port")) {
        port["targetPort"] = port["port"];
      }
      if ((type == "NodePort" || type == "LoadBalancer") && !port.contains("nodePort")) {
        port["nodePort"] = allocateNodePort(core, taken);
      }
    }
  }
  if (type != "ExternalName") {
    if (!spec.contains("clusterIP")) {
      spec["clusterIP"] = allocateClusterIp(core);
    }
    spec["clusterIPs"] = json::array({spec["clusterIP"]});
    if (spec["clusterIP"] != "None") {
      spec["ipFamilies"] = json::array({"IPv4"});
      spec["ipFamilyPolicy"] = "SingleStack";
    }
    spec["internalTrafficPolicy"] = spec.value("internalTrafficPolicy", std::string("Cluster"));
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    spec["externalTrafficPolicy"] = spec.value("externalTrafficPolicy", std::string("Cluster"));
  }
  if (type == "LoadBalancer" && !spec.contains("allocateLoadBalancerNodePorts")) {
    spec["allocateLoadBalancerNodePorts"] = true;
  }
  svc["status"] = {{"loadBalancer", json::object()}};
}

// kube-apiserver folds a Secret's write-only stringData into data (base64) and never stores it.
void foldStringData(json& secret) {
  if (!secret.contains("stringData") || !secret["stringData"].is_object()) {
    return;
  }
  json& data = secret["data"];
  if (!data.is_object()) {
    data = json::object();
  }
  for (auto it = secret["stringData"].begin(); it != secret["stringData"].end(); ++it) {
    if (it.value().is_string()) {
      data[it.key()] = base64Encode(it.value().get<std::string>());
    }
  }
  secret.erase("stringData");
}

void podDefaults(json& pod) {
  json& spec = pod["spec"];
  if (!spec.is_object()) {
    spec = json::object();
  }
  for (const auto& [key, value] : {std::pair<const char*, json>{"restartPolicy", "Always"},
                                   {"dnsPolicy", "ClusterFirst"},
                                   {"schedulerName", "default-scheduler"},
                                   {"terminationGracePeriodSeconds", 30},
                                   {"securityContext", json::object()}}) {
    if (!spec.contains(key)) {
      spec[key] = value;
    }
  }
  if (spec.contains("containers") && spec["containers"].is_array()) {
    for (auto& container : spec["containers"]) {
      const std::string image = container.value("image", std::string());
      if (!container.contains("imagePullPolicy")) {
        const bool latest = image.find(':') == std::string::npos || image.ends_with(":latest");
        container["imagePullPolicy"] = latest ? "Always" : "IfNotPresent";
      }
      if (!container.contains("terminationMessagePath")) {
        container["terminationMessagePath"] = "/dev/termination-log";
      }
      if (!container.contains("terminationMessagePolicy")) {
        container["terminationMessagePolicy"] = "File";
      }
    }
  }
  pod["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
}

const char* const kLabelValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const char* const kQualifiedNameMessage =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

// validation.IsQualifiedName: [prefix/]name, the prefix a DNS subdomain, the name ≤ 63 characters.
std::vector<std::string> qualifiedNameErrors(const std::string& value) {
  static const std::regex kName(R"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])");
  static const std::regex kPrefix(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  std::vector<std::string> errors;
  std::string name = value;
  const auto slash = value.find('/');
  if (slash != std::string::npos) {
    const std::string prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errors.push_back("prefix part must be non-empty");
    } else if (!std::regex_match(prefix, kPrefix)) {
      errors.push_back(std::string("prefix part ") + kSubdomainMessage);
    }
  }
  if (name.empty()) {
    errors.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errors.push_back("name part must be no more than 63 characters");
  }
  if (!name.empty() && !std::regex_match(name, kName)) {
    errors.push_back(kQualifiedNameMessage);
  }
  return errors;
}

} // namespace

schema::FieldErrorList validateObjectMeta(const json& object) {
  static const std::regex kLabelValue(R"((([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?)");
  schema::FieldErrorList errors;
  const json& meta = object["metadata"];
  // 1. Labels: qualified-name keys, values of at most 63 label characters (ValidateLabels).
  if (meta.contains("labels") && meta["labels"].is_object()) {
    for (const auto& [key, value] : meta["labels"].items()) {
      for (const auto& message : qualifiedNameErrors(key)) {
        errors.push_back(schema::invalidError("metadata.labels", key, message));
      }
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (text.size() > 63) {
        errors.push_back(schema::invalidError("metadata.labels", text, "must be no more than 63 characters"));
      }
      if (!std::regex_match(text, kLabelValue)) {
        errors.push_back(schema::invalidError("metadata.labels", text, kLabelValueMessage));
      }
    }
  }
  // 2. Annotation keys are qualified names too (ValidateAnnotations).
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    for (const auto& [key, value] : meta["annotations"].items()) {
      for (const auto& message : qualifiedNameErrors(key)) {
        errors.push_back(schema::invalidError("metadata.annotations", key, message));
      }
    }
  }
  // 3. Finalizers are qualified names (ValidateFinalizerName).
  if (meta.contains("finalizers") && meta["finalizers"].is_array()) {
    for (std::size_t i = 0; i < meta["finalizers"].size(); ++i) {
      const json& finalizer = meta["finalizers"][i];
      const std::string text = finalizer.is_string() ? finalizer.get<std::string>() : finalizer.dump();
      for (const auto& message : qualifiedNameErrors(text)) {
        errors.push_back(schema::invalidError("metadata.finalizers[" + std::to_string(i) + "]", text, message));
      }
    }
  }
  return errors;
}

schema::FieldErrorList validateObjectName(const ResourceType& type, const std::string& name) {
  static const std::regex kSubdomain(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  static const std::regex kLabel(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?)");
  static const std::regex kDns1035(R"([a-z]([-a-z0-9]*[a-z0-9])?)");
  schema::FieldErrorList errors;
  // 1. Namespaces are RFC 1123 labels, Services DNS-1035 labels, everything else subdomains.
  if (type.isNamespaceType() || (type.group.empty() && type.plural == "services")) {
    const bool isService = !type.isNamespaceType();
    if (name.size() > 63) {
      errors.push_back(schema::invalidError("metadata.name", name, "must be no more than 63 characters"));
    }
    if (!std::regex_match(name, isService ? kDns1035 : kLabel)) {
      errors.push_back(schema::invalidError("metadata.name", name, isService ? kDns1035Message : kLabelMessage));
    }
    return errors;
  }
  if (name.size() > 253) {
    errors.push_back(schema::invalidError("metadata.name", name, "must be no more than 253 characters"));
  }
  if (!std::regex_match(name, kSubdomain)) {
    errors.push_back(schema::invalidError("metadata.name", name, kSubdomainMessage));
  }
  return errors;
}

void applyBuiltInCreateDefaults(Core& core, const ResourceType& type, json& object) {
  if (type.custom) {
    return;
  }
  if (type.isNamespaceType()) {
    object["metadata"]["labels"]["kubernetes.io/metadata.name"] = objectName(object);
    if (!object.contains("spec") || !object["spec"].contains("finalizers")) {
      object["spec"]["finalizers"] = json::array({"kubernetes"});
    }
    object["status"] = {{"phase", "Active"}};
  } else if (type.group.empty() && type.plural == "services") {
    serviceDefaults(core, object);
  } else if (type.group.empty() && type.plural == "pods") {
    podDefaults(object);
  } else if (type.group.empty() && type.plural == "secrets") {
    foldStringData(object);
    if (!object.contains("type")) {
      object["type"] = "Opaque";
    }
  } else if (type.group.empty() && type.plural == "persistentvolumeclaims") {
    if (!object.contains("spec") || !object["spec"].contains("volumeMode")) {
      object["spec"]["volumeMode"] = "Filesystem";
    }
    object["status"] = {{"phase", "Pending"}};
  } else if (type.plural == "statefulsets") {
    json& spec = object["spec"];
    for (const auto& [key, value] :
         {std::pair<const char*, json>{"replicas", 1},
          {"podManagementPolicy", "OrderedReady"},
          {"revisionHistoryLimit", 10},
          {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 0}}}}},
          {"persistentVolumeClaimRetentionPolicy", {{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}}}}) {
      if (!spec.contains(key)) {
        spec[key] = value;
      }
    }
    object["status"] = {{"replicas", 0}, {"availableReplicas", 0}};
  }
}

void applyBuiltInUpdateDefaults(Core& core, const ResourceType& type, const json& old, json& object) {
  if (type.group.empty() && type.plural == "secrets") {
    foldStringData(object);
  }
  if (!(type.group.empty() && type.plural == "services") || !old.contains("spec")) {
    return;
  }
  // patchAllocatedValues (registry/core/service/storage): an update that leaves the allocated
  // clusterIP(s) or nodePorts unset keeps the old ones, then the create defaults fill the rest.
  json& spec = object["spec"];
  if (!spec.is_object()) {
    spec = json::object();
  }
  const json& oldSpec = old["spec"];
  for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
    if (!spec.contains(field) && oldSpec.contains(field) && spec.value("type", std::string("ClusterIP")) != "ExternalName") {
      spec[field] = oldSpec[field];
    }
  }
  if (spec.contains("ports") && spec["ports"].is_array() && oldSpec.contains("ports")) {
    for (auto& port : spec["ports"]) {
      for (const auto& oldPort : oldSpec["ports"]) {
        if (port.is_object() && !port.contains("nodePort") && oldPort.is_object() && oldPort.contains("nodePort") &&
            port.value("port", 0) == oldPort.value("port", 0)) {
          port["nodePort"] = oldPort["nodePort"];
        }
      }
    }
  }
  const json status = object.value("status", json::object());
  serviceDefaults(core, object);
  object["status"] = status;
}

void setCrdStatus(Core& core, json& crd) {
  json names = crd["spec"].value("names", json::object());
  const std::string kind = names.value("kind", std::string());
  if (!names.contains("singular")) {
    std::string singular = kind;
    for (auto& c : singular) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    names["singular"] = singular;
  }
  if (!names.contains("listKind")) {
    names["listKind"] = kind + "List";
  }
  json stored = crd.contains("status") ? crd["status"].value("storedVersions", json::array()) : json::array();
  for (const auto& version : crd["spec"].value("versions", json::array())) {
    if (version.value("storage", false) && std::find(stored.begin(), stored.end(), version["name"]) == stored.end()) {
      stored.push_back(version["name"]);
    }
  }
  // The conditions keep their lastTransitionTime once set (they never flip in the emulator).
  std::string since = core.now();
  if (crd.contains("status") && crd["status"].contains("conditions") && !crd["status"]["conditions"].empty()) {
    since = crd["status"]["conditions"][0].value("lastTransitionTime", since);
  }
  crd["status"] = {
      {"conditions",
       json::array({{{"type", "NamesAccepted"}, {"status", "True"}, {"lastTransitionTime", since},
                     {"reason", "NoConflicts"}, {"message", "no conflicts found"}},
                    {{"type", "Established"}, {"status", "True"}, {"lastTransitionTime", since},
                     {"reason", "InitialNamesAccepted"}, {"message", "the initial names have been accepted"}}})},
      {"acceptedNames", names},
      {"storedVersions", stored}};
}

} // namespace rdr::sandbox
