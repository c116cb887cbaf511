#include "pki.h"

#include <algorithm>
#include <array>
#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using namespace Qt::StringLiterals;

namespace apiserver::pki {

namespace {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using KeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, Deleter<ASN1_IA5STRING_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;

constexpr int kCaDays = 3650;
constexpr int kLeafDays = 365;
// Backdating notBefore tolerates small clock skew between the issuer and the peers that check the certificate.
constexpr long kBackdateSeconds = 5 * 60;

/// Drains OpenSSL's error queue into one line; public entry points clear the queue first so only this call's
/// errors are reported.
QString drainErrors()
{
    QStringList parts;
    while (const unsigned long code = ERR_get_error()) {
        std::array<char, 256> buffer {};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        parts.append(QString::fromUtf8(buffer.data()));
    }
    return parts.join(u"; "_s);
}

/// Reports `what` (plus any queued OpenSSL errors) through `error` and returns an empty T.
template <typename T = std::optional<KeyPair>> T fail(QString* error, const QString& what)
{
    const QString details = drainErrors();
    if (error)
        *error = details.isEmpty() ? what : what + u": "_s + details;
    return T {};
}

KeyPtr generateKey()
{
    KeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") <= 0)
        return {};
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &key) <= 0)
        return {};
    return KeyPtr(key);
}

BioPtr memoryBio(const QByteArray& data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

QByteArray bioContents(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

X509Ptr readCertificate(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

/// Adds a UTF8String entry; the explicit type skips OpenSSL's 64-character CN limit, which Kubernetes does not
/// apply to user names such as system:serviceaccount:<namespace>:<name>.
bool addNameEntry(X509_NAME* name, int nid, const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    return X509_NAME_add_entry_by_NID(name, nid, V_ASN1_UTF8STRING,
               reinterpret_cast<const unsigned char*>(utf8.constData()), int(utf8.size()), -1, 0)
        == 1;
}

NamePtr makeName(const QString& commonName, const QStringList& organizations = {})
{
    NamePtr name(X509_NAME_new());
    if (!name)
        return {};
    for (const QString& organization : organizations) {
        if (!addNameEntry(name.get(), NID_organizationName, organization))
            return {};
    }
    if (!addNameEntry(name.get(), NID_commonName, commonName))
        return {};
    return name;
}

bool setRandomSerial(X509* cert)
{
    BignumPtr serial(BN_new());
    return serial && BN_rand(serial.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1
        && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr;
}

/// An unsigned v3 certificate for `key` named `subject`, issued by `issuerName` (the subject itself when null).
X509Ptr newCertificate(EVP_PKEY* key, const X509_NAME* subject, const X509_NAME* issuerName, int days)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 || !setRandomSerial(cert.get()))
        return {};
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds)
        || !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr))
        return {};
    if (X509_set_subject_name(cert.get(), subject) != 1
        || X509_set_issuer_name(cert.get(), issuerName ? issuerName : subject) != 1
        || X509_set_pubkey(cert.get(), key) != 1)
        return {};
    return cert;
}

struct Extension {
    int nid;
    const char* value;
};

/// Adds extensions in order; authorityKeyIdentifier reads the issuer's subjectKeyIdentifier, so list SKI first.
bool addExtensions(X509* cert, X509* issuer, EVP_PKEY* issuerKey, std::initializer_list<Extension> extensions)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    if (X509V3_set_issuer_pkey(&ctx, issuerKey) != 1)
        return false;
    for (const Extension& extension : extensions) {
        ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, extension.nid, extension.value));
        if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
            return false;
    }
    return true;
}

GeneralNamePtr dnsName(const QString& name)
{
    const QByteArray ascii = name.toLatin1();
    Ia5StringPtr value(ASN1_IA5STRING_new());
    GeneralNamePtr general(GENERAL_NAME_new());
    if (!value || !general || ASN1_STRING_set(value.get(), ascii.constData(), int(ascii.size())) != 1)
        return {};
    GENERAL_NAME_set0_value(general.get(), GEN_DNS, value.release());
    return general;
}

