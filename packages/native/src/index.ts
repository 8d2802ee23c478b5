import { provideNativeKernels } from '@simclr/core';
import { activateNativeKernels, deactivateNativeKernels, nativeStatus } from './register.js';

// Importing this package is what lets `setupBackend('native' | 'auto')` of @simclr/core find it.
provideNativeKernels({ nativeStatus, activateNativeKernels, deactivateNativeKernels });

export { addonPath, type NativeAddon } from './addon.js';
export {
  type ActivateOptions,
  activateNativeKernels,
  deactivateNativeKernels,
  type NativeStatus,
  nativeStatus,
} from './register.js';
