/* issue 13: SCTs from the certificate, the TLS extension and the OCSP staple (see ct.h). */
#include "engine/ct.h"

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fsutil.h"
#include "util/mem.h"

#define CT_LIST_OLD_DAYS 180 /* an older list says its age beside its states */
#include "util/strlist.h"
#include "util/timeutil.h"

#define CT_LOGS_MAX 512

struct ct_log {
    unsigned char id[32];
    char *name, *op, *state;
};

struct ct_list {
    struct ct_log logs[CT_LOGS_MAX];
    size_t n;
    CTLOG_STORE *store; /* OpenSSL's view of the same file, for SCT_validate */
};

static char *conf_str(CONF *conf, const char *section, const char *key)
{
    const char *v = NCONF_get_string(conf, section, key);
    ERR_clear_error();
    return v ? xstrdup(v) : NULL;
}

/* Reads the list; fills desc ("FILE (list of DATE, N logs)" or why not). */
static void list_load(struct ct_list *l, const char *path, time_t now, char **desc)
{
    CONF *conf = NCONF_new(NULL);
    long eline = 0;
    memset(l, 0, sizeof(*l));
    if (!conf || NCONF_load(conf, path, &eline) <= 0) {
        *desc = eline > 0
                    ? xasprintf("%s:%ld: not a CT log list (OpenSSL config syntax)", path, eline)
                    : xasprintf("%s: cannot be read", path);
        NCONF_free(conf);
        ERR_clear_error();
        return;
    }
    char *date = conf_str(conf, NULL, "list_date"), *enabled = conf_str(conf, NULL, "enabled_logs");
    struct strlist names = {0};
    strlist_split(&names, enabled ? enabled : "", ",");
    for (size_t i = 0; i < names.len && l->n < CT_LOGS_MAX; i++) {
        const char *sec = names.items[i];
        char *key = conf_str(conf, sec, "key");
        unsigned char der[1024];
        int n = key && strlen(key) < 1300
                    ? EVP_DecodeBlock(der, (unsigned char *)key, (int)strlen(key))
                    : -1;
        size_t pad =
            key && n > 0 ? (key[strlen(key) - 1] == '=') + (key[strlen(key) - 2] == '=') : 0;
        unsigned int len = 0;
        if (n > 0 && EVP_Digest(der, (size_t)n - pad, l->logs[l->n].id, &len, EVP_sha256(), NULL)) {
            struct ct_log *g = &l->logs[l->n++];
            g->name = conf_str(conf, sec, "description");
            g->op = conf_str(conf, sec, "operator");
            g->state = conf_str(conf, sec, "state");
            if (!g->name)
                g->name = xstrdup(sec);
        }
        free(key);
    }
    strlist_free(&names);
    NCONF_free(conf);
    l->store = CTLOG_STORE_new();
    if (l->store && CTLOG_STORE_load_file(l->store, path) != 1) {
        CTLOG_STORE_free(l->store);
        l->store = NULL;
    }
    /* States are the list's as of its date: an old list says how old, so a "usable" from two
     * years ago is not read as today's. */
    struct tm tm = {0};
    char age[120] = "";
    const char *end = date ? strptime(date, "%Y-%m-%d", &tm) : NULL;
    if (end && !*end) {
        long days = (long)((now - timegm(&tm)) / 86400);
        if (days > CT_LIST_OLD_DAYS)
            snprintf(age, sizeof age,
                     "; %ld days old: the logs' states may have changed, update the file", days);
    }
    *desc = xasprintf("%s (list of %s, %zu logs%s)", path, date ? date : "unknown date", l->n, age);
    free(date);
    free(enabled);
    ERR_clear_error();
}

static void list_free(struct ct_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->logs[i].name);
        free(l->logs[i].op);
        free(l->logs[i].state);
    }
    CTLOG_STORE_free(l->store);
}

static const struct ct_log *list_find(const struct ct_list *l, const unsigned char *id, size_t n)
{
    for (size_t i = 0; n == 32 && i < l->n; i++)
        if (!memcmp(l->logs[i].id, id, 32))
            return &l->logs[i];
    return NULL;
}

