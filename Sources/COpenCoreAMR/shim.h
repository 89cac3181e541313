#pragma once
#if __has_include(<opencore-amrnb/interf_enc.h>)
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrnb/interf_dec.h>
#else
#error "opencore-amrnb not found: install libopencore-amrnb-dev (sudo apt-get install libopencore-amrnb-dev) or opencore-amr (brew install opencore-amr), or run scripts/install-deps.sh"
#endif
