/* Comparing two reports through their JSON form: one table of facts, each turned into short
 * text (and, for set-like facts, a list of members) per document, then compared (render/diff.c
 * shows the result).
 * Timing counts as changed only when total_ms differs by more than 20 % of A's value and by
 * more than 2 ms: anything less is the noise of two runs against the same server. */
#include "compare/diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/json.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define DIFF_SET_MAX      512  /* members compared per set: bounds the quadratic matching */
#define DIFF_TIMING_MS    2.0  /* timing: an absolute difference above this ... */
#define DIFF_TIMING_RATIO 0.20 /* ... and above this share of A's value is a change */

/* Members of a set-like fact: keys decide identity, texts are what people see. At most
 * DIFF_SET_MAX are read; total is how many the document holds (its true count). */
struct members {
    struct strlist keys, texts;
    size_t total;
};

/* Records the true size of the array a set fact reads. */
static void members_total(struct members *m, json_t *arr)
{
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    if (n > m->total)
        m->total = n;
}

struct fact_def {
    const char *fact, *label;
    /* Scalar text of the fact in doc (new string), or NULL for a pure set fact, whose text
     * is the member count with noun ("2 errors"). */
    char *(*value)(json_t *doc);
    void (*members)(json_t *doc, struct members *out); /* NULL for scalar facts */
    const char *noun;                                  /* singular; plural adds "s" */
    bool timing;                                       /* compare with the thresholds above */
};

/* ---- reading the document -------------------------------------------------------------- */

/* doc["a"]["b"]... for a dotted path; NULL when a step is missing or not an object. */
static json_t *jget(json_t *doc, const char *path)
{
    json_t *cur = doc;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[32];
        if (n >= sizeof(key) || !json_is_object(cur))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        cur = json_object_get(cur, key);
        p += n + (dot ? 1 : 0);
    }
    return cur;
}

static const char *jstr_at(json_t *doc, const char *path)
{
    return json_string_value(jget(doc, path)); /* NULL unless a string */
}

/* A copy of the string at path, or "" when it is absent or not a string. */
static char *jdup_at(json_t *doc, const char *path)
{
    const char *s = jstr_at(doc, path);
    return xstrdup(s ? s : "");
}

/* The items of the string array at path joined with ", " ("" when none). */
static char *jjoin_at(json_t *doc, const char *path)
{
    json_t *a = jget(doc, path), *v;
    size_t i;
    struct strbuf sb = {0};
    if (json_is_array(a)) {
        json_array_foreach(a, i, v)
        {
            if (!json_is_string(v))
                continue;
            if (sb.len)
                sb_puts(&sb, ", ");
            sb_puts(&sb, json_string_value(v));
        }
    }
    return sb_take(&sb);
}

static void members_add(struct members *m, const char *key, char *text)
{
    strlist_push(&m->keys, key ? key : text);
    strlist_take(&m->texts, text);
}

static void members_free(struct members *m)
{
    strlist_free(&m->keys);
    strlist_free(&m->texts);
}

/* ---- scalar facts ------------------------------------------------------------------------ */

static char *fact_target(json_t *doc)
{
    const char *host = jstr_at(doc, "target.host"), *addr = jstr_at(doc, "target.address");
    json_t *port = jget(doc, "target.port");
    struct strbuf sb = {0};
    if (host)
        sb_printf(&sb, strchr(host, ':') ? "[%s]" : "%s", host);
    if (json_is_integer(port))
        sb_printf(&sb, ":%lld", (long long)json_integer_value(port));
    if (addr && (!host || strcmp(addr, host)))
        sb_printf(&sb, " (%s)", addr);
    return sb_take(&sb);
}

static char *fact_sni(json_t *doc)
{
    return jdup_at(doc, "target.sni");
}

static char *fact_protocol(json_t *doc)
{
    return jdup_at(doc, "protocol");
}

static char *fact_cipher(json_t *doc)
{
    const char *iana = jstr_at(doc, "cipher.iana"), *name = jstr_at(doc, "cipher.name");
    if (iana && name && strcmp(iana, name))
        return xasprintf("%s (%s)", iana, name);
    return xstrdup(iana ? iana : name ? name : "");
}

