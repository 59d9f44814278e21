// Each destination's health at a glance: its sent bitrate and its drops over the last five
// minutes as a small graph beside its line, so a simulcaster sees which platform is in trouble
// without reading numbers.

import type { SinkStatsSnapshot } from "./protocol.gen";

/** How much history a graph shows, in seconds. */
export const WINDOW_S = 300;

export interface Sample {
  /** Session time, seconds. */
  t: number;
  kbps: number;
  /** Packets dropped since the previous sample. */
  dropped: number;
}

/** Bounded per-destination history: at most WINDOW_S seconds of samples each. */
export class HealthHistory {
  private readonly series = new Map<string, { samples: Sample[]; lastDropped: number }>();

  /** Adds one stats snapshot's figures; sinks that are gone are forgotten. */
  add(t: number, sinks: SinkStatsSnapshot[]) {
    for (const name of [...this.series.keys()]) {
      if (!sinks.some((s) => s.name === name)) this.series.delete(name);
    }
    for (const sink of sinks) {
      if (!sink.destination) continue;
      let entry = this.series.get(sink.name);
      if (!entry) this.series.set(sink.name, (entry = { samples: [], lastDropped: sink.dropped }));
      const samples = entry.samples;
      if (samples.length && t <= samples[samples.length - 1].t) continue;
      samples.push({ t, kbps: sink.bitrate_kbps, dropped: Math.max(0, sink.dropped - entry.lastDropped) });
      entry.lastDropped = sink.dropped;
      while (samples.length && samples[0].t < t - WINDOW_S) samples.shift();
    }
  }

  samples(name: string): Sample[] {
    return this.series.get(name)?.samples ?? [];
  }

  clear() {
    this.series.clear();
  }
}

/**
 * Where each sample sits in a `width` x `height` graph: x by time over the window ending at
 * the newest sample, y by bitrate against `scaleKbps` (top of the graph).
 */
export function plot(samples: Sample[], width: number, height: number, scaleKbps: number): { x: number; y: number; dropped: boolean }[] {
  if (!samples.length) return [];
  const end = samples[samples.length - 1].t;
  return samples.map((s) => ({
    x: width - ((end - s.t) / WINDOW_S) * width,
    y: height - Math.min(1, s.kbps / Math.max(1, scaleKbps)) * height,
    dropped: s.dropped > 0,
  }));
}

/**
 * A small graph: the sent bitrate as a line, the stream's own bitrate as a dashed reference
 * (a line under it is a link that cannot keep up), and a red mark wherever packets were dropped.
 */
export function drawGraph(samples: Sample[], streamKbps: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  const [w, h] = [150, 28];
  canvas.width = w;
  canvas.height = h;
  canvas.className = "health";
  const scale = Math.max(streamKbps, ...samples.map((s) => s.kbps)) * 1.2;
  const points = plot(samples, w, h, scale);
  canvas.setAttribute("aria-label", `bitrate and drops over the last ${WINDOW_S / 60} minutes`);
  const g = canvas.getContext("2d");
  if (!g) return canvas;
  g.strokeStyle = "#888";
  g.setLineDash([3, 3]);
  const ref = h - (streamKbps / Math.max(1, scale)) * h;
  g.beginPath();
  g.moveTo(0, ref);
  g.lineTo(w, ref);
  g.stroke();
  g.setLineDash([]);
  g.fillStyle = "#e5484d";
  for (const p of points) if (p.dropped) g.fillRect(Math.max(0, p.x - 1), 0, 2, h);
  g.strokeStyle = "#3dd68c";
  g.lineWidth = 1.5;
  g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(p.x, p.y) : g.moveTo(p.x, p.y)));
  g.stroke();
  return canvas;
}
