/* The UI's entry: the home screen at the bottom of the stack (ui.c knows no screen by name). */
#include "ui/core.h"
#include "ui/home.h"

int ui_run(const struct ui_options *opt)
{
    return ui_main(opt, home_screen_new);
}