static char *fact_group(json_t *doc)
{
    return jdup_at(doc, "group");
}

static char *fact_peer_key(json_t *doc)
{
    const char *type = jstr_at(doc, "peer_temp_key.type");
    json_t *bits = jget(doc, "peer_temp_key.bits");
    if (!type)
        return xstrdup("");
    if (json_is_integer(bits) && json_integer_value(bits) > 0)
        return xasprintf("%s, %lld bits", type, (long long)json_integer_value(bits));
    return xstrdup(type);
}

static char *fact_signature(json_t *doc)
{
    const char *scheme = jstr_at(doc, "signature.scheme");
    const char *type = jstr_at(doc, "signature.type"), *digest = jstr_at(doc, "signature.digest");
    if (scheme)
        return xstrdup(scheme);
    if (type && digest)
        return xasprintf("%s %s", type, digest);
    return xstrdup(type ? type : digest ? digest : "");
}

static char *fact_alpn(json_t *doc)
{
    return jdup_at(doc, "alpn");
}

static char *fact_session(json_t *doc)
{
    json_t *resumed = jget(doc, "session.resumed_on_reconnect");
    json_t *tickets = jget(doc, "session.tickets");
    struct strbuf sb = {0};
    if (json_is_boolean(resumed))
        sb_puts(&sb, json_is_true(resumed) ? "resumed on reconnect" : "not resumed on reconnect");
    if (json_is_integer(tickets)) {
        long long n = (long long)json_integer_value(tickets);
        if (sb.len)
            sb_puts(&sb, ", ");
        if (n == 0)
            sb_puts(&sb, "no tickets");
        else
            sb_printf(&sb, "%lld ticket%s", n, n == 1 ? "" : "s");
    }
    return sb_take(&sb);
}

static char *fact_ocsp(json_t *doc)
{
    json_t *ocsp = jget(doc, "ocsp");
    if (!json_is_object(ocsp))
        return xstrdup(""); /* not requested */
    if (!json_is_true(json_object_get(ocsp, "stapled")))
        return xstrdup("no staple");
    const char *status = json_string_value(json_object_get(ocsp, "status"));
    return xstrdup(status ? status : "unreadable staple");
}

static char *fact_verify_ok(json_t *doc)
{
    json_t *ok = jget(doc, "verify.ok");
    return xstrdup(!json_is_boolean(ok) ? "" : json_is_true(ok) ? "yes" : "no");
}

static char *fact_hostname(json_t *doc)
{
    json_t *checked = jget(doc, "verify.hostname.checked");
    json_t *match = jget(doc, "verify.hostname.match");
    const char *matched = jstr_at(doc, "verify.hostname.matched_name");
    if (!json_is_true(checked))
        return xstrdup(json_is_boolean(checked) ? "not checked" : "");
    if (!json_is_true(match))
        return xstrdup("no match");
    return matched ? xasprintf("matched %s", matched) : xstrdup("matched");
}

static char *fact_offered_versions(json_t *doc)
{
    return jjoin_at(doc, "offered.versions");
}

static char *fact_offered_ciphers(json_t *doc)
{
    json_t *a = jget(doc, "offered.ciphers");
    if (!json_is_array(a))
        return xstrdup("");
    size_t n = json_array_size(a);
    return xasprintf("%zu suite%s", n, n == 1 ? "" : "s");
}

static char *fact_offered_groups(json_t *doc)
{
    return jjoin_at(doc, "offered.groups");
}

/* "min TLSv1.2, max default, level 2, verify on": the weakened phrases are members. */
static char *fact_settings(json_t *doc)
{
    const char *min = jstr_at(doc, "settings.min_protocol.value");
    const char *max = jstr_at(doc, "settings.max_protocol.value");
    json_t *level = jget(doc, "settings.security_level.value");
    json_t *verify = jget(doc, "settings.verify");
    struct strbuf sb = {0};
    sb_printf(&sb, "min %s, max %s, level ", min ? min : "default", max ? max : "default");
    if (json_is_integer(level))
        sb_printf(&sb, "%lld", (long long)json_integer_value(level));
    else
        sb_puts(&sb, "default");
    sb_printf(&sb, ", verify %s", json_is_false(verify) ? "off" : "on");
    return sb_take(&sb);
}

