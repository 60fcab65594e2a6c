/* OpenSSL setup for one connection: the SSL_CTX built from a tls_config, the SSL for each
 * socket, and the callbacks that capture what the handshake shows. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "engine/certinfo.h"
#include "engine/conn_internal.h"
#include "engine/sockbio.h"
#include "engine/trustfile.h"
#include "engine/verify_errors.h"
#include "settings/settings.h"
#include "util/fsutil.h"
#include "wire/wire.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

const char *ossl_errors(char *buf, size_t n)
{
    size_t used = 0;
    unsigned long e;
    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        const char *reason = ERR_reason_error_string(e);
        char tmp[256];
        if (!reason) {
            ERR_error_string_n(e, tmp, sizeof(tmp));
            reason = tmp;
        }
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "; " : "", reason);
    }
    return buf;
}

unsigned long ossl_first_error(void)
{
    unsigned long first = ERR_peek_error();
    ERR_clear_error();
    return first;
}

int tlsctx_proto_version(enum proto_version v)
{
    switch (v) {
    case PROTO_SSL3: return SSL3_VERSION;
    case PROTO_TLS1_0: return TLS1_VERSION;
    case PROTO_TLS1_1: return TLS1_1_VERSION;
    case PROTO_TLS1_2: return TLS1_2_VERSION;
    case PROTO_TLS1_3: return TLS1_3_VERSION;
    case PROTO_UNSET: return 0;
    }
    return 0;
}

enum proto_version tlsctx_proto_from_ossl(int version)
{
    switch (version) {
    case SSL3_VERSION: return PROTO_SSL3;
    case TLS1_VERSION: return PROTO_TLS1_0;
    case TLS1_1_VERSION: return PROTO_TLS1_1;
    case TLS1_2_VERSION: return PROTO_TLS1_2;
    case TLS1_3_VERSION: return PROTO_TLS1_3;
    }
    return PROTO_UNSET;
}

/* ---- passphrase sources ---------------------------------------------------------------- */

struct pass_data {
    char pass[1024];
    bool have;
    bool asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *userdata)
{
    (void)rwflag;
    struct pass_data *pd = userdata;
    pd->asked = true;
    if (!pd->have || size <= 0)
        return 0; /* never prompt on the terminal */
    size_t n = strlen(pd->pass);
    if (n >= (size_t)size)
        n = (size_t)size - 1;
    memcpy(buf, pd->pass, n);
    return (int)n;
}

/* Puts the passphrase into pd: the typed one (cfg->key_pass_value, kept in memory by the UI)
 * when set, else the one from the source cfg->key_pass ("env:VAR" or "file:PATH"). */
static int pass_resolve(const struct tls_config *cfg, struct pass_data *pd, char *err,
                        size_t errlen)
{
    const char *src = cfg->key_pass;
    if (cfg->key_pass_value) {
        snprintf(pd->pass, sizeof(pd->pass), "%s", cfg->key_pass_value);
        pd->have = true;
        return 0;
    }
    if (!src)
        return 0;
    if (!strncmp(src, "env:", 4)) {
        const char *v = getenv(src + 4);
        if (!v) {
            snprintf(err, errlen, "--pass %s: environment variable %s is not set", src, src + 4);
            return -1;
        }
        snprintf(pd->pass, sizeof(pd->pass), "%s", v);
    } else if (!strncmp(src, "file:", 5)) {
        /* Its first line; a directory, FIFO or device is refused by name, never read as an
         * empty (and so "wrong") passphrase. */
        char *data = NULL, e[600];
        size_t n = 0;
        if (file_read_bounded(src + 5, 64 * 1024, &data, &n, e, sizeof(e)) < 0) {
            if (errno == EISDIR)
                snprintf(err, errlen, "--pass %s: %s is a directory, not a passphrase file", src,
                         src + 5);
            else
                snprintf(err, errlen, "--pass %s: %s", src, e);
            return -1;
        }
        size_t len = strcspn(data, "\r\n");
        if (len >= sizeof(pd->pass))
            len = sizeof(pd->pass) - 1;
        memcpy(pd->pass, data, len);
        pd->pass[len] = '\0';
        OPENSSL_cleanse(data, n);
        free(data);
    } else {
        snprintf(err, errlen,
                 "--pass must be env:VAR or file:PATH; a literal passphrase on the command line "
                 "is visible to every user of this machine (ps, shell history)");
        return -1;
    }
    pd->have = true;
    return 0;
}