static void add_sct(struct report *r, const struct ct_list *l, SCT *sct, const char *source,
                    CT_POLICY_EVAL_CTX *ctx)
{
    if (r->n_scts >= CT_SCTS_MAX)
        return;
    r->scts = xrealloc(r->scts, (r->n_scts + 1) * sizeof(*r->scts));
    struct sct_info *s = &r->scts[r->n_scts++];
    memset(s, 0, sizeof(*s));
    s->source = source;
    unsigned char *id = NULL;
    size_t n = SCT_get0_log_id(sct, &id);
    s->log_id = xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)s->log_id, id, (int)n);
    const struct ct_log *g = list_find(l, id, n);
    if (g) {
        s->log_name = xstrdup(g->name);
        s->log_operator = g->op ? xstrdup(g->op) : NULL;
    }
    time_t t = (time_t)(SCT_get_timestamp(sct) / 1000);
    iso8601_utc(t, s->timestamp, sizeof s->timestamp);
    int nid = SCT_get_signature_nid(sct);
    s->sig_alg = xstrdup(nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
    s->verified = TRI_NA;
    if (g && ctx) {
        SCT_validate(sct, ctx);
        int st = SCT_get_validation_status(sct);
        s->verified = st == SCT_VALIDATION_STATUS_VALID     ? TRI_YES
                      : st == SCT_VALIDATION_STATUS_INVALID ? TRI_NO
                                                            : TRI_NA;
    }
    ERR_clear_error();
}

static void add_list(struct report *r, const struct ct_list *l, const STACK_OF(SCT) * list,
                     sct_source_t src, const char *name, CT_POLICY_EVAL_CTX *ctx)
{
    for (int i = 0; list && i < sk_SCT_num(list); i++) {
        SCT *sct = sk_SCT_value(list, i);
        if (src != SCT_SOURCE_UNKNOWN && SCT_get_source(sct) != src &&
            SCT_set_source(sct, src) != 1)
            continue;
        add_sct(r, l, sct, name, ctx);
    }
}

void ct_collect(struct report *r, const char *path, X509 *leaf, X509 *issuer,
                const STACK_OF(SCT) * tls, const unsigned char *ocsp, size_t ocsp_len, time_t now)
{
    if (!leaf)
        return;
    STACK_OF(SCT) *emb = X509_get_ext_d2i(leaf, NID_ct_precert_scts, NULL, NULL);
    STACK_OF(SCT) *stapled = NULL;
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *bs = NULL;
    if (ocsp && ocsp_len) {
        const unsigned char *p = ocsp;
        resp = d2i_OCSP_RESPONSE(NULL, &p, (long)ocsp_len);
        bs = resp ? OCSP_response_get1_basic(resp) : NULL;
        OCSP_SINGLERESP *single = bs && OCSP_resp_count(bs) > 0 ? OCSP_resp_get0(bs, 0) : NULL;
        stapled =
            single ? OCSP_SINGLERESP_get1_ext_d2i(single, NID_ct_cert_scts, NULL, NULL) : NULL;
    }
    ERR_clear_error();
    bool any =
        (emb && sk_SCT_num(emb)) || (tls && sk_SCT_num(tls)) || (stapled && sk_SCT_num(stapled));
    if (any) {
        char *def = NULL;
        if (!path) {
            char *dir = datadir_find("data");
            def = xasprintf("%s/ct_logs.cnf", dir);
            free(dir);
        }
        struct ct_list *l = xcalloc(1, sizeof(*l));
        free(r->ct_log_list);
        list_load(l, path ? path : def, now, &r->ct_log_list);
        CT_POLICY_EVAL_CTX *ctx = l->store ? CT_POLICY_EVAL_CTX_new() : NULL;
        if (ctx) {
            CT_POLICY_EVAL_CTX_set1_cert(ctx, leaf);
            if (issuer)
                CT_POLICY_EVAL_CTX_set1_issuer(ctx, issuer);
            CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(ctx, l->store);
            CT_POLICY_EVAL_CTX_set_time(ctx, (uint64_t)now * 1000 + 1000);
        }
        add_list(r, l, emb, SCT_SOURCE_X509V3_EXTENSION, "certificate", ctx);
        add_list(r, l, tls, SCT_SOURCE_UNKNOWN, "tls_extension", ctx);
        add_list(r, l, stapled, SCT_SOURCE_OCSP_STAPLED_RESPONSE, "ocsp", ctx);
        CT_POLICY_EVAL_CTX_free(ctx);
        list_free(l);
        free(l);
        free(def);
    }
    SCT_LIST_free(emb);
    SCT_LIST_free(stapled);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
}
