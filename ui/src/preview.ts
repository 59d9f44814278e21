// The program preview: each binary message is a 24-byte header and a JPEG of the frame. The
// browser decodes JPEG off the main thread (createImageBitmap) and the page draws only the
// newest frame: one arriving while another decodes replaces any still waiting, so a slow page
// shows fewer frames, never older ones. Frame rate and age (composed → on screen) are measured
// here, for the status bar and the preview benchmark.
import type { Frames } from "./carrier";

export const HEADER = 24;

export interface FrameHeader {
  seq: number;
  /// Wall-clock time the engine composed the frame, in ms since the Unix epoch.
  composedMs: number;
  width: number;
  height: number;
}

export function readHeader(data: ArrayBuffer): FrameHeader {
  const view = new DataView(data);
  return {
    seq: Number(view.getBigUint64(0, true)),
    composedMs: Number(view.getBigUint64(8, true)) / 1000,
    width: view.getUint32(16, true),
    height: view.getUint32(20, true),
  };
}

export interface PreviewStats {
  frames: number;
  /// Frames drawn per second over the last whole second.
  fps: number;
  /// Mean age of the frames drawn in the last whole second, from composed to drawn, in ms.
  delayMs: number;
  /// Frames that arrived but were replaced by a newer one before they could be drawn.
  skipped: number;
}

/// Counts frames and their age over one-second windows.
export class RateMeter {
  private start: number;
  private count = 0;
  private ageSum = 0;
  constructor(private stats: PreviewStats, now: number) {
    this.start = now;
  }
  drawn(now: number, ageMs: number) {
    this.stats.frames++;
    this.count++;
    this.ageSum += ageMs;
    if (now - this.start >= 1000) {
      this.stats.fps = (this.count * 1000) / (now - this.start);
      this.stats.delayMs = this.ageSum / this.count;
      this.start = now;
      this.count = 0;
      this.ageSum = 0;
    }
  }
}

const wallClock = () => performance.timeOrigin + performance.now();

/// Decodes that may run at once: one frame decodes while the previous one finishes, which
/// keeps 30 fps where a decode takes longer than a frame period (WebKitGTK without a GPU).
const DECODING = 2;

/// Draws `frames` on the canvas `target` names at each frame (studio mode moves the program
/// from the editing canvas to the one beside it).
export function startPreview(frames: Frames, target: () => HTMLCanvasElement): PreviewStats {
  const stats: PreviewStats = { frames: 0, fps: 0, delayMs: 0, skipped: 0 };
  const meter = new RateMeter(stats, performance.now());
  let waiting: ArrayBuffer | null = null;
  let decoding = 0;
  let shownSeq = -1;

  async function decode(data: ArrayBuffer) {
    decoding++;
    const header = readHeader(data);
    try {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(data, HEADER)], { type: "image/jpeg" }));
      requestAnimationFrame(() => {
        // A newer frame that decoded first wins; this one is dropped.
        if (header.seq > shownSeq) {
          shownSeq = header.seq;
          const canvas = target();
          const context = canvas.getContext("2d", { alpha: false })!;
          if (canvas.width !== header.width || canvas.height !== header.height) {
            canvas.width = header.width;
            canvas.height = header.height;
          }
          context.drawImage(bitmap, 0, 0);
          meter.drawn(performance.now(), wallClock() - header.composedMs);
        } else {
          stats.skipped++;
        }
        bitmap.close();
        done();
      });
    } catch {
      // A frame that does not decode is skipped; the next one replaces it.
      done();
    }
  }

  /// A frame is finished with (drawn or dropped): decode the one waiting, if any.
  function done() {
    decoding--;
    const data = waiting;
    waiting = null;
    if (data) void decode(data);
  }

  frames.onframe = (data) => {
    if (decoding < DECODING) return void decode(data);
    if (waiting) stats.skipped++; // replaced before it could be decoded
    waiting = data;
  };
  return stats;
}
