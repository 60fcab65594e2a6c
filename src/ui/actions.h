/* Every action the UI knows, with its help text, as one X-macro; the default key bindings are
 * a table the help overlay also reads (ui/keys.c). */
#ifndef TLSCOPE_UI_ACTIONS_H
#define TLSCOPE_UI_ACTIONS_H

#define UI_ACTIONS(X)                                                                              \
    X(NONE, "")                                                                                    \
    X(UP, "move up")                                                                               \
    X(DOWN, "move down")                                                                           \
    X(PAGE_UP, "page up")                                                                          \
    X(PAGE_DOWN, "page down")                                                                      \
    X(HOME, "first row")                                                                           \
    X(END, "last row")                                                                             \
    X(ENTER, "open / connect")                                                                     \
    X(BACK, "back / cancel")                                                                       \
    X(NEXT_PANE, "next pane")                                                                      \
    X(PREV_PANE, "previous pane")                                                                  \
    X(PANE_1, "Summary")                                                                           \
    X(PANE_2, "Handshake")                                                                         \
    X(PANE_3, "Negotiation")                                                                       \
    X(PANE_4, "Certificates")                                                                      \
    X(PANE_5, "Findings")                                                                          \
    X(PANE_6, "Raw report")                                                                        \
    X(PANE_7, "STARTTLS dialogue (when one ran)")                                                  \
    X(SEARCH, "search in the pane")                                                                \
    X(SEARCH_NEXT, "next match")                                                                   \
    X(SEARCH_PREV, "previous match")                                                               \
    X(RECONNECT, "reconnect with the same settings")                                               \
    X(PICK_PROFILE, "pick another profile and reconnect")                                          \
    X(GO_HOME, "home screen")                                                                      \
    X(NEXT_THEME, "next theme")                                                                    \
    X(EXPORT_PEM, "export the sent chain as PEM")                                                  \
    X(EXPORT_SERVE, "export the chain the server should send (leaf, intermediates)")               \
    X(DIFF, "compare with the previous connection")                                                \
    X(WRITE_JSON, "write the report as JSON")                                                      \
    X(KEYLOG, "toggle the key log")                                                                \
    X(CLIENT_CERT, "reconnect with a client certificate")                                          \
    X(EDIT_PROFILE, "edit the profile")                                                            \
    X(SAVE, "save the edited profile")                                                             \
    X(COPY_PEM, "copy the selected certificate's PEM to the clipboard (OSC 52)")                   \
    X(CHECK_FILE, "check a chain file / the file this server should have")                         \
    X(FETCH_AIA, "reconnect fetching a missing intermediate (caIssuers, --aia)")                   \
    X(MATCH_KEY, "check a chain file again with a private key: does it belong to the leaf?")       \
    X(HELP, "this help")                                                                           \
    X(QUIT, "quit")

enum ui_action {
#define UI_ACTION_ENUM(name, help) ACT_##name,
    UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
        ACT_COUNT
};

const char *ui_action_help(enum ui_action a);

struct ui_binding {
    int key; /* curses key code or character */
    enum ui_action action;
    const char *label; /* how the help shows the key: "↑/k", "PgDn", "Tab" */
};

/* The default bindings (NULL-terminated by key 0). */
const struct ui_binding *ui_bindings(void);
/* The action bound to key, or ACT_NONE. */
enum ui_action ui_action_for_key(int key);

#endif