GeneralNamePtr ipName(const QString& address)
{
    OctetStringPtr value(a2i_IPADDRESS(address.toLatin1().constData()));
    GeneralNamePtr general(GENERAL_NAME_new());
    if (!value || !general)
        return {};
    GENERAL_NAME_set0_value(general.get(), GEN_IPADD, value.release());
    return general;
}

/// Adds the subjectAltName extension; names are encoded one by one so no input can inject extra entries.
bool addSubjectAltNames(X509* cert, const QStringList& dnsNames, const QStringList& ipAddresses, QString* error)
{
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names)
        return fail<bool>(error, u"cannot allocate subjectAltName"_s);
    const auto push = [&](GeneralNamePtr general, const QString& kind, const QString& value) {
        if (!general || sk_GENERAL_NAME_push(names.get(), general.get()) <= 0)
            return fail<bool>(error, u"invalid %1 %2"_s.arg(kind, value));
        general.release();
        return true;
    };
    for (const QString& name : dnsNames) {
        const bool ascii = !name.isEmpty() && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
            return c.unicode() > 0x20 && c.unicode() < 0x7f;
        });
        if (!push(ascii ? dnsName(name) : GeneralNamePtr {}, u"DNS name"_s, name))
            return false;
    }
    for (const QString& address : ipAddresses) {
        if (!push(ipName(address), u"IP address"_s, address))
            return false;
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return fail<bool>(error, u"cannot add subjectAltName"_s);
    return true;
}

std::optional<KeyPair> toPem(X509* cert, EVP_PKEY* key, QString* error)
{
    BioPtr certBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return fail(error, u"cannot encode PEM"_s);
    return KeyPair { bioContents(certBio.get()), bioContents(keyBio.get()) };
}

struct Authority {
    X509Ptr cert;
    KeyPtr key;
};

std::optional<Authority> loadAuthority(const KeyPair& ca, QString* error)
{
    X509Ptr cert = readCertificate(ca.certPem);
    if (!cert)
        return fail<std::optional<Authority>>(error, u"cannot read CA certificate"_s);
    BioPtr bio = memoryBio(ca.keyPem);
    KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return fail<std::optional<Authority>>(error, u"cannot read CA private key"_s);
    if (X509_check_private_key(cert.get(), key.get()) != 1)
        return fail<std::optional<Authority>>(error, u"CA private key does not match the CA certificate"_s);
    return Authority { std::move(cert), std::move(key) };
}

/// A leaf certificate for a fresh key, signed by `ca`, with the extensions of `usage` ("serverAuth"/"clientAuth").
std::optional<KeyPair> issueLeaf(const KeyPair& ca, const NamePtr& subject, const char* usage,
    const QStringList& dnsNames, const QStringList& ipAddresses, QString* error)
{
    std::optional<Authority> authority = loadAuthority(ca, error);
    if (!authority)
        return std::nullopt;
    if (!subject)
        return fail(error, u"invalid subject name"_s);
    KeyPtr key = generateKey();
    if (!key)
        return fail(error, u"cannot generate EC P-256 key"_s);
    X509Ptr cert = newCertificate(key.get(), subject.get(), X509_get_subject_name(authority->cert.get()), kLeafDays);
    if (!cert)
        return fail(error, u"cannot create certificate"_s);
    if (!addExtensions(cert.get(), authority->cert.get(), authority->key.get(),
            { { NID_basic_constraints, "critical,CA:FALSE" }, { NID_key_usage, "critical,digitalSignature" },
                { NID_ext_key_usage, usage }, { NID_subject_key_identifier, "hash" },
                { NID_authority_key_identifier, "keyid:always" } }))
        return fail(error, u"cannot add certificate extensions"_s);
    if ((!dnsNames.isEmpty() || !ipAddresses.isEmpty())
        && !addSubjectAltNames(cert.get(), dnsNames, ipAddresses, error))
        return std::nullopt;
    if (X509_sign(cert.get(), authority->key.get(), EVP_sha256()) <= 0)
        return fail(error, u"cannot sign certificate"_s);
    return toPem(cert.get(), key.get(), error);
}

QString entryText(const X509_NAME_ENTRY* entry)
{
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (length < 0)
        return {};
    QString text = QString::fromUtf8(reinterpret_cast<const char*>(utf8), length);
    OPENSSL_free(utf8);
    return text;
}