static char *fact_timing(json_t *doc)
{
    json_t *ms = jget(doc, "timing.total_ms");
    return json_is_number(ms) ? xasprintf("%.1f ms", json_number_value(ms)) : xstrdup("");
}

static char *fact_error(json_t *doc)
{
    const char *stage = jstr_at(doc, "error.stage"), *msg = jstr_at(doc, "error.message");
    if (!stage && !msg)
        return xstrdup("");
    if (stage && msg)
        return xasprintf("%s: %s", stage, msg);
    return xstrdup(stage ? stage : msg);
}

/* issue 12: the STARTTLS dialogue ("smtp", "smtp, failed: refused", "none") and the HTTP
 * probe ("200, HSTS max-age 31536000", "not sent", "" without --http). */
static char *fact_starttls(json_t *doc)
{
    const char *proto = jstr_at(doc, "starttls.protocol");
    if (!proto)
        return xstrdup("none");
    const char *failure = jstr_at(doc, "starttls.failure");
    json_t *vuln = jget(doc, "starttls.injection.vulnerable");
    return xasprintf("%s%s%s%s", proto, failure ? ", failed: " : "", failure ? failure : "",
                     json_is_true(vuln) ? ", injection: vulnerable" : "");
}

static char *fact_http(json_t *doc)
{
    json_t *h = jget(doc, "http");
    if (!json_is_object(h))
        return xstrdup("");
    if (!json_is_true(json_object_get(h, "sent")))
        return xstrdup("not sent");
    json_t *status = json_object_get(h, "status"), *hsts = json_object_get(h, "hsts");
    struct strbuf sb = {0};
    if (json_is_integer(status))
        sb_printf(&sb, "%lld", (long long)json_integer_value(status));
    else
        sb_puts(&sb, "no answer");
    json_t *age = json_object_get(hsts, "max_age");
    if (!json_is_object(hsts))
        sb_puts(&sb, ", no HSTS");
    else if (json_is_integer(age))
        sb_printf(&sb, ", HSTS max-age %lld", (long long)json_integer_value(age));
    else
        sb_puts(&sb, ", HSTS malformed");
    return sb_take(&sb);
}

/* ---- set facts ----------------------------------------------------------------------------- */

/* Each object of the array at path, at most DIFF_SET_MAX of them. */
#define FOREACH_BOUNDED(arr, i, v)                                                                 \
    for ((i) = 0; json_is_array(arr) && (i) < json_array_size(arr) && (i) < DIFF_SET_MAX &&        \
                  ((v) = json_array_get((arr), (i))) != NULL;                                      \
         (i)++)

static void set_verify_errors(json_t *doc, struct members *out)
{
    json_t *a = jget(doc, "verify.errors"), *e;
    size_t i;
    members_total(out, a);
    FOREACH_BOUNDED(a, i, e)
    {
        json_t *depth = json_object_get(e, "depth");
        const char *name = json_string_value(json_object_get(e, "name"));
        bool ignored = json_is_true(json_object_get(e, "ignored"));
        struct strbuf sb = {0};
        if (json_is_integer(depth))
            sb_printf(&sb, "depth %lld ", (long long)json_integer_value(depth));
        sb_puts(&sb, name ? name : "(unnamed error)");
        if (ignored)
            sb_puts(&sb, " (ignored)");
        members_add(out, NULL, sb_take(&sb));
    }
}

/* "SUBJECT [AA:BB:CC:DD]": the subject and the first four bytes of the SHA-256 fingerprint.
 * total_path names the report's own true count (a report keeps at most 64 certificates). */
static void set_chain(json_t *doc, const char *path, const char *total_path, struct members *out)
{
    json_t *a = jget(doc, path), *c, *total = jget(doc, total_path);
    size_t i;
    members_total(out, a);
    if (json_is_integer(total) && json_integer_value(total) > (json_int_t)out->total)
        out->total = (size_t)json_integer_value(total);
    FOREACH_BOUNDED(a, i, c)
    {
        const char *subject = json_string_value(json_object_get(c, "subject"));
        const char *sha = json_string_value(json_object_get(c, "sha256"));
        char *text = sha ? xasprintf("%s [%.11s]", subject ? subject : "(no subject)", sha)
                         : xstrdup(subject ? subject : "(no subject)");
        members_add(out, NULL, text);
    }
}

