/* Private to the result screen (result.c: the panes, keys and drawing; result_acts.c: what is
 * asked on the status line — search, export, write JSON, client certificate — and the
 * profile picker). */
#ifndef TLSCOPE_UI_RESULT_INT_H
#define TLSCOPE_UI_RESULT_INT_H

#include <stdbool.h>

#include "profile/profile.h"
#include "ui/core.h"
#include "ui/export.h"
#include "ui/pane.h"

struct result {
    struct screen base;
    struct report *report; /* borrowed from ui->visits */
    unsigned seq;          /* its number among the visits */
    struct tls_config cfg; /* owned copy of what was used: `r` reconnects with it */
    struct ui_target target;
    char profile[UI_NAME_MAX]; /* "" when no profile */
    int pane;
    void *state[PANE_COUNT]; /* owned (pane done() then free) */
    struct docview list[PANE_COUNT];
    bool built[PANE_COUNT];
    int built_width;
    struct docview detail;
    int detail_id;          /* the id the detail was built for; -1 none */
    char detail_title[160]; /* the detail's heading, shown on the rule above it */
    bool detail_full;
    int tab_x[PANE_COUNT], tab_w[PANE_COUNT], tab_y;
    struct rect list_r, detail_r;
    /* answers pending on the status line */
    char export_path[512];
    int export_which;                /* enum export_chain of the export being asked for */
    char json_path[VISITS_PATH_MAX]; /* w: the file an overwrite question is about */
    char cert_path[VISITS_PATH_MAX]; /* c: the certificate chosen, while the key is asked */
    char key_path[VISITS_PATH_MAX];  /* c: the key chosen, while its passphrase is asked */
    /* the profile picker overlay (p) */
    bool picker;
    struct docview picker_view;
    struct profile_entry *picker_entries; /* owned while the picker is open */
    size_t n_picker;
    struct rect picker_r;
    struct screen *editor; /* the editor last left here (owned), or NULL: its edits stay */
};

/* result.c */
/* A connection this screen started finished: shown here, on the same pane. */
void result_dialed(struct ui *ui, void *ctx, struct dial_result *dr);
struct docview *result_view(struct result *res);
void result_build(struct result *res, struct ui *ui);

/* result_acts.c */
void result_search_start(struct result *res, struct ui *ui);
void result_export_start(struct result *res, struct ui *ui, enum export_chain which);
void result_json_start(struct result *res, struct ui *ui);
void result_cert_start(struct result *res, struct ui *ui);
void result_picker_open(struct result *res, struct ui *ui);
void result_picker_close(struct result *res);
bool result_picker_key(struct result *res, struct ui *ui, enum ui_action a);
void result_picker_click(struct result *res, struct ui *ui, int y, int button);
void result_picker_draw(struct result *res, struct ui *ui);

#endif
