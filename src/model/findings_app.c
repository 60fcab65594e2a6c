/* Findings of the probe stage (issue 12): the STARTTLS command injection check and the HTTP
 * probe's Strict-Transport-Security header. See findings.h for the ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/findings_internal.h"
#include "util/mem.h"

#define HSTS_MIN_DAYS 180

static void injection(struct report *r)
{
    const struct starttls_report *s = &r->starttls;
    if (!s->injection_checked || !s->injection_vulnerable)
        return;
    report_add_finding(
        r, "starttls_injection", SEV_HIGH,
        xasprintf("%s STARTTLS command injection (CVE-2011-0411 class)",
                  s->protocol ? s->protocol : "STARTTLS"),
        xasprintf("We sent \"%s\" in the same packet as the STARTTLS command; the server "
                  "answered it inside TLS (\"%s\"). It keeps plaintext received before the "
                  "handshake and runs it as if it came over TLS: a man in the middle can inject "
                  "commands into the protected session. The transcript shows the exchange.",
                  s->injected ? s->injected : "?", s->injection_answer ? s->injection_answer : ""),
        xstrdup("Update the server software: after STARTTLS it must discard any input buffered "
                "before the handshake (Postfix 2.8.4+, and the fixes of CVE-2011-0411 and its "
                "siblings in other servers)."));
}

static void hsts(struct report *r)
{
    const struct http_report *h = &r->http;
    if (!h->sent || !h->status)
        return;
    if (!h->hsts) {
        report_add_finding(
            r, "hsts_missing", SEV_MEDIUM, xstrdup("no Strict-Transport-Security header"),
            xasprintf("The answer (%s) sets no HSTS: a browser that is sent to the http:// "
                      "address first can be kept on plain HTTP by an attacker (SSL stripping).",
                      h->status_line ? h->status_line : "?"),
            xstrdup("Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on "
                    "every HTTPS answer (nginx: add_header ... always; Apache: Header always "
                    "set ...)."));
        return;
    }
    if (h->hsts_problem) {
        report_add_finding(r, "hsts_malformed", SEV_MEDIUM,
                           xstrdup("malformed Strict-Transport-Security header"),
                           xasprintf("\"%s\": %s. Browsers ignore an invalid header, so the site "
                                     "has no HSTS.",
                                     h->hsts, h->hsts_problem),
                           xstrdup("Send exactly one header of the form `max-age=SECONDS[; "
                                   "includeSubDomains][; preload]`."));
        return;
    }
    if (h->hsts_max_age >= 0 && h->hsts_max_age < HSTS_MIN_DAYS * SECS_PER_DAY) {
        report_add_finding(
            r, "hsts_short", SEV_LOW, xstrdup("HSTS max-age is shorter than 180 days"),
            xasprintf("max-age=%ld is %ld days; browsers forget the policy after that, and "
                      "preload lists ask for at least a year.",
                      h->hsts_max_age, h->hsts_max_age / SECS_PER_DAY),
            xstrdup("Raise max-age to 31536000 (one year) once HTTPS works everywhere on the "
                    "site."));
    }
}

void findings_probe(struct report *r)
{
    if (!r || !r->ok)
        return;
    size_t before = r->n_findings;
    injection(r);
    hsts(r);
    if (r->n_findings != before)
        f_sort(r);
}