static void set_chain_sent(json_t *doc, struct members *out)
{
    set_chain(doc, "chain.sent", "chain.sent_total", out);
}

static void set_chain_verified(json_t *doc, struct members *out)
{
    set_chain(doc, "chain.verified", "chain.verified_total", out);
}

static void set_strings(json_t *doc, const char *path, struct members *out)
{
    json_t *a = jget(doc, path), *v;
    size_t i;
    members_total(out, a);
    FOREACH_BOUNDED(a, i, v)
    {
        if (json_is_string(v))
            members_add(out, NULL, xstrdup(json_string_value(v)));
    }
}

static void set_chain_issues(json_t *doc, struct members *out)
{
    set_strings(doc, "chain.issues", out);
}

static void set_weakened(json_t *doc, struct members *out)
{
    set_strings(doc, "settings.weakened", out);
}

/* Findings are the same when id and severity are: a reworded title is not a change. */
static void set_findings(json_t *doc, struct members *out)
{
    json_t *a = jget(doc, "findings"), *f;
    size_t i;
    members_total(out, a);
    FOREACH_BOUNDED(a, i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *title = json_string_value(json_object_get(f, "title"));
        char *key = xasprintf("%s\t%s", id ? id : "", sev ? sev : "");
        members_add(out, key, xasprintf("%s  %s", sev ? sev : "?", title ? title : id ? id : ""));
        free(key);
    }
}

/* The facts in the order they are compared and shown. */
static const struct fact_def diff_facts[] = {
    {"target", "target", fact_target, NULL, NULL, false},
    {"sni", "sni", fact_sni, NULL, NULL, false},
    {"starttls", "starttls", fact_starttls, NULL, NULL, false},
    {"protocol", "protocol", fact_protocol, NULL, NULL, false},
    {"cipher", "cipher", fact_cipher, NULL, NULL, false},
    {"group", "group", fact_group, NULL, NULL, false},
    {"peer_temp_key", "peer temp key", fact_peer_key, NULL, NULL, false},
    {"signature", "signature", fact_signature, NULL, NULL, false},
    {"alpn", "alpn", fact_alpn, NULL, NULL, false},
    {"session", "session", fact_session, NULL, NULL, false},
    {"ocsp", "ocsp", fact_ocsp, NULL, NULL, false},
    {"verify_ok", "verified", fact_verify_ok, NULL, NULL, false},
    {"verify_errors", "verification errors", NULL, set_verify_errors, "error", false},
    {"hostname", "hostname match", fact_hostname, NULL, NULL, false},
    {"chain_sent", "chain sent", NULL, set_chain_sent, "certificate", false},
    {"chain_verified", "chain verified", NULL, set_chain_verified, "certificate", false},
    {"chain_issues", "chain issues", NULL, set_chain_issues, "issue", false},
    {"findings", "findings", NULL, set_findings, "finding", false},
    {"http", "http", fact_http, NULL, NULL, false},
    {"offered_versions", "offered versions", fact_offered_versions, NULL, NULL, false},
    {"offered_cipher_count", "offered ciphers", fact_offered_ciphers, NULL, NULL, false},
    {"offered_groups", "offered groups", fact_offered_groups, NULL, NULL, false},
    {"settings", "settings", fact_settings, set_weakened, NULL, false},
    {"timing", "timing", fact_timing, NULL, NULL, true},
    {"error", "error", fact_error, NULL, NULL, false},
};
#define N_FACTS (sizeof(diff_facts) / sizeof(diff_facts[0]))

/* ---- comparing ---------------------------------------------------------------------------- */

/* "2 certificates", "none"; "101 certificates (first 64 kept)" when the set holds more than
 * were read (the report's own bound, or DIFF_SET_MAX). */
static char *count_text(const struct members *m, const char *noun)
{
    size_t n = m->total > m->texts.len ? m->total : m->texts.len;
    if (n == 0)
        return xstrdup("none");
    if (n > m->texts.len)
        return xasprintf("%zu %s%s (first %zu compared)", n, noun, n == 1 ? "" : "s", m->texts.len);
    return xasprintf("%zu %s%s", n, noun, n == 1 ? "" : "s");
}