static int load_client_cert(SSL_CTX *ctx, const struct tls_config *cfg, char *err, size_t errlen)
{
    char e[512];
    struct pass_data pd = {0};
    int rc = -1;
    if (!cfg->cert_file && !cfg->key_file)
        return 0;
    if (!cfg->cert_file || !cfg->key_file) {
        snprintf(err, errlen, "a client certificate needs both --cert and --key");
        return -1;
    }
    if (pass_resolve(cfg, &pd, err, errlen) < 0)
        goto out;
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
        snprintf(err, errlen, "--cert %s: cannot load a certificate (%s)", cfg->cert_file,
                 ossl_errors(e, sizeof(e)));
        goto out;
    }
    SSL_CTX_set_default_passwd_cb(ctx, pass_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &pd);
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1) {
        ossl_errors(e, sizeof(e));
        if (pd.asked && !pd.have)
            snprintf(err, errlen,
                     "--key %s is encrypted: give its passphrase with --pass env:VAR or --pass "
                     "file:PATH",
                     cfg->key_file);
        else if (pd.asked)
            snprintf(err, errlen, "--key %s: wrong passphrase (%s)", cfg->key_file, e);
        else
            snprintf(err, errlen, "--key %s: cannot load a private key (%s)", cfg->key_file, e);
        goto out;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, errlen, "--key %s does not belong to the certificate in --cert %s",
                 cfg->key_file, cfg->cert_file);
        goto out;
    }
    rc = 0;
out:
    SSL_CTX_set_default_passwd_cb(ctx, NULL);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    OPENSSL_cleanse(&pd, sizeof(pd));
    ERR_clear_error();
    return rc;
}

/* ---- value checks, one per setting the settings table cannot check without OpenSSL ----
 * Each gives the reason alone; tlsctx_build puts the flag in front, the settings table the
 * key (engine_register_validators). */

/* SSL_CTX_set1_groups_list and _sigalgs_list are macros: functions for the table. */
static int set_groups_list(SSL_CTX *ctx, const char *v)
{
    return (int)SSL_CTX_set1_groups_list(ctx, v);
}
static int set_sigalgs_list(SSL_CTX *ctx, const char *v)
{
    return (int)SSL_CTX_set1_sigalgs_list(ctx, v);
}

static int pin_check(const char *p, char *reason, size_t n)
{
    unsigned char out[64];
    if (strncmp(p, "sha256//", 8) != 0 || strlen(p + 8) != 44 ||
        EVP_DecodeBlock(out, (const unsigned char *)p + 8, 44) != 33) {
        snprintf(reason, n,
                 "expected sha256//BASE64, the base64 SHA-256 of a certificate's public key "
                 "(44 characters)");
        return -1;
    }
    return 0;
}

static int ignore_error_check(const char *name, char *reason, size_t n)
{
    if (verify_error_code_from_name(name) >= 0)
        return 0;
    const char *s = verify_error_suggest(name);
    snprintf(reason, n, "unknown verification error%s%s%s", s ? "; did you mean " : "", s ? s : "",
             s ? "?" : "");
    return -1;
}

/* The OpenSSL lists: set on ctx, with the reason when OpenSSL refuses. */
static const struct ossl_list {
    const char *key, *flag, *what;
    size_t offset;
    int (*set)(SSL_CTX *ctx, const char *v);
} ossl_lists[] = {
    {"ciphers", "--ciphers", "OpenSSL matched no cipher suite",
     offsetof(struct tls_config, ciphers), SSL_CTX_set_cipher_list},
    {"ciphersuites", "--ciphersuites", "not a valid TLS 1.3 suite list",
     offsetof(struct tls_config, ciphersuites), SSL_CTX_set_ciphersuites},
    {"groups", "--groups", "unknown group name", offsetof(struct tls_config, groups),
     set_groups_list},
    {"sigalgs", "--sigalgs", "unknown signature algorithm", offsetof(struct tls_config, sigalgs),
     set_sigalgs_list},
};

