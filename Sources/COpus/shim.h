#pragma once
#include <opus/opus.h>

// opus_encoder_ctl is variadic, which Swift cannot call: one fixed-signature wrapper per request.
static inline int audioamp_opus_set_int(OpusEncoder *st, int request, opus_int32 value) {
  return opus_encoder_ctl(st, request, value);
}
static inline int audioamp_opus_get_lookahead(OpusEncoder *st, opus_int32 *value) {
  return opus_encoder_ctl(st, OPUS_GET_LOOKAHEAD(value));
}
