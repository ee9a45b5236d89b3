// torch.amp: automatic mixed precision (autocast regions and gradient scaling).
import { native } from '../native.js';

export { autocast, type AutocastOptions } from '../autocast.js';
export { customFwd, customBwd, type CustomFwdOptions, type CustomBwdOptions } from './custom_function.js';
export { GradScaler, OptState, type GradScalerOptions, type GradScalerStateDict, type Scalable } from './grad_scaler.js';

/** torch.amp.is_autocast_available(deviceType): whether autocast supports this device type (not whether such a device is present). */
export function isAutocastAvailable(deviceType: string): boolean {
  return native.autocastAvailable(deviceType);
}
