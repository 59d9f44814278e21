// The program preview: binary I420 frames, drawn with WebGL (the GPU converts YUV to RGB) or,
// without WebGL, converted on the CPU into a 2D canvas. Only the newest frame is drawn; the
// engine skips frames for a slow page instead of queueing them.
import type { Frames } from "./carrier";

const HEADER = 16;

export interface PreviewStats {
  frames: number;
  /// Frames drawn per second over the last second.
  fps: number;
}

export function startPreview(frames: Frames, canvas: HTMLCanvasElement): PreviewStats {
  const stats: PreviewStats = { frames: 0, fps: 0 };
  const draw = glDrawer(canvas) ?? cpuDrawer(canvas);
  let latest: ArrayBuffer | null = null;
  let windowStart = performance.now();
  let windowFrames = 0;
  frames.onframe = (data) => {
    const first = latest === null;
    latest = data;
    if (first) requestAnimationFrame(frame);
  };
  function frame() {
    if (!latest) return;
    const data = latest;
    latest = null;
    const view = new DataView(data);
    const width = view.getUint32(8, true);
    const height = view.getUint32(12, true);
    draw(new Uint8Array(data, HEADER), width, height);
    frames.drawn();
    stats.frames++;
    windowFrames++;
    const now = performance.now();
    if (now - windowStart >= 1000) {
      stats.fps = (windowFrames * 1000) / (now - windowStart);
      windowStart = now;
      windowFrames = 0;
    }
  }
  return stats;
}

type Draw = (i420: Uint8Array, width: number, height: number) => void;

function glDrawer(canvas: HTMLCanvasElement): Draw | null {
  const gl = canvas.getContext("webgl2", { preserveDrawingBuffer: true });
  if (!gl) return null;
  const vs = `#version 300 es
    in vec2 p; out vec2 uv;
    void main() { uv = vec2((p.x + 1.0) / 2.0, (1.0 - p.y) / 2.0); gl_Position = vec4(p, 0.0, 1.0); }`;
  // BT.709 limited range, as the compositor writes it.
  const fs = `#version 300 es
    precision mediump float;
    in vec2 uv; out vec4 color;
    uniform sampler2D ty; uniform sampler2D tu; uniform sampler2D tv;
    void main() {
      float y = (texture(ty, uv).r - 0.0627) * 1.1644;
      float u = texture(tu, uv).r - 0.5;
      float v = texture(tv, uv).r - 0.5;
      color = vec4(y + 1.7927 * v, y - 0.2132 * u - 0.5329 * v, y + 2.1124 * u, 1.0);
    }`;
  const program = gl.createProgram()!;
  for (const [type, text] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, text);
    gl.compileShader(shader);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
  gl.useProgram(program);
  const buffer = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const p = gl.getAttribLocation(program, "p");
  gl.enableVertexAttribArray(p);
  gl.vertexAttribPointer(p, 2, gl.FLOAT, false, 0, 0);
  const textures = ["ty", "tu", "tv"].map((name, i) => {
    const t = gl.createTexture()!;
    gl.activeTexture(gl.TEXTURE0 + i);
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.uniform1i(gl.getUniformLocation(program, name), i);
    return t;
  });
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  return (i420, width, height) => {
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    gl.viewport(0, 0, width, height);
    const planes: [number, number, number][] = [
      [0, width, height],
      [width * height, width / 2, height / 2],
      [width * height * 1.25, width / 2, height / 2],
    ];
    planes.forEach(([offset, w, h], i) => {
      gl.activeTexture(gl.TEXTURE0 + i);
      gl.bindTexture(gl.TEXTURE_2D, textures[i]);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8, w, h, 0, gl.RED, gl.UNSIGNED_BYTE, i420.subarray(offset, offset + w * h));
    });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  };
}

function cpuDrawer(canvas: HTMLCanvasElement): Draw {
  const context = canvas.getContext("2d")!;
  let image: ImageData | null = null;
  return (i420, width, height) => {
    if (!image || image.width !== width || image.height !== height) {
      canvas.width = width;
      canvas.height = height;
      image = context.createImageData(width, height);
    }
    i420ToRgba(i420, width, height, image.data);
    context.putImageData(image, 0, 0);
  };
}

/// BT.709 limited-range I420 to RGBA (the fallback path, and what tests check against).
export function i420ToRgba(i420: Uint8Array, width: number, height: number, out: Uint8ClampedArray) {
  const uOffset = width * height;
  const vOffset = uOffset + (width * height) / 4;
  const half = width / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const luma = (i420[y * width + x] - 16) * 1.1644;
      const c = (y >> 1) * half + (x >> 1);
      const u = i420[uOffset + c] - 128;
      const v = i420[vOffset + c] - 128;
      const o = (y * width + x) * 4;
      out[o] = luma + 1.7927 * v;
      out[o + 1] = luma - 0.2132 * u - 0.5329 * v;
      out[o + 2] = luma + 2.1124 * u;
      out[o + 3] = 255;
    }
  }
}
