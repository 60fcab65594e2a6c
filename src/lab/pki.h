/* An in-memory certificate factory: generates keys and X509v3 certificates (CA hierarchies,
 * leaves, broken ones on purpose) and OCSP responses, for the tests and the demo lab.
 * No files are needed and no OpenSSL type is exposed: results come out as PEM or DER bytes.
 * It lives with the lab (src/lab/, allowed OpenSSL) so that the demo lab, the test harness and
 * tests/tools/mkpki share one factory; the engine does not use it. */
#ifndef TLSCOPE_LAB_PKI_H
#define TLSCOPE_LAB_PKI_H

#include <stdbool.h>
#include <stddef.h>

enum pki_key_type { PKI_RSA2048, PKI_RSA1024, PKI_EC_P256, PKI_EC_P384 };

/* One certificate to make. Strings are only read during pki_generate (not kept). */
struct pki_spec {
    /* Handle and file stem ("leaf" → leaf.crt, leaf.key): [A-Za-z0-9_.-], unique. */
    const char *name;
    /* Comma-separated RDNs in RFC 4514 order, most specific first, e.g.
     * "CN=localhost,O=TLS Lab,C=XX" (the DER sequence is the reverse: C, O, CN — so the
     * string round-trips through certinfo_name). Keys are short names or dotted OIDs; a value is
     * taken byte for byte (UTF-8, control bytes and escape sequences allowed) except that "\," is a
     * literal comma and "\\" a literal backslash. */
    const char *subject;
    const char *issuer; /* name of an earlier spec, or NULL for self-signed */
    enum pki_key_type key;
    long not_before_days; /* relative to now; may be negative */
    long not_after_days;  /* relative to now; negative makes an expired certificate */
    bool is_ca;
    int path_len;         /* CA path length constraint; -1: none */
    const char *san;      /* "DNS:localhost,IP:127.0.0.1,IP:::1" (OpenSSL conf syntax) or NULL */
    const char *digest;   /* signature digest: "sha256" when NULL, or "sha1", "sha384" ... */
    bool client_auth;     /* leaves: EKU clientAuth instead of serverAuth */
    const char *ocsp_url; /* Authority Information Access OCSP URI, or NULL */
    const char *ca_issuers_url; /* Authority Information Access caIssuers URI, or NULL */
    /* Name of an earlier spec whose key pair this certificate reuses (key is then ignored),
     * or NULL for a new key: with the same subject and another issuer, a cross-signed CA. */
    const char *key_from;
    const char *crl_url; /* issue 13: CRL distribution point URI, or NULL */
    /* issue 13: name of an earlier spec whose EC key acts as a CT log: the certificate gets an
     * embedded SCT from it (over its precertificate entry; the signature broken when sct_bad).
     * Needs an issuer. */
    const char *sct_log;
    bool sct_bad;
};

/* Everything generated: keys, certificates and their PEM. Opaque; owns all of it. */
struct pki;

/* Generates specs[0..n) in order (an issuer must come before what it signs). Certificates get
 * random 16-byte serials, SKI/AKI, basicConstraints (critical for CAs), keyUsage, EKU for
 * leaves, SAN and AIA when given. Returns 0 and a new *out (free with pki_free), or -1 with a
 * message naming the spec and the OpenSSL error in err (*out is then NULL). */
int pki_generate(const struct pki_spec *specs, size_t n, struct pki **out, char *err,
                 size_t errlen);

/* Number of certificates and the name of the i-th (in spec order); NULL when i is too big. */
size_t pki_count(const struct pki *p);
const char *pki_name(const struct pki *p, size_t i);

/* PEM of the certificate / of its unencrypted PKCS#8 private key. The strings belong to p and
 * live as long as it does; NULL when name is unknown. */
const char *pki_cert_pem(const struct pki *p, const char *name);
const char *pki_key_pem(const struct pki *p, const char *name);

/* PKCS#8 PEM of the key encrypted with AES-256-CBC under pass ("ENCRYPTED PRIVATE KEY").
 * Returns a new string (caller frees), or NULL when name is unknown or encryption fails. */
char *pki_key_pem_encrypted(const struct pki *p, const char *name, const char *pass);

/* A DER OCSP response (status successful) for certificate `name`, signed by its issuer (by
 * itself when self-signed) with SHA-256: status 0 good, 1 revoked (since yesterday, reason
 * keyCompromise), 2 unknown; thisUpdate now, nextUpdate now + 7 days; the signer's certificate
 * is included. Returns malloc'ed bytes (caller frees) and sets *len, or NULL. */
unsigned char *pki_ocsp_response(const struct pki *p, const char *name, int status, size_t *len);

/* issue 13: pki_ocsp_response with flags: PKI_OCSP_STALE (thisUpdate 10 days ago, nextUpdate
 * 3 days ago), PKI_OCSP_BAD_SIGNATURE (one bit of the signature flipped). */
#define PKI_OCSP_STALE         0x1u
#define PKI_OCSP_BAD_SIGNATURE 0x2u
unsigned char *pki_ocsp_response_ex(const struct pki *p, const char *name, int status,
                                    unsigned flags, size_t *len);

/* issue 13: a good OCSP response for `name` (as pki_ocsp_response) whose single response
 * carries an SCT from the key of `log` (the CT extension of a stapled response). */
unsigned char *pki_ocsp_response_sct(const struct pki *p, const char *name, const char *log,
                                     size_t *len);

/* issue 13: a DER CRL (v2) signed by `issuer` listing the certificates named in revoked
 * (reason keyCompromise, since thisUpdate); thisUpdate now, nextUpdate in 7 days, or, when
 * stale, 10 and 3 days ago. Returns malloc'ed bytes and *len, or NULL. */
unsigned char *pki_crl(const struct pki *p, const char *issuer, const char *const *revoked,
                       size_t n_revoked, bool stale, size_t *len);

/* issue 13: the TLS-encoded SignedCertificateTimestampList (RFC 6962 3.3) with one SCT from
 * the key of `log` over certificate `name` (an X.509 entry), as a server sends it in the
 * signed_certificate_timestamp extension. Returns malloc'ed bytes and *len, or NULL. */
unsigned char *pki_sct_list(const struct pki *p, const char *name, const char *log, size_t *len);
/* issue 13: the public key of `name`, base64 of its DER SubjectPublicKeyInfo (a CT log list's
 * `key`). Returns a new string, or NULL. */
char *pki_pubkey_b64(const struct pki *p, const char *name);

/* Writes NAME.crt (mode 0644) and NAME.key (mode 0600, unencrypted) for every certificate into
 * the existing directory dir, replacing files of the same name. Returns 0, or -1 with the file
 * and errno text in err. */
int pki_write_dir(const struct pki *p, const char *dir, char *err, size_t errlen);

/* Writes n bytes to dir/file with the given mode through the safe writer (file_write_atomic:
 * replacing a regular file only). Returns 0 or -1 with err. */
int pki_write_file(const char *dir, const char *file, const void *data, size_t n, int mode,
                   char *err, size_t errlen);

void pki_free(struct pki *p); /* NULL is fine */

#endif
