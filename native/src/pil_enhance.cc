// Pillow's colour-enhancement loops on 8-bit pixels, for lib/vision/_pil_enhance.ts: pure functions
// over caller-owned buffers, no state.
#include "ops.h"

namespace tn {

void RegisterPilEnhance(napi_env, napi_value) {}

}  // namespace tn
