/* The verification-error catalogue: one table entry per X509_V_ERR_* code, and name lookups
 * with typo suggestions. The context-aware explanations live in verify_explain.c. */
#include "engine/verify_errors.h"
#include "util/suggest.h"

#include <openssl/x509_vfy.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/verify_errors_internal.h"

/* The symbol is the stringified macro, so name and code can never drift apart. */
#define VE(sym, hint, expl, fix)                                                                   \
    {                                                                                              \
        sym, #sym, hint, expl, fix                                                                 \
    }

#define SYM_PREFIX     "X509_V_ERR_"
#define SYM_PREFIX_LEN (sizeof(SYM_PREFIX) - 1)

#define SUITE_B_FIX                                                                                \
    "Use a Suite B chain (ECDSA P-256/P-384 keys signed with SHA-256/SHA-384), or connect "        \
    "without Suite B mode."

static const struct verify_error_info verify_table[] = {
    VE(X509_V_ERR_UNSPECIFIED, "Unspecified verification error",
       "OpenSSL rejected the chain without naming a specific reason.", FIX_INSPECT),
    VE(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "Issuer certificate not found",
       "The certificate that issued one in the chain is neither among the certificates the "
       "server sends nor in the trust store, so the chain cannot be completed.",
       "Send the complete chain (the server certificate, then every intermediate) and make sure "
       "its root is in the client's trust store."),
    VE(X509_V_ERR_UNABLE_TO_GET_CRL, "CRL not found",
       "Revocation checking with CRLs was requested, but no revocation list covering this "
       "certificate was available.",
       "Give the client the CA's current CRL, or turn CRL checking off if it was not intended."),
    VE(X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, "Certificate signature unreadable",
       "The signature on a certificate could not be decrypted with its issuer's public key: the "
       "signature is malformed or was made by a different key.",
       "Rebuild the chain from the CA's current certificates; if the certificate itself is "
       "damaged, download or reissue it."),
    VE(X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE, "CRL signature unreadable",
       "The signature on a CRL could not be decrypted with the CA's public key.",
       "Fetch a fresh CRL and check that it belongs to the CA that issued the certificate."),
    VE(X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, "Issuer public key unreadable",
       "The public key in the issuing CA's certificate could not be parsed (malformed or of an "
       "unsupported type).",
       "Use the CA's current certificate, with a standard RSA or EC key, in the chain."),
    VE(X509_V_ERR_CERT_SIGNATURE_FAILURE, "Certificate signature invalid",
       "A certificate's signature does not verify with its issuer's public key: it was altered, "
       "or the chain pairs it with a different CA certificate that has the same name.",
       "Rebuild the chain file from the CA's current intermediates and test it with `openssl "
       "verify -untrusted chain.pem cert.pem`."),
    VE(X509_V_ERR_CRL_SIGNATURE_FAILURE, "CRL signature invalid",
       "The signature on a CRL does not verify with the CA's key; the CRL is damaged or comes "
       "from another CA.",
       "Fetch a fresh CRL from the CA that issued the certificate."),
    VE(X509_V_ERR_CERT_NOT_YET_VALID, "Certificate not yet valid",
       "A certificate's start date (notBefore) is in the future: it was issued with a future "
       "start date, or the client's clock is wrong.",
       "Check the client's clock first (`date -u`); if it is right, wait for the start date or "
       "have the certificate reissued."),
    VE(X509_V_ERR_CERT_HAS_EXPIRED, "Certificate expired",
       "A certificate in the chain is past its end date (notAfter); every client rejects the "
       "chain.",
       "Renew the certificate (or, for a CA certificate, install the CA's current chain) and "
       "reload the server."),
    VE(X509_V_ERR_CRL_NOT_YET_VALID, "CRL not yet valid",
       "The CRL's lastUpdate date is in the future, usually a clock problem on the client or "
       "the CA.",
       "Check the client's clock; if it is right, the CA published a CRL with a wrong date."),
    VE(X509_V_ERR_CRL_HAS_EXPIRED, "CRL expired",
       "The CRL's nextUpdate date has passed, so its revocation information is stale.",
       "Fetch a current CRL; for your own CA, regenerate it before nextUpdate (`openssl ca "
       "-gencrl`)."),
    VE(X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, "Malformed start date",
       "A certificate's notBefore field is not a valid time, so its validity cannot be checked.",
       "Reissue the certificate; the tool that made it wrote an invalid time."),
    VE(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, "Malformed end date",
       "A certificate's notAfter field is not a valid time, so its validity cannot be checked.",
       "Reissue the certificate; the tool that made it wrote an invalid time."),
    VE(X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, "Malformed CRL lastUpdate",
       "The CRL's lastUpdate field is not a valid time.", "Regenerate or re-fetch the CRL."),
    VE(X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD, "Malformed CRL nextUpdate",
       "The CRL's nextUpdate field is not a valid time.", "Regenerate or re-fetch the CRL."),
    VE(X509_V_ERR_OUT_OF_MEM, "Out of memory",
       "The verifier ran out of memory; this says nothing about the server.",
       "Retry; if it persists, the machine running tlscope is short of memory."),
    VE(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "Self-signed certificate",
       "The server's own certificate is self-signed: no CA vouches for it, so clients reject it "
       "unless they were told to trust this exact certificate.",
       "Get a certificate from a CA (e.g. Let's Encrypt with certbot); for an internal service, "
       "add this certificate to the clients' trust store (tlscope: --cafile cert.pem)."),
    VE(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "Untrusted root in chain",
       "The chain ends in a self-signed root CA that is not in the trust store in use: typical "
       "of a private or test CA, or of a TLS-intercepting proxy.",
       "For a private CA, install its root in the clients' trust store (tlscope: --cafile "
       "root.pem); for a public site, install a certificate and chain from a public CA."),
    VE(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "Issuer not found (missing intermediate?)",
       "The certificate that issued one in the chain is not available: the server sends an "
       "incomplete chain (no intermediate), or the chain leads to a CA this client does not "
       "trust.",
       "Configure the full chain file on the server (fullchain.pem / SSLCertificateChainFile); "
       "for a private CA, add its root to the clients' trust store."),
    VE(X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "Cannot verify the server certificate",
       "The chain holds only the server's own certificate and it is not self-signed, so nothing "
       "can check its signature: the server does not send its intermediate.",
       FULLCHAIN_FIX),
    VE(X509_V_ERR_CERT_CHAIN_TOO_LONG, "Chain too long",
       "The chain is longer than the maximum verification depth: a loop of cross-signed CAs or "
       "a chain file stuffed with unrelated certificates.",
       "Send only the server certificate and the intermediates that lead to one root (usually "
       "two or three certificates)."),
    VE(X509_V_ERR_CERT_REVOKED, "Certificate revoked",
       "The CA has revoked a certificate in the chain; clients that check revocation reject it.",
       "Install a new certificate (and a new key if the old one may be compromised), then "
       "reload the server."),
    VE(X509_V_ERR_NO_ISSUER_PUBLIC_KEY, "Issuer has no public key",
       "The issuing CA certificate has no usable public key, so its signatures cannot be "
       "checked.",
       "Replace the CA certificate in the chain with the CA's current one."),
    VE(X509_V_ERR_PATH_LENGTH_EXCEEDED, "Path length constraint exceeded",
       "A CA allows only a limited number of intermediate CAs below it (basicConstraints "
       "pathlen), and the chain has more.",
       "Serve a chain that respects the constraint (remove extra intermediates), or re-create "
       "the CA with a larger pathlen."),
    VE(X509_V_ERR_INVALID_PURPOSE, "Certificate not for TLS servers",
       "A certificate's key usage or extended key usage does not allow TLS server "
       "authentication (serverAuth).",
       "Reissue it as a TLS server certificate: extendedKeyUsage=serverAuth, "
       "keyUsage=digitalSignature,keyEncipherment."),
    VE(X509_V_ERR_CERT_UNTRUSTED, "Root not trusted for TLS servers",
       "The root CA is in the trust store, but its trust settings do not cover TLS server "
       "authentication.",
       "Use a certificate from a CA trusted for TLS servers, or trust your own root for "
       "serverAuth."),
    VE(X509_V_ERR_CERT_REJECTED, "Root explicitly rejected",
       "The trust store marks the root CA as rejected (distrusted) for this purpose.",
       "Move to a certificate from a CA that clients still trust."),
    VE(X509_V_ERR_SUBJECT_ISSUER_MISMATCH, "Subject/issuer name mismatch",
       "A candidate issuer's subject name does not match the certificate's issuer name, so it "
       "cannot be the issuer.",
       "Make sure the chain holds the exact CA certificate that issued each certificate "
       "(compare with `openssl x509 -noout -issuer -subject`)."),
    VE(X509_V_ERR_AKID_SKID_MISMATCH, "Key identifier mismatch",
       "A candidate issuer's Subject Key Identifier differs from the certificate's Authority "
       "Key Identifier: it is another CA certificate with the same name (often an old or "
       "re-keyed intermediate).",
       "Replace the intermediate with the one that really issued the certificate (download it "
       "from the CA again)."),
    VE(X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH, "Issuer serial mismatch",
       "The certificate's Authority Key Identifier names an issuer serial number that does not "
       "match the candidate CA certificate.",
       "Replace the intermediate with the one that really issued the certificate."),
    VE(X509_V_ERR_KEYUSAGE_NO_CERTSIGN, "CA key usage lacks keyCertSign",
       "A CA certificate's keyUsage does not allow signing certificates, so it cannot be an "
       "issuer.",
       "Re-create the CA with keyUsage=critical,keyCertSign,cRLSign."),
    VE(X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, "CRL issuer not found",
       "The certificate of the CA that signed the CRL could not be found.",
       "Give the client the CRL issuer's certificate, or fetch the CRL from the right CA."),
    VE(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, "Unknown critical extension",
       "A certificate has an extension marked critical that the client does not understand; a "
       "client must reject such a certificate.",
       "Reissue the certificate without marking that extension critical."),
    VE(X509_V_ERR_KEYUSAGE_NO_CRL_SIGN, "CRL signer lacks cRLSign",
       "The CA certificate that signed the CRL does not have cRLSign in its key usage.",
       "Sign CRLs with a CA certificate whose keyUsage includes cRLSign."),
    VE(X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION, "Unknown critical CRL extension",
       "The CRL carries an extension marked critical that OpenSSL does not support.",
       "Regenerate the CRL without that critical extension."),
    VE(X509_V_ERR_INVALID_NON_CA, "Non-CA certificate with CA markings",
       "A certificate that must not act as a CA (a proxy certificate) carries CA markings.",
       "Reissue it without basicConstraints CA:TRUE and without keyCertSign."),
    VE(X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED, "Proxy path length exceeded",
       "A chain of proxy certificates is longer than its proxyCertInfo path length allows.",
       "Shorten the proxy chain or reissue with a larger path length."),
    VE(X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE, "Key usage lacks digitalSignature",
       "The certificate's keyUsage does not include digitalSignature, which signing in the "
       "handshake needs.",
       "Reissue with keyUsage=digitalSignature (plus keyEncipherment for RSA key exchange)."),
    VE(X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED, "Proxy certificates not allowed",
       "The chain contains an RFC 3820 proxy certificate, and proxy certificates are not "
       "enabled.",
       "Use a normal certificate; proxy certificates are for grid computing, not TLS servers."),
    VE(X509_V_ERR_INVALID_EXTENSION, "Invalid certificate extension",
       "A certificate extension is malformed or inconsistent with the others (for example a "
       "broken basicConstraints or keyUsage).",
       "Reissue the certificate; check its extensions with `openssl x509 -noout -text`."),
    VE(X509_V_ERR_INVALID_POLICY_EXTENSION, "Invalid policy extension",
       "The certificatePolicies extension or a related policy extension is malformed or "
       "inconsistent.",
       "Reissue the certificate with a valid certificatePolicies extension."),
    VE(X509_V_ERR_NO_EXPLICIT_POLICY, "No acceptable policy",
       "An explicit certificate policy was required, but the chain does not assert an "
       "acceptable one.",
       "Use a certificate issued under the required policy, or drop the policy requirement."),
    VE(X509_V_ERR_DIFFERENT_CRL_SCOPE, "CRL scope differs",
       "The CRL found does not cover this certificate (different scope or distribution point).",
       "Give the client the CRL that covers this certificate."),
    VE(X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE, "Unsupported extension feature",
       "A certificate or CRL uses an extension feature OpenSSL does not support (such as "
       "indirect CRLs).",
       "Reissue without that feature."),
    VE(X509_V_ERR_UNNESTED_RESOURCE, "RFC 3779 resources not nested",
       "The IP address or AS number resources of a certificate are not a subset of its "
       "issuer's (RFC 3779, used in RPKI).",
       "Reissue with resources inside the issuer's."),
    VE(X509_V_ERR_PERMITTED_VIOLATION, "Name outside permitted names",
       "A CA in the chain may only issue for certain names (nameConstraints, permitted "
       "subtrees), and a certificate below it has a name outside them.",
       "Get the certificate from a CA allowed to issue for this name, or widen the CA's "
       "nameConstraints."),
    VE(X509_V_ERR_EXCLUDED_VIOLATION, "Name in excluded names",
       "A CA in the chain is forbidden to issue for certain names (nameConstraints, excluded "
       "subtrees), and a certificate below it uses one of them.",
       "Get the certificate from a CA allowed to issue for this name, or change the CA's "
       "nameConstraints."),
    VE(X509_V_ERR_SUBTREE_MINMAX, "Name constraint min/max unsupported",
       "A nameConstraints extension uses minimum or maximum values, which RFC 5280 forbids and "
       "OpenSSL does not support.",
       "Re-create the CA's nameConstraints without minimum and maximum."),
    VE(X509_V_ERR_APPLICATION_VERIFICATION, "Rejected by the application",
       "An application-level check (a verify callback), not OpenSSL's own chain checks, "
       "rejected the chain.",
       "See the application's own message for what it checks."),
    VE(X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE, "Unsupported name constraint type",
       "A nameConstraints extension uses a name type OpenSSL cannot check.",
       "Re-create the CA with constraints of supported types (DNS, IP, email, directory "
       "name)."),
    VE(X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX, "Invalid name constraint syntax",
       "A nameConstraints entry is malformed or uses syntax OpenSSL does not support.",
       "Fix the CA's nameConstraints and re-sign it."),
    VE(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX, "Invalid name syntax",
       "A name in a certificate could not be checked against a CA's name constraints because "
       "its syntax is invalid or unsupported (for example a malformed subjectAltName).",
       "Reissue with well-formed subjectAltName entries."),
    VE(X509_V_ERR_CRL_PATH_VALIDATION_ERROR, "CRL path validation error",
       "The chain of the CA that signed the CRL could not be verified.",
       "Make sure the CRL signer's certificate chains to a trusted root."),
    VE(X509_V_ERR_PATH_LOOP, "Chain loops",
       "The chain loops back on itself (a certificate appears as its own ancestor), typical of "
       "badly combined cross-signed CAs.",
       "Send a straight chain: the server certificate, then its intermediates in order, without "
       "cross-signed duplicates."),
    VE(X509_V_ERR_SUITE_B_INVALID_VERSION, "Suite B: certificate version invalid",
       "Suite B mode is on and a certificate is not X.509 version 3.", SUITE_B_FIX),
    VE(X509_V_ERR_SUITE_B_INVALID_ALGORITHM, "Suite B: invalid public key algorithm",
       "Suite B mode is on and a certificate's key is not an ECDSA key.", SUITE_B_FIX),
    VE(X509_V_ERR_SUITE_B_INVALID_CURVE, "Suite B: invalid curve",
       "Suite B mode is on and a key uses a curve other than P-256 or P-384.", SUITE_B_FIX),
    VE(X509_V_ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM, "Suite B: invalid signature algorithm",
       "Suite B mode is on and a signature is not ECDSA with SHA-256 or SHA-384.", SUITE_B_FIX),
    VE(X509_V_ERR_SUITE_B_LOS_NOT_ALLOWED, "Suite B: curve not allowed at this level",
       "Suite B mode is on and a curve does not fit the chosen security level (128 or 192 "
       "bits).",
       SUITE_B_FIX),
    VE(X509_V_ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256, "Suite B: P-384 signed with P-256",
       "Suite B mode is on and a P-256 CA key signed a certificate with a P-384 key.", SUITE_B_FIX),
    VE(X509_V_ERR_HOSTNAME_MISMATCH, "Name mismatch",
       "The server's certificate does not cover the name the client asked for: the name is not "
       "in its subjectAltName.",
       "Reissue the certificate with this name in subjectAltName, or make the server choose the "
       "right certificate for this name (SNI / virtual host)."),
    VE(X509_V_ERR_EMAIL_MISMATCH, "Email address mismatch",
       "The certificate does not contain the email address that was checked.",
       "Reissue it with the address in subjectAltName (email:...)."),
    VE(X509_V_ERR_IP_ADDRESS_MISMATCH, "IP address mismatch",
       "The certificate does not list the IP address that was checked; a DNS name never covers "
       "an address.",
       "Connect by a name the certificate covers, or reissue it with subjectAltName=IP:ADDRESS."),
    VE(X509_V_ERR_DANE_NO_MATCH, "No matching DANE TLSA record",
       "None of the DANE TLSA records published for this server matches its chain.",
       "Update the TLSA records for the new key or certificate (publish the new record before "
       "switching)."),
    VE(X509_V_ERR_EE_KEY_TOO_SMALL, "Server key too small",
       "The server's own key is smaller than the security level in effect allows (level 2, the "
       "usual default, needs RSA of at least 2048 bits and EC of at least 224 bits).",
       "Generate a new key (RSA 2048+ or ECDSA P-256) and reissue the certificate."),
    VE(X509_V_ERR_CA_KEY_TOO_SMALL, "CA key too small",
       "A CA certificate in the chain has a key smaller than the security level allows.",
       "Use a chain through a CA with a current key (RSA 2048+ or P-256); for a private CA, "
       "create a new one."),
    VE(X509_V_ERR_CA_MD_TOO_WEAK, "Signature digest too weak",
       "A certificate is signed with a digest the security level rejects (SHA-1 or MD5).",
       "Reissue the certificate with a SHA-256 signature."),
    VE(X509_V_ERR_INVALID_CALL, "Invalid verification call",
       "The verifier was called incorrectly: a bug in the client, not a server problem.",
       "Report it as a tlscope bug, with the command line used."),
    VE(X509_V_ERR_STORE_LOOKUP, "Issuer lookup failed",
       "Looking up an issuer in the trust store failed (a store or I/O error, not a missing "
       "issuer).",
       "Check that the CA file or directory is readable and well-formed; run `openssl rehash` "
       "on a CA directory."),
    VE(X509_V_ERR_NO_VALID_SCTS, "No valid SCTs",
       "Certificate Transparency was required, but the server presented no valid signed "
       "certificate timestamps (in the certificate, the TLS extension or the OCSP staple).",
       "Use a certificate from a CA that embeds SCTs (all public CAs do), or serve SCTs in the "
       "TLS extension."),
    VE(X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION, "Proxy subject name invalid",
       "A proxy certificate's subject is not its issuer's subject plus one CN, as RFC 3820 "
       "requires.",
       "Reissue the proxy certificate with a correct subject."),
    VE(X509_V_ERR_OCSP_VERIFY_NEEDED, "OCSP check needed",
       "Revocation status through OCSP was required but was not checked.",
       "Have the server staple OCSP (nginx `ssl_stapling on;`, Apache `SSLUseStapling on`)."),
    VE(X509_V_ERR_OCSP_VERIFY_FAILED, "OCSP check failed",
       "The OCSP response for a certificate could not be verified (bad signature, wrong "
       "responder or stale response).",
       "Reload the server so it fetches a fresh OCSP response, and check it can reach the "
       "CA's responder."),
    VE(X509_V_ERR_OCSP_CERT_UNKNOWN, "Unknown to the OCSP responder",
       "The CA's OCSP responder does not know the certificate: it is very new, or it was not "
       "issued by the CA the responder speaks for.",
       "Wait a few minutes for a brand-new certificate; otherwise check that the chain holds "
       "the intermediate that really issued it."),
    VE(X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM, "Unknown signature algorithm",
       "A certificate is signed with an algorithm the client does not know or support.",
       "Reissue with a common algorithm (sha256WithRSAEncryption, ecdsa-with-SHA256, "
       "RSA-PSS)."),
    VE(X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH, "Signature/key type mismatch",
       "A certificate's signature algorithm does not fit its issuer's key type (say an ECDSA "
       "signature from an RSA CA): the chain holds the wrong issuer.",
       "Put the CA certificate that really issued it in the chain."),
    VE(X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY, "Inconsistent signature algorithm",
       "The signature algorithm inside a certificate's signed part differs from the one outside "
       "it, a sign of a corrupt or forged certificate.",
       "Reissue the certificate; do not trust this one."),
#ifdef X509_V_ERR_INVALID_CA
    VE(X509_V_ERR_INVALID_CA, "Invalid CA certificate",
       "A certificate used as an issuer is not a valid CA: it lacks basicConstraints CA:TRUE "
       "or its key usage does not allow signing certificates.",
       "Put the chain in order (server certificate first, then each issuer); re-create a "
       "private CA with basicConstraints=critical,CA:TRUE and "
       "keyUsage=critical,keyCertSign,cRLSign."),
#endif
#ifdef X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA
    VE(X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA, "Path length on a non-CA",
       "A certificate that is not a CA carries a pathlen constraint, which RFC 5280 "
       "forbids." STRICT_NOTE,
       "Reissue it without pathlen in basicConstraints."),
#endif
#ifdef X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN
    VE(X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN, "Path length without keyCertSign",
       "A certificate has a pathlen constraint but no keyCertSign key usage." STRICT_NOTE,
       "Re-create the CA with keyUsage=critical,keyCertSign,cRLSign."),
#endif
#ifdef X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA
    VE(X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, "keyCertSign on a non-CA",
       "A certificate that is not a CA has keyCertSign in its key usage." STRICT_NOTE,
       "Reissue it without keyCertSign (or as a proper CA)."),
#endif
#ifdef X509_V_ERR_ISSUER_NAME_EMPTY
    VE(X509_V_ERR_ISSUER_NAME_EMPTY, "Empty issuer name",
       "A certificate has an empty issuer name." STRICT_NOTE,
       "Reissue it from a CA with a proper subject name."),
#endif
#ifdef X509_V_ERR_SUBJECT_NAME_EMPTY
    VE(X509_V_ERR_SUBJECT_NAME_EMPTY, "Empty subject name",
       "A certificate has an empty subject name; RFC 5280 allows that only for an end-entity "
       "certificate that has a subjectAltName." STRICT_NOTE,
       "Reissue it with a subject (a server certificate at least with a subjectAltName)."),
#endif
#ifdef X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER
    VE(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER, "Missing Authority Key Identifier",
       "A certificate lacks the authorityKeyIdentifier extension, which RFC 5280 requires in "
       "every certificate except a self-signed root." STRICT_NOTE,
       "Reissue it with authorityKeyIdentifier=keyid,issuer in its extension config."),
#endif
#ifdef X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER
    VE(X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER, "Missing Subject Key Identifier",
       "A CA certificate lacks the subjectKeyIdentifier extension, which RFC 5280 requires in "
       "CA certificates." STRICT_NOTE,
       "Re-create the CA certificate with subjectKeyIdentifier=hash."),
#endif
#ifdef X509_V_ERR_EMPTY_SUBJECT_ALT_NAME
    VE(X509_V_ERR_EMPTY_SUBJECT_ALT_NAME, "Empty subjectAltName",
       "A certificate has a subjectAltName extension with no names in it." STRICT_NOTE,
       "Reissue it with the server's names in subjectAltName, or without the extension."),
#endif
#ifdef X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL
    VE(X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL, "Empty subject, SAN not critical",
       "A certificate has an empty subject, so RFC 5280 requires its subjectAltName to be "
       "marked critical, and it is not." STRICT_NOTE,
       "Reissue it with a subject, or with subjectAltName marked critical."),
#endif
#ifdef X509_V_ERR_CA_BCONS_NOT_CRITICAL
    VE(X509_V_ERR_CA_BCONS_NOT_CRITICAL, "CA basicConstraints not critical",
       "A CA certificate's basicConstraints extension is not marked critical, as RFC 5280 "
       "requires." STRICT_NOTE,
       "Re-create the CA with basicConstraints=critical,CA:TRUE."),
#endif
#ifdef X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL
    VE(X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL, "Authority Key Identifier critical",
       "A certificate's authorityKeyIdentifier is marked critical; RFC 5280 requires it to be "
       "non-critical." STRICT_NOTE,
       "Reissue it with authorityKeyIdentifier not marked critical."),
#endif
#ifdef X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL
    VE(X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL, "Subject Key Identifier critical",
       "A certificate's subjectKeyIdentifier is marked critical; RFC 5280 requires it to be "
       "non-critical." STRICT_NOTE,
       "Reissue it with subjectKeyIdentifier not marked critical."),
#endif
#ifdef X509_V_ERR_CA_CERT_MISSING_KEY_USAGE
    VE(X509_V_ERR_CA_CERT_MISSING_KEY_USAGE, "CA without key usage",
       "A CA certificate has no keyUsage extension; RFC 5280 requires one with "
       "keyCertSign." STRICT_NOTE,
       "Re-create the CA with keyUsage=critical,keyCertSign,cRLSign."),
#endif
#ifdef X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3
    VE(X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3, "Extensions in a pre-v3 certificate",
       "A certificate has extensions but is marked X.509 version 1 or 2; extensions need "
       "version 3." STRICT_NOTE,
       "Reissue it as a version 3 certificate (`openssl x509 -req ... -extfile ext.cnf`)."),
#endif
#ifdef X509_V_ERR_EC_KEY_EXPLICIT_PARAMS
    VE(X509_V_ERR_EC_KEY_EXPLICIT_PARAMS, "EC key with explicit parameters",
       "A certificate's EC key spells out its curve parameters instead of naming a standard "
       "curve, the trick behind the 2020 CurveBall attack." STRICT_NOTE,
       "Generate the key on a named curve (`openssl genpkey -algorithm EC -pkeyopt "
       "ec_paramgen_curve:P-256`, never `-param_enc explicit`) and reissue."),
#endif
/* Codes added after OpenSSL 3.0: present only when built against newer headers. */
#ifdef X509_V_ERR_RPK_UNTRUSTED
    VE(X509_V_ERR_RPK_UNTRUSTED, "Raw public key untrusted",
       "The server presented a raw public key (RFC 7250) instead of a certificate, and no "
       "trusted key was configured to match it.",
       "Configure the expected public key on the client, or have the server send a "
       "certificate."),
#endif
#ifdef X509_V_ERR_OCSP_RESP_INVALID
    VE(X509_V_ERR_OCSP_RESP_INVALID, "Invalid OCSP response",
       "The OCSP response could not be parsed or is not a successful response.",
       "Reload the server so it fetches a fresh response from the CA's responder."),
#endif
#ifdef X509_V_ERR_OCSP_SIGNATURE_FAILURE
    VE(X509_V_ERR_OCSP_SIGNATURE_FAILURE, "OCSP signature invalid",
       "The signature on the OCSP response does not verify.",
       "Reload the server so it fetches a fresh response; check it staples for the right "
       "certificate."),
#endif
#ifdef X509_V_ERR_OCSP_NOT_YET_VALID
    VE(X509_V_ERR_OCSP_NOT_YET_VALID, "OCSP response not yet valid",
       "The OCSP response's thisUpdate is in the future, usually a clock problem.",
       "Check the clocks of the client and the server."),
#endif
#ifdef X509_V_ERR_OCSP_HAS_EXPIRED
    VE(X509_V_ERR_OCSP_HAS_EXPIRED, "OCSP response expired",
       "The OCSP response's nextUpdate has passed: the staple is stale.",
       "Reload the server so it fetches a fresh response; check it can reach the CA's OCSP "
       "responder."),
#endif
#ifdef X509_V_ERR_OCSP_NO_RESPONSE
    VE(X509_V_ERR_OCSP_NO_RESPONSE, "No OCSP response",
       "No OCSP response was available although one was required.",
       "Have the server staple OCSP (nginx `ssl_stapling on;`, Apache `SSLUseStapling on`)."),
#endif
#ifdef X509_V_ERR_CRL_VERIFY_FAILED
    VE(X509_V_ERR_CRL_VERIFY_FAILED, "CRL check failed",
       "Checking the certificate against its CRL failed.",
       "Fetch a current CRL from the CA that issued the certificate."),
#endif
};