QStringList nameEntries(const X509_NAME* name, int nid)
{
    QStringList values;
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i))
        values.append(entryText(X509_NAME_get_entry(name, i)));
    return values;
}

/// A trust store holding every certificate of the PEM bundle `caPem`.
StorePtr makeStore(const QByteArray& caPem)
{
    StorePtr store(X509_STORE_new());
    BioPtr bio = memoryBio(caPem);
    if (!store || !bio)
        return {};
    int added = 0;
    while (X509Ptr cert { PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) }) {
        if (X509_STORE_add_cert(store.get(), cert.get()) != 1)
            return {};
        ++added;
    }
    // The loop ends on "no start line" at the end of the bundle, which is not an error.
    ERR_clear_error();
    return added > 0 ? std::move(store) : StorePtr {};
}

} // namespace

std::optional<KeyPair> createCertificateAuthority(const QString& commonName, QString* error)
{
    ERR_clear_error();
    if (commonName.isEmpty())
        return fail(error, u"CA common name must not be empty"_s);
    KeyPtr key = generateKey();
    if (!key)
        return fail(error, u"cannot generate EC P-256 key"_s);
    const NamePtr name = makeName(commonName);
    if (!name)
        return fail(error, u"invalid CA common name"_s);
    X509Ptr cert = newCertificate(key.get(), name.get(), nullptr, kCaDays);
    if (!cert)
        return fail(error, u"cannot create CA certificate"_s);
    if (!addExtensions(cert.get(), cert.get(), key.get(),
            { { NID_basic_constraints, "critical,CA:TRUE" },
                { NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature" },
                { NID_subject_key_identifier, "hash" }, { NID_authority_key_identifier, "keyid:always" } }))
        return fail(error, u"cannot add CA extensions"_s);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(error, u"cannot sign CA certificate"_s);
    return toPem(cert.get(), key.get(), error);
}

std::optional<KeyPair> createServingCertificate(
    const KeyPair& ca, const QStringList& dnsNames, const QStringList& ipAddresses, QString* error)
{
    ERR_clear_error();
    if (dnsNames.isEmpty() && ipAddresses.isEmpty())
        return fail(error, u"a serving certificate needs at least one DNS name or IP address"_s);
    // Clients match the SANs; the CN is informational only.
    const QString commonName = dnsNames.isEmpty() ? ipAddresses.first() : dnsNames.first();
    return issueLeaf(ca, makeName(commonName), "serverAuth", dnsNames, ipAddresses, error);
}

std::optional<KeyPair> createClientCertificate(
    const KeyPair& ca, const QString& user, const QStringList& groups, QString* error)
{
    ERR_clear_error();
    if (user.isEmpty())
        return fail(error, u"client certificate user must not be empty"_s);
    return issueLeaf(ca, makeName(user, groups), "clientAuth", {}, {}, error);
}

bool verifyClientCertificate(
    const QByteArray& caPem, const QByteArray& certPem, QString* user, QStringList* groups, QString* error)
{
    ERR_clear_error();
    StorePtr store = makeStore(caPem);
    if (!store)
        return fail<bool>(error, u"cannot read CA certificate"_s);
    X509Ptr cert = readCertificate(certPem);
    if (!cert)
        return fail<bool>(error, u"cannot read client certificate"_s);
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1
        || X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT) != 1)
        return fail<bool>(error, u"cannot set up certificate verification"_s);
    if (X509_verify_cert(ctx.get()) != 1) {
        const int code = X509_STORE_CTX_get_error(ctx.get());
        return fail<bool>(error,
            u"client certificate verification failed: "_s + QString::fromUtf8(X509_verify_cert_error_string(code)));
    }
    const X509_NAME* subject = X509_get_subject_name(cert.get());
    const QStringList commonNames = nameEntries(subject, NID_commonName);
    if (commonNames.isEmpty() || commonNames.first().isEmpty())
        return fail<bool>(error, u"client certificate has no common name"_s);
    if (user)
        *user = commonNames.first();
    if (groups)
        *groups = nameEntries(subject, NID_organizationName);
    return true;
}

} // namespace apiserver::pki
