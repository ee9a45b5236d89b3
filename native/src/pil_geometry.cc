// Pillow's resampling and geometry loops on 8-bit pixels, for lib/vision/_pil_resample.ts and
// _pil_geometry.ts: pure functions over caller-owned buffers, no state.
#include "ops.h"

namespace tn {

void RegisterPilGeometry(napi_env, napi_value) {}

}  // namespace tn
