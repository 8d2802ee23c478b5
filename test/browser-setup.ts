// A browser app imports the backends it ships; setupBackend then finds them registered.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
