#pragma once
// Debian/Ubuntu put the header in gsm/, Homebrew at the top level.
#if __has_include(<gsm/gsm.h>)
#include <gsm/gsm.h>
#elif __has_include(<gsm.h>)
#include <gsm.h>
#else
#error "libgsm not found: install libgsm1-dev (sudo apt-get install libgsm1-dev) or libgsm (brew install libgsm), or run scripts/install-deps.sh"
#endif
