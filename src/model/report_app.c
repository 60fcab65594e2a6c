/* The report's plaintext parts (issue 12): the STARTTLS dialogue and the HTTP probe. */
#include <stdlib.h>
#include <string.h>

#include "model/report.h"
#include "util/mem.h"
#include "util/sanitize.h"

void starttls_add_line(struct starttls_report *s, double t_ms, enum event_dir dir, const char *text,
                       size_t len)
{
    if (s->n_lines >= STARTTLS_LINES_MAX) {
        s->truncated = true;
        return;
    }
    size_t keep = len < STARTTLS_TEXT_MAX ? len : STARTTLS_TEXT_MAX;
    char *t = utf8_repair(text, keep);
    if (keep < len) {
        char *cut = xasprintf("%s… (%zu bytes)", t, len);
        free(t);
        t = cut;
    }
    s->lines = xrealloc(s->lines, (s->n_lines + 1) * sizeof(*s->lines));
    s->lines[s->n_lines++] = (struct starttls_line){t_ms, dir, t};
}

void starttls_report_free(struct starttls_report *s)
{
    free(s->protocol);
    free(s->chosen_by);
    free(s->reason);
    strlist_free(&s->capabilities);
    for (size_t i = 0; i < s->n_lines; i++)
        free(s->lines[i].text);
    free(s->lines);
    free(s->injected);
    free(s->injection_answer);
    memset(s, 0, sizeof(*s));
}

void report_app_free(struct report *r)
{
    starttls_report_free(&r->starttls);
    struct http_report *h = &r->http;
    char *strs[] = {h->skipped, h->request,  h->error, h->status_line, h->server,
                    h->alt_svc, h->location, h->hsts,  h->hsts_problem};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    memset(h, 0, sizeof(*h));
}
