import { COLOR_OP_SLOTS, COLOR_OPS, LUMA_WEIGHTS } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-webgl's program interface used here (the package is not imported). */
interface Program {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
}
interface WebglBackend {
  runWebGLProgram(program: Program, inputs: TensorInfo[], dtype: 'float32'): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

const P = COLOR_OP_SLOTS;

/** GLSL shared by both programs: the ops on one pixel `p` (rgb, or gray in .r), as color-jitter-host.ts. */
function opsSource(c: number): string {
  const [r, g, b] = LUMA_WEIGHTS;
  const gray = c === 3 ? `p.r * ${r} + p.g * ${g} + p.b * ${b}` : 'p.r';
  return `
    float grayOf(vec3 p) { return ${gray}; }
    float min2(float a, float b) { float d = a - b; return d > 0.0 ? a - d : a; }
    vec3 shiftHue(vec3 p, float delta6) {
      float gMinusR = p.g - p.r, bMinusR = p.b - p.r, bMinusG = p.b - p.g;
      bool isR = !(gMinusR > 0.0 || bMinusR > 0.0);
      bool isB = !isR && bMinusG > 0.0;
      bool isG = !isR && !isB;
      float mx = isR ? p.r : (isG ? p.g : p.b);
      float mn = min2(min2(p.r, p.g), p.b);
      float chroma = mx - mn;
      float numerator = isG ? bMinusR : (isR ? -bMinusG : -gMinusR);
      float sector = isG ? 2.0 : (isB ? 4.0 : 0.0);
      float shifted = numerator / (chroma + 1e-30) + sector + delta6;
      float t = shifted - floor(shifted / 6.0) * 6.0;
      return mn + chroma * clamp(vec3(abs(t - 3.0) - 1.0, 2.0 - abs(t - 2.0), 2.0 - abs(t - 4.0)), 0.0, 1.0);
    }
    // One op on pixel p of image n; contrast blends with the image's gray mean m.
    vec3 applyOp(int op, vec3 p, int n, float m) {
      if (op == ${COLOR_OPS.brightness}) return clamp(p * getParams(n, ${P}), 0.0, 1.0);
      if (op == ${COLOR_OPS.contrast}) return clamp(p * getParams(n, ${P + 1}) + m * getParams(n, ${P + 2}), 0.0, 1.0);
      if (op == ${COLOR_OPS.saturation}) return clamp(p * getParams(n, ${P + 3}) + grayOf(p) * getParams(n, ${P + 4}), 0.0, 1.0);
      if (op == ${COLOR_OPS.hue}) return shiftHue(p, getParams(n, ${P + 5}));
      if (op == ${COLOR_OPS.grayscale}) return vec3(grayOf(p));
      return p;
    }
    vec3 pixel(int n, int y, int x) {
      return ${c === 3 ? 'vec3(getX(n, y, x, 0), getX(n, y, x, 1), getX(n, y, x, 2))' : 'vec3(getX(n, y, x, 0))'};
    }`;
}

/** Per image, the mean gray of the image as its ops leave it just before its contrast op. */
function meansProgram(n: number, h: number, w: number, c: number): Program {
  return {
    variableNames: ['X', 'Params'],
    outputShape: [n],
    userCode: `${opsSource(c)}
    void main() {
      int n = getOutputCoords();
      int slots = 0;
      for (int s = 0; s < ${P}; s++) {
        int op = int(getParams(n, s));
        if (op < 0 || op == ${COLOR_OPS.contrast}) break;
        slots++;
      }
      float sum = 0.0;
      for (int y = 0; y < ${h}; y++) {
        for (int x = 0; x < ${w}; x++) {
          vec3 p = pixel(n, y, x);
          for (int s = 0; s < ${P}; s++) {
            if (s >= slots) break;
            p = applyOp(int(getParams(n, s)), p, n, 0.0);
          }
          sum += grayOf(p);
        }
      }
      setOutput(sum / ${(h * w).toFixed(1)});
    }`,
  };
}

function mainProgram(shape: number[], c: number): Program {
  return {
    variableNames: ['X', 'Params', 'Means'],
    outputShape: shape,
    userCode: `${opsSource(c)}
    void main() {
      ivec4 coords = getOutputCoords();
      int n = coords[0];
      vec3 p = pixel(n, coords[1], coords[2]);
      float m = getMeans(n);
      for (int s = 0; s < ${P}; s++) {
        int op = int(getParams(n, s));
        if (op < 0) break;
        p = applyOp(op, p, n, m);
      }
      setOutput(${c === 3 ? 'coords[3] == 0 ? p.r : (coords[3] == 1 ? p.g : p.b)' : 'p.r'});
    }`,
  };
}

/** The `SimclrColorJitter` kernel on webgl: the contrast means, then every op in one pass per element. */
export const colorJitterWebgl: KernelFunc = ({ inputs, backend }) => {
  const { x, params } = inputs as Record<'x' | 'params', TensorInfo>;
  const gl = backend as unknown as WebglBackend;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const means = gl.runWebGLProgram(meansProgram(n, h, w, c), [x, params], 'float32');
  const out = gl.runWebGLProgram(mainProgram(x.shape, c), [x, params, means], 'float32');
  gl.disposeIntermediateTensorInfo(means);
  return out;
};