static int ossl_list_set(SSL_CTX *ctx, const struct ossl_list *l, const char *v, char *reason,
                         size_t n)
{
    char e[400];
    ERR_clear_error();
    if (l->set(ctx, v) == 1)
        return 0;
    snprintf(reason, n, "%s (%s)", l->what, ossl_errors(e, sizeof(e)));
    return -1;
}

/* A validator for list i: a fresh context (no trust store: nothing is verified). */
static int ossl_list_check(size_t i, const char *v, char *reason, size_t n)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(reason, n, "OpenSSL could not create a context to check it");
        return -1;
    }
    int rc = ossl_list_set(ctx, &ossl_lists[i], v, reason, n);
    SSL_CTX_free(ctx);
    return rc;
}

static int check_ciphers(const char *v, char *r, size_t n)
{
    return ossl_list_check(0, v, r, n);
}
static int check_ciphersuites(const char *v, char *r, size_t n)
{
    return ossl_list_check(1, v, r, n);
}
static int check_groups(const char *v, char *r, size_t n)
{
    return ossl_list_check(2, v, r, n);
}
static int check_sigalgs(const char *v, char *r, size_t n)
{
    return ossl_list_check(3, v, r, n);
}

int engine_register_validators(void)
{
    int rc = 0;
    rc |= settings_set_validator("ciphers", check_ciphers);
    rc |= settings_set_validator("ciphersuites", check_ciphersuites);
    rc |= settings_set_validator("groups", check_groups);
    rc |= settings_set_validator("sigalgs", check_sigalgs);
    rc |= settings_set_validator("ignore_errors", ignore_error_check);
    rc |= settings_set_validator("pins", pin_check);
    rc |= settings_set_validator("starttls", preamble_check_starttls); /* issue 12 */
    rc |= settings_set_validator("http", probe_check_http);
    return rc == 0 && settings_validators_ready() ? 0 : -1;
}

static int check_pins(const struct tls_config *cfg, char *err, size_t errlen)
{
    char reason[256];
    for (size_t i = 0; i < cfg->pins.len; i++) {
        if (pin_check(cfg->pins.items[i], reason, sizeof reason) < 0) {
            snprintf(err, errlen, "--pin '%s': %s", cfg->pins.items[i], reason);
            return -1;
        }
    }
    return 0;
}

int tlsctx_ignore_codes(const struct tls_config *cfg, int **codes, size_t *n, char *err,
                        size_t errlen)
{
    *codes = NULL;
    *n = 0;
    if (cfg->ignore_errors.len == 0)
        return 0;
    int *out = xcalloc(cfg->ignore_errors.len, sizeof(int));
    for (size_t i = 0; i < cfg->ignore_errors.len; i++) {
        const char *name = cfg->ignore_errors.items[i];
        int code = verify_error_code_from_name(name);
        if (code < 0) {
            char reason[256];
            ignore_error_check(name, reason, sizeof reason);
            snprintf(err, errlen, "--ignore-error '%s': %s", name, reason);
            free(out);
            return -1;
        }
        out[i] = code;
    }
    *codes = out;
    *n = cfg->ignore_errors.len;
    return 0;
}

static int set_alpn(SSL_CTX *ctx, const struct strlist *alpn, char *err, size_t errlen)
{
    if (alpn->len == 0)
        return 0;
    unsigned char wire[1024];
    size_t used = 0;
    for (size_t i = 0; i < alpn->len; i++) {
        size_t len = strlen(alpn->items[i]);
        if (len == 0 || len > 255 || used + len + 1 > sizeof(wire)) {
            snprintf(err, errlen, "--alpn: protocol name '%s' must be 1-255 bytes", alpn->items[i]);
            return -1;
        }
        wire[used++] = (unsigned char)len;
        memcpy(wire + used, alpn->items[i], len);
        used += len;
    }
    if (SSL_CTX_set_alpn_protos(ctx, wire, (unsigned)used) != 0) {
        snprintf(err, errlen, "--alpn: OpenSSL refused the list");
        return -1;
    }
    return 0;
}

static const char *proto_or_blank(int v)
{
    return v ? proto_name(tlsctx_proto_from_ossl(v)) : "";
}

