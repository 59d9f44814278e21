import { describe, expect, it } from "vitest";
import { HEADER, RateMeter, readHeader, type PreviewStats } from "../src/preview";

describe("preview frames", () => {
  it("reads the 24-byte header the engine writes (little-endian seq, composed µs, width, height)", () => {
    const data = new ArrayBuffer(HEADER + 4);
    const view = new DataView(data);
    view.setBigUint64(0, 4242n, true);
    view.setBigUint64(8, 1_764_000_000_123_456n, true);
    view.setUint32(16, 1280, true);
    view.setUint32(20, 720, true);
    expect(readHeader(data)).toEqual({ seq: 4242, composedMs: 1_764_000_000_123.456, width: 1280, height: 720 });
  });

  it("reports frames per second and mean age over whole-second windows", () => {
    const stats: PreviewStats = { frames: 0, fps: 0, delayMs: 0, skipped: 0 };
    const meter = new RateMeter(stats, 0);
    for (let i = 1; i <= 30; i++) meter.drawn(i * (1000 / 30), i % 2 ? 20 : 40);
    expect(stats.frames).toBe(30);
    expect(stats.fps).toBeCloseTo(30, 5);
    expect(stats.delayMs).toBeCloseTo(30, 5);
    meter.drawn(1100, 10);
    expect(stats.fps).toBeCloseTo(30, 5);
  });
});
