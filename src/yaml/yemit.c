/* Writing a small YAML document with libyaml's emitter (yemit.h). */
#include "yaml/yemit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/mem.h"
#include "util/strbuf.h"

struct yemit {
    yaml_emitter_t em;
    struct strbuf out;
    char problem[160];
};

static int write_out(void *data, unsigned char *buf, size_t n)
{
    sb_add(data, (const char *)buf, n);
    return 1;
}

/* Hands ev to the emitter (which owns it from here on, success or not). */
static int put(struct yemit *y, yaml_event_t *ev)
{
    if (yaml_emitter_emit(&y->em, ev))
        return 0;
    if (!y->problem[0])
        snprintf(y->problem, sizeof(y->problem), "cannot write YAML: %s",
                 y->em.problem ? y->em.problem : "emitter error");
    return YEMIT_FAILED;
}

/* YAML 1.1 reads these plain words as booleans or null. */
static bool is_yaml_word(const char *s)
{
    static const char *const words[] = {"y",     "n",  "yes", "no",   "true",
                                        "false", "on", "off", "null", "~"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strcasecmp(s, words[i]))
            return true;
    return false;
}

/* Plain style only for [A-Za-z0-9_./+@-]+ starting with a letter, '_' or '/': such a string
 * is never a number, and with the words above excluded never a bool or null either. */
static bool plain_safe(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '/'))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_./+@-", *p)))
            return false;
    return !is_yaml_word(s);
}

struct yemit *yemit_begin(const char *header)
{
    struct yemit *y = xcalloc(1, sizeof(*y));
    if (!yaml_emitter_initialize(&y->em)) {
        free(y);
        return NULL;
    }
    yaml_emitter_set_output(&y->em, write_out, &y->out);
    yaml_emitter_set_unicode(&y->em, 1);
    yaml_emitter_set_width(&y->em, -1); /* never fold a long cipher string */
    if (header)
        sb_puts(&y->out, header); /* the one line not produced by the emitter */
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if (put(y, &ev) < 0)
        return y; /* the problem is kept; yemit_end reports it */
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    if (put(y, &ev) < 0)
        return y;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    put(y, &ev);
    return y;
}

int yemit_scalar(struct yemit *y, const char *s, bool raw)
{
    yaml_event_t ev;
    bool plain = raw || plain_safe(s);
    yaml_scalar_style_t style = plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), plain, 1,
                                      style))
        return YEMIT_NOT_UTF8;
    return put(y, &ev);
}

int yemit_list_begin(struct yemit *y, bool empty)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1, empty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    return put(y, &ev);
}

int yemit_list_end(struct yemit *y)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    return put(y, &ev);
}

const char *yemit_problem(const struct yemit *y)
{
    return y->problem[0] ? y->problem : "cannot write YAML: emitter error";
}

void yemit_abort(struct yemit *y)
{
    if (!y)
        return;
    yaml_emitter_delete(&y->em);
    sb_free(&y->out);
    free(y);
}

char *yemit_end(struct yemit *y, char *err, size_t errlen)
{
    char *doc = NULL;
    yaml_event_t ev;
    int rc = y->problem[0] ? YEMIT_FAILED : 0;
    if (rc == 0) {
        yaml_mapping_end_event_initialize(&ev);
        rc = put(y, &ev);
    }
    if (rc == 0) {
        yaml_document_end_event_initialize(&ev, 1);
        rc = put(y, &ev);
    }
    if (rc == 0) {
        yaml_stream_end_event_initialize(&ev);
        rc = put(y, &ev);
    }
    if (rc == 0 && !yaml_emitter_flush(&y->em)) {
        snprintf(y->problem, sizeof(y->problem), "cannot write YAML: %s",
                 y->em.problem ? y->em.problem : "emitter error");
        rc = YEMIT_FAILED;
    }
    if (rc == 0)
        doc = sb_take(&y->out);
    else if (err && errlen)
        snprintf(err, errlen, "%s", yemit_problem(y));
    yemit_abort(y);
    return doc;
}
