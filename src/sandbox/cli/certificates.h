// The sandbox's TLS material: a self-signed CA and a server certificate for the API address.
#pragma once

#include <filesystem>
#include <string>

#include "rdr/common/result.h"

namespace rdr::sandbox {

struct Certificates {
  std::string ca_pem;          // the CA certificate (kubeconfig certificate-authority-data)
  std::string ca_key_pem;      // kept in the state directory with the rest, never sent anywhere
  std::string server_cert_pem; // signed by the CA; SANs: the address, 127.0.0.1, localhost
  std::string server_key_pem;
};

// Generates a fresh P-256 CA and server certificate (OpenSSL's C API) for `address` (an IPv4 or
// IPv6 literal), valid from an hour ago for ten years. `name` goes into the subjects.
Result<Certificates> generateCertificates(const std::string& name, const std::string& address);

// True when `server_cert_pem` parses, is valid now, and has `address` among its IP SANs.
bool certificateCovers(const std::string& server_cert_pem, const std::string& address);

// Reuses ca.crt, ca.key, server.crt and server.key of `directory` when they are there and cover
// `address`; otherwise generates them and writes them (keys with mode 0600).
Result<Certificates> loadOrCreateCertificates(const std::filesystem::path& directory,
                                              const std::string& name, const std::string& address);

} // namespace rdr::sandbox