static void fill_effective(SSL_CTX *ctx, const struct tls_config *cfg, struct effective *eff)
{
    free(eff->min_proto);
    free(eff->max_proto);
    eff->min_proto = xstrdup(proto_or_blank((int)SSL_CTX_get_min_proto_version(ctx)));
    eff->max_proto = xstrdup(proto_or_blank((int)SSL_CTX_get_max_proto_version(ctx)));
    eff->min_proto_source = cfg->min_proto ? "option" : "system";
    eff->max_proto_source = cfg->max_proto ? "option" : "system";
    eff->sec_level = SSL_CTX_get_security_level(ctx);
    eff->sec_level_source = cfg->sec_level >= 0 ? "option" : "system";
    eff->verify = cfg->verify;
    eff->hostname_check = cfg->hostname_check && cfg->verify;
    free(eff->trust);
    if (cfg->ca_file || cfg->ca_path)
        eff->trust =
            xasprintf("%s%s%s", cfg->ca_file ? cfg->ca_file : "",
                      cfg->ca_file && cfg->ca_path ? " + " : "", cfg->ca_path ? cfg->ca_path : "");
    else { /* the paths OpenSSL actually reads: SSL_CERT_FILE / SSL_CERT_DIR override */
        const char *file = getenv(X509_get_default_cert_file_env());
        const char *dir = getenv(X509_get_default_cert_dir_env());
        eff->trust = xasprintf("system store (%s, %s)", file ? file : X509_get_default_cert_file(),
                               dir ? dir : X509_get_default_cert_dir());
    }
    free(eff->openssl_version);
    eff->openssl_version = xstrdup(OpenSSL_version(OPENSSL_VERSION));
    free(eff->openssl_conf);
    const char *env = getenv("OPENSSL_CONF");
    if (env) {
        eff->openssl_conf = xstrdup(env);
    } else {
        char *def = CONF_get1_default_config_file();
        eff->openssl_conf = xstrdup(def);
        OPENSSL_free(def);
    }
    strlist_clear(&eff->weakened);
    config_weakenings(cfg, &eff->weakened);
    if (eff->sec_level == 0 && cfg->sec_level != 0) /* openssl.cnf made it 0 */
        strlist_push(&eff->weakened, CONFIG_WEAK_SECLEVEL0);
}

/* True when dir holds at least one OpenSSL hash link ("1a2b3c4d.0"): certificates there can
 * be looked up one by one while verifying. */
