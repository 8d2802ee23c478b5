/** Debian's Chromium, or `$CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium here: no sandbox (root), no background traffic, WebGL on SwiftShader, and
 * WebGPU, which Chromium on Linux leaves off. `--enable-unsafe-webgpu` turns it on; with no GPU,
 * `requestAdapter()` then gives SwiftShader's Vulkan (a fallback adapter) on a secure page such as
 * http://127.0.0.1. That alone computes, but tfjs-backend-webgpu's synchronous read-back (`dataSync`)
 * copies through a WebGPU canvas drawn into a 2D canvas, which reads zeros and destroys the device unless
 * the GPU process itself runs on Vulkan SwiftShader: `--enable-features=Vulkan --use-vulkan=swiftshader`,
 * with `--use-angle=swiftshader` keeping WebGL where it was (ANGLE on SwiftShader's Vulkan).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];
