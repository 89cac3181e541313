#pragma once
#if __has_include(<opus/opus.h>)
#include <opus/opus.h>
#elif __has_include(<opus.h>)
#include <opus.h>
#else
#error "libopus not found: install libopus-dev (sudo apt-get install libopus-dev) or opus (brew install opus), or run scripts/install-deps.sh"
#endif

// opus_encoder_ctl is variadic, which Swift cannot call: one fixed-signature wrapper per request.
static inline int audioamp_opus_set_int(OpusEncoder *st, int request, opus_int32 value) {
  return opus_encoder_ctl(st, request, value);
}
static inline int audioamp_opus_get_lookahead(OpusEncoder *st, opus_int32 *value) {
  return opus_encoder_ctl(st, OPUS_GET_LOOKAHEAD(value));
}