/* Multiset difference by key: texts of `of` whose key has no partner left in `in`. */
static void members_missing(const struct members *of, const struct members *in, struct strlist *out)
{
    bool *used = xcalloc(in->keys.len + 1, sizeof(*used));
    for (size_t i = 0; i < of->keys.len; i++) {
        bool found = false;
        for (size_t j = 0; j < in->keys.len && !found; j++) {
            if (!used[j] && !strcmp(of->keys.items[i], in->keys.items[j]))
                used[j] = found = true;
        }
        if (!found)
            strlist_push(out, of->texts.items[i]);
    }
    free(used);
}

static double timing_abs(double v)
{
    return v < 0 ? -v : v;
}

static bool timing_changed(json_t *a, json_t *b)
{
    json_t *ta = jget(a, "timing.total_ms"), *tb = jget(b, "timing.total_ms");
    if (!json_is_number(ta) || !json_is_number(tb))
        return json_is_number(ta) != json_is_number(tb);
    double va = json_number_value(ta), d = timing_abs(json_number_value(tb) - va);
    return d > DIFF_TIMING_MS && d > DIFF_TIMING_RATIO * timing_abs(va);
}

static void diff_fact(const struct fact_def *f, json_t *a, json_t *b, struct diff_item *it)
{
    it->fact = f->fact;
    it->label = f->label;
    if (f->members) {
        struct members ma = {0}, mb = {0};
        f->members(a, &ma);
        f->members(b, &mb);
        members_missing(&mb, &ma, &it->added);
        members_missing(&ma, &mb, &it->removed);
        it->truncated = ma.total > ma.texts.len || mb.total > mb.texts.len;
        if (!f->value) {
            it->old_value = count_text(&ma, f->noun);
            it->new_value = count_text(&mb, f->noun);
        }
        members_free(&ma);
        members_free(&mb);
    }
    if (f->value) {
        it->old_value = f->value(a);
        it->new_value = f->value(b);
    }
    if (f->timing)
        it->changed = timing_changed(a, b);
    else
        it->changed = strcmp(it->old_value, it->new_value) || it->added.len || it->removed.len;
}

/* Parses one document and checks that it is a tlscope report of the format we read. */
static json_t *diff_load(const char *text, const char *name, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        snprintf(err, errlen, "%s: not JSON: %s (line %d, column %d)", name, je.text, je.line,
                 je.column);
        return NULL;
    }
    json_t *version = json_object_get(doc, "version"); /* NULL unless doc is an object */
    if (!version || !json_object_get(doc, "tool")) {
        snprintf(err, errlen,
                 "%s: not a tlscope report (no \"version\" and \"tool\" keys; make one with "
                 "tlscope --json HOST > FILE)",
                 name);
        json_decref(doc);
        return NULL;
    }
    if (!json_is_integer(version) || json_integer_value(version) != JSON_FORMAT_VERSION) {
        char v[32] = "that is not a number";
        if (json_is_integer(version))
            snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(version));
        snprintf(err, errlen, "%s: tlscope JSON format version %s; this tlscope reads version %d",
                 name, v, JSON_FORMAT_VERSION);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

int diff_json(const char *a, const char *b, struct diff *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    json_t *ja = diff_load(a, "A", err, errlen);
    if (!ja)
        return -1;
    json_t *jb = diff_load(b, "B", err, errlen);
    if (!jb) {
        json_decref(ja);
        return -1;
    }
    out->items = xcalloc(N_FACTS, sizeof(*out->items));
    out->n = N_FACTS;
    for (size_t i = 0; i < N_FACTS; i++) {
        diff_fact(&diff_facts[i], ja, jb, &out->items[i]);
        out->n_changed += out->items[i].changed;
    }
    json_decref(ja);
    json_decref(jb);
    return 0;
}

int diff_reports(const struct report *a, const struct report *b, struct diff *out)
{
    char *ja = json_render_report(a, false), *jb = json_render_report(b, false);
    char err[256];
    int rc = diff_json(ja, jb, out, err, sizeof(err));
    free(ja);
    free(jb);
    return rc;
}
