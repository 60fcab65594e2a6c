/* The terminal UI: home screen, connecting without freezing, and the result panes. */
#ifndef TLSCOPE_UI_UI_H
#define TLSCOPE_UI_UI_H

#include <stdbool.h>

#include "model/config.h"

struct ui_options {
    /* The configuration from the command line (flags applied over the profile, if any). */
    const struct tls_config *cfg;
    /* Re-applies the command-line flags over a config (after the UI loads another profile),
     * so flags keep winning; may be NULL. */
    void (*apply_flags)(struct tls_config *cfg, void *arg);
    void *apply_flags_arg;
    const char *profile; /* profile given with --profile, or NULL */
    bool connect_now;    /* a target was given: connect at once */
    bool demo;           /* start the demo lab and list its servers */
    const char *theme;   /* --theme NAME, or NULL */
};

/* Runs until the person quits. Returns the process exit status (0, or 2 when the terminal
 * could not be used). */
int ui_run(const struct ui_options *opt);

#endif