static bool dir_has_hash_links(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *de;
    for (int n = 0; !found && n < 100000 && (de = readdir(d)); n++) {
        const char *s = de->d_name;
        size_t len = strlen(s), i = 0;
        while (i < 8 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            i++;
        found = i == 8 && len >= 10 && s[8] == '.' && s[9] >= '0' && s[9] <= '9';
    }
    closedir(d);
    return found;
}

/* The system's trust store, as OpenSSL's default paths give it, but paid for lazily: a hashed
 * directory (Debian's /etc/ssl/certs) is looked up certificate by certificate while verifying,
 * so a run loads only the CAs its chains need, where OpenSSL parses the bundle file's ~140 CAs
 * at once (30-70 ms on the poll thread). When SSL_CERT_FILE names a file, or the directory has
 * no hash links, the bundle is indexed by subject and decoded CA by CA the same way
 * (trustfile.h); a bundle it cannot index is loaded by OpenSSL. Returns 1 as OpenSSL does. */
static int load_system_store(X509_STORE *s)
{
    const char *file = getenv(X509_get_default_cert_file_env());
    const char *dir = getenv(X509_get_default_cert_dir_env());
    if (!dir)
        dir = X509_get_default_cert_dir();
    if (!file && !strchr(dir, ':') && dir_has_hash_links(dir))
        return X509_STORE_load_path(s, dir);
    /* a bundle: indexed now, each CA decoded when a chain asks for it (trustfile.h); then the
     * directory lookups X509_STORE_set_default_paths adds after its file */
    if (trustfile_add(s, file ? file : X509_get_default_cert_file()) < 0)
        return X509_STORE_set_default_paths(s);
    X509_LOOKUP *lu = X509_STORE_add_lookup(s, X509_LOOKUP_hash_dir());
    if (lu)
        X509_LOOKUP_add_dir(lu, NULL, X509_FILETYPE_DEFAULT);
    lu = X509_STORE_add_lookup(s, X509_LOOKUP_store());
    if (lu)
        X509_LOOKUP_add_store(lu, NULL);
    ERR_clear_error();
    return 1;
}

static int verify_cb(int ok, X509_STORE_CTX *store);
static int cert_cb(SSL *ssl, void *arg);
static int new_session_cb(SSL *ssl, SSL_SESSION *sess);
static void keylog_cb(const SSL *ssl, const char *line);

static SSL_CTX *build(const struct tls_config *cfg, struct effective *eff, X509_STORE *shared,
                      char *err, size_t errlen);

/* A context built to check cfg (engine_check_config): --cafile/--capath are loaded (they can
 * fail), the system's trust store is not — loading it cannot fail, and from a bundle
 * (SSL_CERT_FILE) it costs ~235 M instructions (~30 ms), which every run paid twice: once for
 * this check, once for its first real context. */
SSL_CTX *tlsctx_build(const struct tls_config *cfg, struct effective *eff, char *err, size_t errlen)
{
    return build(cfg, eff, NULL, err, errlen);
}

/* shared: the system's trust store already loaded (the engine's); NULL: none (a check), unless
 * cfg names its own CA file or directory. */
static SSL_CTX *build(const struct tls_config *cfg, struct effective *eff, X509_STORE *shared,
                      char *err, size_t errlen)
{
    char e[512];
    SSL_CTX *ctx = NULL;
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(err, errlen, "OpenSSL could not create a client context: %s",
                 ossl_errors(e, sizeof(e)));
        return NULL;
    }
    if (cfg->min_proto && cfg->max_proto && cfg->min_proto > cfg->max_proto) {
        snprintf(err, errlen, "--min-proto %s is above --max-proto %s", proto_label(cfg->min_proto),
                 proto_label(cfg->max_proto));
        goto fail;
    }
    const struct setting *lvl = setting_find("security_level"); /* the table's range */
    if (cfg->sec_level > lvl->max) {
        snprintf(err, errlen, "--sec-level '%d': out of range, expected %d-%d", cfg->sec_level,
                 lvl->min, lvl->max);
        goto fail;
    }
    if (cfg->sec_level >= 0)
        SSL_CTX_set_security_level(ctx, cfg->sec_level);
    if (cfg->min_proto &&
        !SSL_CTX_set_min_proto_version(ctx, tlsctx_proto_version(cfg->min_proto))) {
        snprintf(err, errlen, "--min-proto %s: not supported by %s", proto_label(cfg->min_proto),
                 OpenSSL_version(OPENSSL_VERSION));
        goto fail;
    }
    if (cfg->max_proto &&
        !SSL_CTX_set_max_proto_version(ctx, tlsctx_proto_version(cfg->max_proto))) {
        snprintf(err, errlen, "--max-proto %s: not supported by %s", proto_label(cfg->max_proto),
                 OpenSSL_version(OPENSSL_VERSION));
        goto fail;
    }
    for (size_t i = 0; i < sizeof(ossl_lists) / sizeof(ossl_lists[0]); i++) {
        const struct ossl_list *l = &ossl_lists[i];
        const char *v = *(char *const *)((const char *)cfg + l->offset);
        char reason[512];
        if (v && ossl_list_set(ctx, l, v, reason, sizeof reason) < 0) {
            snprintf(err, errlen, "%s '%s': %s", l->flag, v, reason);
            goto fail;
        }
    }
    if (set_alpn(ctx, &cfg->alpn, err, errlen) < 0)
        goto fail;
    if (cfg->ca_file || cfg->ca_path) {
        if (SSL_CTX_load_verify_locations(ctx, cfg->ca_file, cfg->ca_path) != 1) {
            snprintf(err, errlen, "%s %s: cannot load trusted certificates (%s)",
                     cfg->ca_file ? "--cafile" : "--capath",
                     cfg->ca_file ? cfg->ca_file : cfg->ca_path, ossl_errors(e, sizeof(e)));
            goto fail;
        }
    } else if (shared) {
        SSL_CTX_set1_cert_store(ctx, shared); /* read only: verification looks certificates up */
    }
    if (load_client_cert(ctx, cfg, err, errlen) < 0)
        goto fail;
    if (check_pins(cfg, err, errlen) < 0)
        goto fail;
    struct config_error ce;
    if (config_timeout_check(cfg->timeout_s, &ce) < 0) {
        snprintf(err, errlen, "--timeout '%g': %s", cfg->timeout_s, ce.reason);
        goto fail;
    }
    /* Sessions are kept by the new-session callback for --reconnect, not in a cache. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    /* The callbacks find their connection through the SSL's app data, so one context serves
     * every connection of a run. */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_cert_cb(ctx, cert_cb, NULL);
    SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
    if (cfg->keylog)
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    if (eff)
        fill_effective(ctx, cfg, eff);
    ERR_clear_error();
    return ctx;
fail:
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return NULL;
}

