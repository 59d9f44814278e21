import { describe, expect, it } from "vitest";
import { HealthHistory, WINDOW_S, plot } from "../src/health";
import type { SinkStatsSnapshot } from "../src/protocol.gen";

function sink(name: string, kbps: number, dropped: number, destination = true): SinkStatsSnapshot {
  return {
    name, packets: 0, bytes: 0, dropped, error: null, bitrate_kbps: kbps, uplink: null,
    destination: destination ? { state: { state: "live" }, reconnects: 0, uptime_s: 0 } : null,
  };
}

describe("destination health history", () => {
  it("keeps each destination's bitrate and the drops of each interval, for the window only", () => {
    const h = new HealthHistory();
    for (let t = 0; t <= WINDOW_S + 60; t += 1) {
      h.add(t, [sink("yt", 4500, t >= 100 ? 7 : 0), sink("rec", 4500, 0, false)]);
    }
    const s = h.samples("yt");
    expect(s[0].t).toBe(60);
    expect(s.length).toBe(WINDOW_S + 1);
    expect(s.filter((p) => p.dropped > 0).map((p) => p.t)).toEqual([100]);
    expect(h.samples("rec")).toEqual([]);
  });

  it("forgets a destination that left and ignores a repeated snapshot", () => {
    const h = new HealthHistory();
    h.add(1, [sink("yt", 4000, 0), sink("tw", 4000, 0)]);
    h.add(1, [sink("yt", 4000, 0), sink("tw", 4000, 0)]);
    h.add(2, [sink("yt", 4000, 0)]);
    expect(h.samples("yt").length).toBe(2);
    expect(h.samples("tw")).toEqual([]);
  });

  it("plots time right to left from the newest sample and bitrate against the scale", () => {
    const points = plot([
      { t: 0, kbps: 0, dropped: 0 },
      { t: WINDOW_S / 2, kbps: 2500, dropped: 3 },
      { t: WINDOW_S, kbps: 5000, dropped: 0 },
    ], 150, 28, 5000);
    expect(points.map((p) => p.x)).toEqual([0, 75, 150]);
    expect(points.map((p) => p.y)).toEqual([28, 14, 0]);
    expect(points.map((p) => p.dropped)).toEqual([false, true, false]);
  });
});
