// A browser app imports the backends it ships; setupBackend then finds them registered.
// tfjs-backend-webgpu registers itself only where navigator.gpu exists (Chromium with WebGPU enabled).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