/* ---- one context per configuration ------------------------------------------------------- */

static void key_file(struct strbuf *sb, const char *tag, const char *path)
{
    struct stat st;
    sb_printf(sb, "%s=%s", tag, path ? path : "");
    /* a file changed on disk (a new CA bundle, a renewed client certificate) is a new key */
    if (path && stat(path, &st) == 0)
        sb_printf(sb, "@%llu:%llu:%lld.%09ld:%lld", (unsigned long long)st.st_dev,
                  (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                  (long long)st.st_size);
    sb_putc(sb, '\x1f');
}

static void key_str(struct strbuf *sb, const char *tag, const char *v)
{
    sb_printf(sb, "%s=%s\x1f", tag, v ? v : "\x1e");
}

static void key_list(struct strbuf *sb, const char *tag, const struct strlist *l)
{
    sb_printf(sb, "%s=", tag);
    for (size_t i = 0; i < l->len; i++)
        sb_printf(sb, "%s\x1d", l->items[i]);
    sb_putc(sb, '\x1f');
}

/* Everything of cfg that goes into the context or its settings in effect; the target, SNI
 * and per-connection extras (OCSP request, reconnect) are set on each SSL instead. */
static char *tlsctx_key(const struct tls_config *cfg)
{
    struct strbuf sb = {0};
    sb_printf(&sb, "p=%d-%d\x1fs=%d\x1fv=%d%d\x1ft=%.9g\x1f", (int)cfg->min_proto,
              (int)cfg->max_proto, cfg->sec_level, cfg->verify, cfg->hostname_check,
              cfg->timeout_s);
    key_str(&sb, "c", cfg->ciphers);
    key_str(&sb, "cs", cfg->ciphersuites);
    key_str(&sb, "g", cfg->groups);
    key_str(&sb, "sa", cfg->sigalgs);
    key_list(&sb, "alpn", &cfg->alpn);
    key_list(&sb, "ign", &cfg->ignore_errors);
    key_list(&sb, "pin", &cfg->pins);
    key_file(&sb, "caf", cfg->ca_file);
    key_file(&sb, "cap", cfg->ca_path);
    key_file(&sb, "cert", cfg->cert_file);
    key_file(&sb, "key", cfg->key_file);
    key_str(&sb, "pass", cfg->key_pass);
    sb_printf(&sb, "typed=%d\x1f", cfg->key_pass_value != NULL);
    key_str(&sb, "keylog", cfg->keylog);
    return sb_take(&sb);
}

SSL_CTX *tlsctx_get(struct engine *e, const struct tls_config *cfg, struct effective *eff,
                    char *err, size_t errlen)
{
    char *key = tlsctx_key(cfg);
    struct engine_ctx *slot = NULL;
    for (size_t i = 0; i < e->n_ctx; i++)
        if (!strcmp(e->ctx[i].key, key))
            slot = &e->ctx[i];
    if (!slot) {
        struct effective built = {0};
        if (!cfg->ca_file && !cfg->ca_path && !e->default_store) {
            e->default_store = X509_STORE_new();
            if (e->default_store && load_system_store(e->default_store) != 1)
                ERR_clear_error(); /* an empty system store still lets us report every error */
        }
        SSL_CTX *ctx =
            build(cfg, &built, cfg->ca_file || cfg->ca_path ? NULL : e->default_store, err, errlen);
        if (!ctx) {
            effective_free(&built);
            free(key);
            return NULL;
        }
        if (e->n_ctx == ENGINE_CTX_MAX) { /* drop the least recently used */
            size_t old = 0;
            for (size_t i = 1; i < e->n_ctx; i++)
                if (e->ctx[i].used < e->ctx[old].used)
                    old = i;
            free(e->ctx[old].key);
            SSL_CTX_free(e->ctx[old].ctx);
            effective_free(&e->ctx[old].eff);
            e->ctx[old] = e->ctx[--e->n_ctx];
        }
        slot = &e->ctx[e->n_ctx++];
        e->built++;
        slot->key = key;
        slot->ctx = ctx;
        slot->eff = built;
        key = NULL;
    }
    free(key);
    slot->used = ++e->clock;
    if (eff)
        effective_copy(eff, &slot->eff);
    SSL_CTX_up_ref(slot->ctx);
    return slot->ctx;
}

void tlsctx_cache_free(struct engine *e)
{
    for (size_t i = 0; i < e->n_ctx; i++) {
        free(e->ctx[i].key);
        SSL_CTX_free(e->ctx[i].ctx);
        effective_free(&e->ctx[i].eff);
    }
    e->n_ctx = 0;
    X509_STORE_free(e->default_store);
    e->default_store = NULL;
}

/* ---- callbacks --------------------------------------------------------------------------- */

static struct conn *conn_of(const SSL *ssl)
{
    return SSL_get_app_data(ssl);
}

static long bio_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl, int ret,
                   size_t *processed)
{
    (void)len, (void)argi, (void)argl;
    struct conn *c = (struct conn *)BIO_get_callback_arg(b);
    if (!c || ret <= 0 || !processed)
        return ret;
    if (oper == (BIO_CB_READ | BIO_CB_RETURN)) {
        c->r->bytes_received += *processed;
        size_t room = FIRST_BYTES_MAX - c->n_first_bytes;
        size_t n = *processed < room ? *processed : room;
        if (c->run == 1 && n) {
            memcpy(c->first_bytes + c->n_first_bytes, argp, n);
            c->n_first_bytes += n;
        }
    } else if (oper == (BIO_CB_WRITE | BIO_CB_RETURN)) {
        c->r->bytes_sent += *processed;
    }
    return ret;
}

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    (void)arg;
    struct conn *c = conn_of(ssl);
    const unsigned char *p = buf;
    if (!c)
        return;
    if (content_type == SSL3_RT_HEADER) {
        if (len >= 1)
            c->hdr_record_type[write_p ? 1 : 0] = p[0];
        return;
    }
    if (content_type != SSL3_RT_HANDSHAKE && content_type != SSL3_RT_ALERT &&
        content_type != SSL3_RT_CHANGE_CIPHER_SPEC)
        return;
    int record_type;
    if (write_p) {
        bool tls13 = SSL_version(ssl) == TLS1_3_VERSION && c->r->n_events > 0;
        bool hello = content_type == SSL3_RT_HANDSHAKE && len >= 1 && p[0] == SSL3_MT_CLIENT_HELLO;
        record_type = tls13 && content_type != SSL3_RT_CHANGE_CIPHER_SPEC && !hello
                          ? SSL3_RT_APPLICATION_DATA
                          : content_type;
    } else {
        record_type = c->hdr_record_type[0] ? c->hdr_record_type[0] : content_type;
    }
    conn_record_message(c, write_p ? DIR_SENT : DIR_RECEIVED, content_type, record_type, version, p,
                        len);
}

