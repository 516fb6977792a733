// Self-signed CA and server certificate with OpenSSL 3's C API.
#include "certificates.h"

#include "rdr/common/file.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "state_files.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BigNumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

constexpr long kValiditySeconds = 10L * 365 * 24 * 3600;

Error sslError(const std::string& what) {
  return Error(ErrorCode::Internal,
               "cannot " + what + " (OpenSSL error " + std::to_string(ERR_get_error()) + ")");
}

Status addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) {
    return sslError(std::string("build the certificate extension ") + OBJ_nid2sn(nid) + "=" +
                    value);
  }
  const int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) {
    return sslError(std::string("add the certificate extension ") + OBJ_nid2sn(nid));
  }
  return okStatus();
}

// A certificate for `key` with subject CN=`common_name`, issued by `issuer` (itself when null)
// and signed with `issuer_key`; extensions are added by the caller before signing.
Result<CertPtr> newCertificate(EVP_PKEY* key, const std::string& common_name) {
  CertPtr cert(X509_new());
  BigNumPtr serial(BN_new());
  if (!cert || !serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      X509_set_version(cert.get(), 2) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return sslError("create the certificate " + common_name);
  }
  return cert;
}

Result<std::string> toPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return sslError("write a certificate as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Result<std::string> keyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return sslError("write a private key as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

CertPtr parseCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return nullptr;
  }
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

} // namespace

Result<Certificates> generateCertificates(const std::string& name, const std::string& address) {
  KeyPtr ca_key(EVP_EC_gen("P-256"));
  KeyPtr server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) {
    return sslError("generate P-256 keys");
  }
  RDR_ASSIGN_OR_RETURN(CertPtr ca, newCertificate(ca_key.get(), name + " sandbox CA"));
  if (X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1) {
    return sslError("set the CA issuer");
  }
  RDR_RETURN_IF_ERROR(addExtension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE"));
  RDR_RETURN_IF_ERROR(
      addExtension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  RDR_RETURN_IF_ERROR(addExtension(ca.get(), ca.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) {
    return sslError("sign the CA certificate");
  }

  RDR_ASSIGN_OR_RETURN(CertPtr server, newCertificate(server_key.get(), name + " API server"));
  if (X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get())) != 1) {
    return sslError("set the server certificate issuer");
  }
  const std::string alt_names = "IP:" + address + ",IP:127.0.0.1,DNS:localhost";
  RDR_RETURN_IF_ERROR(
      addExtension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE"));
  RDR_RETURN_IF_ERROR(addExtension(server.get(), ca.get(), NID_key_usage,
                                   "critical,digitalSignature,keyEncipherment"));
  RDR_RETURN_IF_ERROR(addExtension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth"));
  RDR_RETURN_IF_ERROR(
      addExtension(server.get(), ca.get(), NID_subject_alt_name, alt_names.c_str()));
  RDR_RETURN_IF_ERROR(
      addExtension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) == 0) {
    return sslError("sign the server certificate");
  }

  Certificates out;
  RDR_ASSIGN_OR_RETURN(out.ca_pem, toPem(ca.get()));
  RDR_ASSIGN_OR_RETURN(out.ca_key_pem, keyToPem(ca_key.get()));
  RDR_ASSIGN_OR_RETURN(out.server_cert_pem, toPem(server.get()));
  RDR_ASSIGN_OR_RETURN(out.server_key_pem, keyToPem(server_key.get()));
  return out;
}

bool certificateCovers(const std::string& server_cert_pem, const std::string& address) {
  CertPtr cert = parseCertificate(server_cert_pem);
  if (!cert) {
    return false;
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) >= 0 ||
      X509_cmp_current_time(X509_get0_notAfter(cert.get())) <= 0) {
    return false;
  }
  return X509_check_ip_asc(cert.get(), address.c_str(), 0) == 1;
}

Result<Certificates> loadOrCreateCertificates(const fs::path& directory, const std::string& name,
                                              const std::string& address) {
  auto ca = readFile(directory / "ca.crt");
  auto ca_key = readFile(directory / "ca.key");
  auto cert = readFile(directory / "server.crt");
  auto key = readFile(directory / "server.key");
  if (ca && ca_key && cert && key && certificateCovers(*cert, address)) {
    return Certificates{*ca, *ca_key, *cert, *key};
  }
  RDR_ASSIGN_OR_RETURN(Certificates fresh, generateCertificates(name, address));
  const auto public_mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read;
  const auto secret_mode = fs::perms::owner_read | fs::perms::owner_write;
  RDR_RETURN_IF_ERROR(writeFileAtomically(directory / "ca.key", fresh.ca_key_pem, secret_mode));
  RDR_RETURN_IF_ERROR(
      writeFileAtomically(directory / "server.key", fresh.server_key_pem, secret_mode));
  RDR_RETURN_IF_ERROR(
      writeFileAtomically(directory / "server.crt", fresh.server_cert_pem, public_mode));
  RDR_RETURN_IF_ERROR(writeFileAtomically(directory / "ca.crt", fresh.ca_pem, public_mode));
  return fresh;
}

} // namespace rdr::sandbox
