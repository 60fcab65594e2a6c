/* Private to the engine: text fragments shared by the verification-error table
 * (verify_errors.c) and the context-aware explanations (verify_explain.c). */
#ifndef TLSCOPE_ENGINE_VERIFY_ERRORS_INTERNAL_H
#define TLSCOPE_ENGINE_VERIFY_ERRORS_INTERNAL_H

#define STRICT_NOTE                                                                                \
    " Only strict RFC 5280 checking reports this (OpenSSL's -x509_strict; Python 3.13 and later "  \
    "turn it on by default), but such clients refuse the chain."
#define FIX_INSPECT                                                                                \
    "Inspect the chain with `openssl s_client -connect HOST:PORT -showcerts` and check it with "   \
    "`openssl verify -show_chain -untrusted chain.pem cert.pem`."
#define FULLCHAIN_FIX                                                                              \
    "Configure the full chain file on the server: nginx `ssl_certificate fullchain.pem;` (not "    \
    "cert.pem); Apache 2.4.8+ `SSLCertificateFile fullchain.pem`, older Apache "                   \
    "`SSLCertificateChainFile chain.pem`; HAProxy: append the intermediates to the PEM file. "     \
    "Then reload the server."

#endif
