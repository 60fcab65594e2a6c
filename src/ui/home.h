/* The home screen: the host line with its history, the profile list with the selected
 * profile's effective settings beside it, and the demo lab's targets when --demo is on. It is
 * the bottom of the screen stack; the result of a connection started here goes on top. */
#ifndef TLSCOPE_UI_HOME_H
#define TLSCOPE_UI_HOME_H

struct ui;
struct screen;

/* The home screen; with a target on the command line it starts connecting at once. */
struct screen *home_screen_new(struct ui *ui);

#endif