static int verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct conn *c = ssl ? conn_of(ssl) : NULL;
    if (ok || !c)
        return 1;
    int code = X509_STORE_CTX_get_error(store);
    int depth = X509_STORE_CTX_get_error_depth(store);
    for (size_t i = 0; i < c->n_verify; i++)
        if (c->verify[i].code == code && c->verify[i].depth == depth)
            return 1;
    if (c->n_verify < VERIFY_RECORDS_MAX) {
        c->verify[c->n_verify].code = code;
        c->verify[c->n_verify].depth = depth;
        c->n_verify++;
    }
    /* Record and continue: the whole chain is examined and every error is reported. */
    return 1;
}

static int cert_cb(SSL *ssl, void *arg)
{
    (void)arg;
    struct conn *c = conn_of(ssl);
    if (!c || c->run != 1)
        return 1;
    c->cert_requested = true;
    c->r->client_cert_requested = true;
    strlist_clear(&c->r->client_ca_names);
    strlist_clear(&c->r->client_sigalgs);
    STACK_OF(X509_NAME) *names = SSL_get_client_CA_list(ssl);
    for (int i = 0; names && i < sk_X509_NAME_num(names) && i < 256; i++)
        strlist_take(&c->r->client_ca_names, certinfo_name(sk_X509_NAME_value(names, i)));
    int n = SSL_get_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL);
    for (int i = 0; i < n && i < 128; i++) {
        unsigned char rsig = 0, rhash = 0;
        SSL_get_sigalgs(ssl, i, NULL, NULL, NULL, &rsig, &rhash);
        char buf[32];
        strlist_push(&c->r->client_sigalgs,
                     wire_sigalg_name((uint16_t)((rhash << 8) | rsig), buf, sizeof(buf)));
    }
    return 1;
}