#define TABLE_LEN (sizeof(verify_table) / sizeof(verify_table[0]))

size_t verify_error_count(void)
{
    return TABLE_LEN;
}

const struct verify_error_info *verify_error_at(size_t i)
{
    return i < TABLE_LEN ? &verify_table[i] : NULL;
}

const struct verify_error_info *verify_error_by_code(int code)
{
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (verify_table[i].code == code)
            return &verify_table[i];
    return NULL;
}

const char *verify_error_name(int code, char *buf, size_t buflen)
{
    const struct verify_error_info *e = verify_error_by_code(code);
    if (e)
        return e->name;
    if (code == X509_V_OK)
        return "X509_V_OK";
    if (!buf || buflen == 0)
        return "X509_V_ERR_UNKNOWN";
    snprintf(buf, buflen, "X509_V_ERR_UNKNOWN_%d", code);
    return buf;
}

/* ---- name lookup ---------------------------------------------------------------------- */

/* Longest accepted name; longer input is unknown (the longest symbol has 52 characters). */
#define NAME_INPUT_MAX 96

/* Writes name as "CERT_HAS_EXPIRED" (upper case, '-' and ' ' as '_', prefix and surrounding
 * blanks removed) into out. Returns false when the result is empty or too long. */
static bool normalize_name(const char *name, char out[NAME_INPUT_MAX + 1])
{
    if (!name)
        return false;
    while (isspace((unsigned char)*name))
        name++;
    size_t n = strlen(name);
    while (n > 0 && isspace((unsigned char)name[n - 1]))
        n--;
    if (n == 0 || n > NAME_INPUT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        out[i] = (c == '-' || c == ' ') ? '_' : (char)toupper((unsigned char)c);
    }
    out[n] = '\0';
    if (strncmp(out, SYM_PREFIX, SYM_PREFIX_LEN) == 0)
        memmove(out, out + SYM_PREFIX_LEN, n - SYM_PREFIX_LEN + 1);
    return out[0] != '\0';
}

/* A decimal number made only of digits, within int range; -1 otherwise. */
static int parse_code(const char *s)
{
    long v = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s) || v > 100000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (int)v;
}

int verify_error_code_from_name(const char *name)
{
    char norm[NAME_INPUT_MAX + 1];
    if (!normalize_name(name, norm))
        return -1;
    if (isdigit((unsigned char)norm[0])) {
        int code = parse_code(norm);
        return code > 0 && verify_error_by_code(code) ? code : -1;
    }
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (strcmp(norm, verify_table[i].name + SYM_PREFIX_LEN) == 0)
            return verify_table[i].code;
    return -1;
}

const char *verify_error_suggest(const char *name)
{
    char norm[NAME_INPUT_MAX + 1];
    if (!normalize_name(name, norm) || isdigit((unsigned char)norm[0]))
        return NULL;
    size_t len = strlen(norm);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < TABLE_LEN; i++) {
        size_t d = suggest_distance(norm, verify_table[i].name + SYM_PREFIX_LEN);
        if (d < best_d) {
            best_d = d;
            best = verify_table[i].name;
        }
    }
    if (best || len < 4)
        return best;
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (strstr(verify_table[i].name + SYM_PREFIX_LEN, norm))
            return verify_table[i].name;
    return NULL;
}
