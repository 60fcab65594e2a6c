/* The Scan screen (S on a result, or the home screen's Scan entry): a scan of the target
 * filling in live as answers arrive — versions, suites with the server's order, groups,
 * signature algorithms, certificates, features, findings. Esc cancels a running scan (and
 * closes a finished one); Enter on an answer shows its evidence (the probe's hello and the
 * server's reply, decoded and in hex); d compares with the previous scan of this run. */
#ifndef TLSCOPE_UI_SCAN_SCREEN_H
#define TLSCOPE_UI_SCAN_SCREEN_H

struct ui;
struct screen;
struct doc;
struct tls_config;

/* A scan of cfg's target (copied; its scan_parallel / scan_delay apply); NULL with a status
 * message when it cannot start. */
struct screen *scan_screen_new(struct ui *ui, const struct tls_config *cfg);
/* The Scan screen's keys, for the help overlay. */
void scan_screen_help(struct doc *d);

#endif