static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
    struct conn *c = conn_of(ssl);
    if (!c)
        return 0;
    if (c->run != 1)
        return 0; /* only the first connection's session is kept */
    if (c->session)
        SSL_SESSION_free(c->session);
    c->session = sess;
    c->tickets_seen++;
    return 1; /* we keep the reference */
}

/* A key log line that cannot be written (ENOSPC, EFBIG, EIO) is the run's error: the person
 * asked for the keys and would otherwise find an incomplete file (front ends: docs). */
static void keylog_cb(const SSL *ssl, const char *line)
{
    struct conn *c = conn_of(ssl);
    if (!c || !c->keylog)
        return;
    char *text = xasprintf("%s\n", line);
    /* One write per line, straight to the fd (no stdio buffer to lose keys in). */
    int rc = file_write_fd(fileno(c->keylog), c->cfg.keylog, text, strlen(text), NULL, 0);
    int e = errno;
    free(text);
    if (rc < 0)
        report_set_error(
            c->r, STAGE_INTERNAL, "make room on its file system, or choose another --keylog file",
            "--keylog %s: cannot write the session keys: %s", c->cfg.keylog, strerror(e));
}

int tlsctx_new_ssl(struct conn *c, char *err, size_t errlen)
{
    char e[512];
    SSL *ssl = SSL_new(c->ctx);
    if (!ssl) {
        snprintf(err, errlen, "OpenSSL could not create a connection: %s",
                 ossl_errors(e, sizeof(e)));
        return -1;
    }
    SSL_set_app_data(ssl, c);
    BIO *bio = sockbio_new(c->fd);
    if (!bio) {
        SSL_free(ssl);
        snprintf(err, errlen, "OpenSSL could not wrap the socket: %s", ossl_errors(e, sizeof(e)));
        return -1;
    }
    BIO_set_callback_ex(bio, bio_cb);
    BIO_set_callback_arg(bio, (char *)c);
    SSL_set_bio(ssl, bio, bio);
    SSL_set_msg_callback(ssl, msg_cb);
    SSL_set_connect_state(ssl);

    const char *sni = config_sni(&c->cfg);
    if (sni && SSL_set_tlsext_host_name(ssl, sni) != 1) {
        snprintf(err, errlen, "--sni '%s': not a usable server name", sni);
        SSL_free(ssl);
        return -1;
    }
    if (c->cfg.verify && c->cfg.hostname_check) {
        const char *name = sni ? sni : c->cfg.host;
        X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
        int ok;
        if (host_is_ip_literal(name)) {
            ok = X509_VERIFY_PARAM_set1_ip_asc(param, name);
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            ok = X509_VERIFY_PARAM_set1_host(param, name, 0);
        }
        if (ok != 1) {
            snprintf(err, errlen, "cannot check the name '%s' against certificates", name);
            SSL_free(ssl);
            return -1;
        }
    }
    if (c->cfg.ocsp || c->cfg.ocsp_required)
        SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
    /* issue 13: --ct asks for SCTs in the handshake; our own list judges them, never fails it */
    if (c->cfg.ct && SSL_enable_ct(ssl, SSL_CT_VALIDATION_PERMISSIVE) != 1) {
        snprintf(err, errlen, "--ct: OpenSSL cannot ask for SCTs");
        SSL_free(ssl);
        return -1;
    }
    if (c->run == 2 && c->session)
        SSL_set_session(ssl, c->session);
    c->ssl = ssl;
    c->bio = bio;
    return 0;
}
