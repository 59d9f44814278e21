// The audio mixer panel: a strip per playing audio source with its meter (peak bar, RMS bar,
// momentary loudness), fader, mute, monitor (headphones) and sync offset. Meter events arrive
// 20 times a second; only the bars change then, the strips are rebuilt when the set of
// sources does.
import type { AudioMix, MeterReading, Source } from "./protocol.gen";

/// Meter scale: -60 dBFS at the left edge, 0 dBFS at the right.
export const METER_FLOOR_DB = -60;

/// Where `db` falls on the meter, 0 to 1.
export function meterFraction(db: number): number {
  if (!Number.isFinite(db) || db <= METER_FLOOR_DB) return 0;
  return Math.min(1, (db - METER_FLOOR_DB) / -METER_FLOOR_DB);
}

/// Meter colour zone, as broadcast meters draw them.
export function meterZone(db: number): "safe" | "hot" | "clip" {
  return db >= -1 ? "clip" : db >= -9 ? "hot" : "safe";
}

export function formatDb(db: number, unit = "dB"): string {
  return db <= -99 ? `-∞ ${unit}` : `${db.toFixed(1)} ${unit}`;
}

/// A source's mix, with the defaults filled in for sources that never had one.
export function mixOf(source: Source | undefined): AudioMix {
  return { gain_db: 0, muted: false, sync_offset_ms: 0, mono: false, monitor: false, not_to_guests: false, filters: [], ...(source?.audio ?? {}) };
}

export interface StripView {
  root: HTMLElement;
  update(reading: MeterReading, state: string): void;
}

/// One strip; `change` sends the new mix when the user moves a control. The master strip has
/// no controls (`change` null): the limiter keeps it under -1 dBFS.
/// With `guests` (the show has guest spots), a "Guests hear" toggle: off leaves the source out
/// of what remote guests hear (music cleared for the stream only).
export function buildStrip(id: string, label: string, mix: AudioMix, change: ((mix: AudioMix) => void) | null, guests = false): StripView {
  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}): HTMLElementTagNameMap[K] =>
    Object.assign(document.createElement(tag), props);
  const root = make("li", { className: "strip" });
  root.dataset.source = id;
  const name = make("span", { className: "strip-name", textContent: label });
  const state = make("span", { className: "state" });
  const meter = make("div", { className: "meter", role: "meter", ariaLabel: `${label} level` });
  meter.setAttribute("aria-valuemin", String(METER_FLOOR_DB));
  meter.setAttribute("aria-valuemax", "0");
  const rms = make("div", { className: "meter-rms" });
  const peak = make("div", { className: "meter-peak" });
  meter.append(rms, peak);
  const readout = make("span", { className: "readout" });
  const fader = make("input", { type: "range", min: "-60", max: "20", step: "0.5", value: String(mix.gain_db), ariaLabel: `${label} volume (dB)` });
  const gain = make("output", { textContent: formatDb(mix.gain_db) });
  const mute = make("button", { type: "button", textContent: mix.muted ? "Unmute" : "Mute", ariaLabel: `Mute ${label}` });
  mute.setAttribute("aria-pressed", String(mix.muted));
  if (mix.muted) mute.classList.add("active");
  const listen = make("button", { type: "button", textContent: "Monitor", ariaLabel: `Monitor ${label} in headphones` });
  listen.setAttribute("aria-pressed", String(mix.monitor));
  if (mix.monitor) listen.classList.add("active");
  // Pressed (the usual case) looks plain; left out of the guests' sound shows struck through.
  const toGuests = make("button", { type: "button", textContent: "Guests hear", ariaLabel: `Guests hear: ${label}`, title: "Whether remote guests hear it (they never hear themselves)" });
  const showGuests = (heard: boolean) => {
    toGuests.setAttribute("aria-pressed", String(heard));
    toGuests.classList.toggle("off", !heard);
  };
  showGuests(!mix.not_to_guests);
  const offset = make("input", { type: "number", min: "-2000", max: "2000", step: "10", value: String(mix.sync_offset_ms), ariaLabel: `${label} sync offset (ms)` });
  const offsetLabel = make("label", { textContent: "Sync offset (ms) " });
  offsetLabel.append(offset);

  fader.oninput = () => { gain.textContent = formatDb(Number(fader.value)); };
  if (change) {
    // The strip keeps its own copy, so a second click before the engine's state arrives
    // builds on the first.
    let current = { ...mix };
    const send = (next: AudioMix) => { current = next; change(next); };
    fader.onchange = () => send({ ...current, gain_db: Number(fader.value) });
    mute.onclick = () => {
      send({ ...current, muted: !current.muted });
      mute.textContent = current.muted ? "Unmute" : "Mute";
      mute.setAttribute("aria-pressed", String(current.muted));
      mute.classList.toggle("active", current.muted);
    };
    listen.onclick = () => {
      send({ ...current, monitor: !current.monitor });
      listen.setAttribute("aria-pressed", String(current.monitor));
      listen.classList.toggle("active", current.monitor);
    };
    toGuests.onclick = () => {
      send({ ...current, not_to_guests: !current.not_to_guests });
      showGuests(!current.not_to_guests);
    };
    offset.onchange = () => send({ ...current, sync_offset_ms: Math.round(Number(offset.value)) });
  }

  const top = make("div", { className: "strip-top" });
  top.append(name, state);
  const controls = make("div", { className: "strip-controls" });
  controls.append(fader, gain, mute, listen);
  if (guests) controls.append(toGuests);
  root.append(top, meter, readout);
  if (change) root.append(controls, offsetLabel);
  // Meter events come 20 times a second. The bars move by transform (no layout) and only
  // when they change; the numbers are read rather than watched, so they change four times a
  // second. In WebKitGTK without a GPU, text layout for every event cost the preview frames.
  let shown = { rms: "", peak: "", zone: "", state: "" };
  let numbersAt = -Infinity;
  return {
    root,
    update(reading, deviceState) {
      const next = {
        rms: meterFraction(reading.rms_dbfs).toFixed(3),
        peak: (meterFraction(reading.peak_dbfs) * 100).toFixed(1),
        zone: meterZone(reading.peak_dbfs),
        state: deviceState,
      };
      if (next.rms !== shown.rms) rms.style.transform = `scaleX(${next.rms})`;
      if (next.peak !== shown.peak) peak.style.left = `${next.peak}%`;
      if (next.zone !== shown.zone) peak.className = `meter-peak ${next.zone}`;
      if (next.state !== shown.state) {
        const words: Record<string, string> = { live: "", disconnected: "disconnected", waiting: "in the lobby", opening: "starting" };
        state.textContent = words[deviceState] ?? deviceState;
        state.className = `state ${deviceState}`;
      }
      shown = next;
      const now = performance.now();
      if (now - numbersAt >= 250) {
        numbersAt = now;
        meter.setAttribute("aria-valuenow", reading.peak_dbfs.toFixed(1));
        readout.textContent = `peak ${formatDb(reading.peak_dbfs)} · ${formatDb(reading.momentary_lufs, "LUFS")}`;
      }
    },
  };
}
