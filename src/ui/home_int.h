/* Private to the home screen's two files: home.c (state, keys, connecting) and home_draw.c
 * (drawing). Nothing else includes it. */
#ifndef TLSCOPE_UI_HOME_INT_H
#define TLSCOPE_UI_HOME_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"
#include "profile/profile.h"
#include "ui/core.h"
#include "ui/docview.h"
#include "util/strlist.h"

#define HOME_LABEL_W 11 /* "protocols  ", as the settings beside */
enum home_focus { HF_HOST, HF_PROFILES, HF_DEMO, HF_RECENT };

struct home {
    struct screen base;
    char host[256];
    size_t host_len, host_cur;
    enum home_focus focus;
    struct profile_entry *profiles; /* owned (profile_entries_free) */
    size_t n_profiles;
    unsigned profiles_gen; /* ui->profiles_gen they were listed at */
    bool *weak;            /* owned: per profile, it weakens verification */
    struct docview plist, settings, demo, recent;
    struct strlist history; /* newest first */
    char *history_path;     /* owned, NULL when there is nowhere to keep it */
    long hist_pos;          /* -1: the person's own text; else an index into history */
    char hist_saved[256];   /* the person's own text while browsing */
    struct rect host_r, plist_r, demo_r, recent_r; /* last drawn, for the mouse */
    int lab_pending;       /* demo target to connect to once the lab is ready; -1 none */
    bool lab_pending_cert; /* ... with the lab's client certificate */
    bool lab_pending_scan; /* ... or to scan it (S) */
    struct screen *last;   /* the last result screen, kept for Esc (owned), or NULL */
    struct screen *editor; /* the editor last left (owned), or NULL: its edits stay */
};

/* home.c */
/* Width of the left column (profiles, demo lab, recent) for a terminal this wide. */
int home_left_width(int cols);
/* The selected demo lab target, or NULL. */
const struct lab_target *home_lab_target(const struct home *h, const struct ui *ui);
/* The lab target takes a client certificate (c connects with the lab's). */
bool home_is_client_cert(const struct lab_target *t);
/* Lists the profiles again, keeping the selection by name. */
void home_reload_profiles(struct home *h, struct ui *ui);
/* The selected profile's entry, or NULL. */
const struct profile_entry *home_entry(const struct home *h);
/* The ASCII form (A-labels) of a typed international target, when it differs from it. */
bool home_ascii_form(const char *spec, char *out, size_t n);
/* Moves the focus (to the host line when f is not on screen). */
void home_focus(struct home *h, struct ui *ui, enum home_focus f);

/* home_draw.c: the whole screen (the screen's draw op). */
void home_draw(struct screen *s, struct ui *ui);

#endif
