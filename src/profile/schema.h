/* The profile schema is the settings table (settings/settings.h); this name stays for the
 * files that still include it. */
#ifndef TLSCOPE_PROFILE_SCHEMA_H
#define TLSCOPE_PROFILE_SCHEMA_H

#include "settings/settings.h"

#endif
