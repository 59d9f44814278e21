import { describe, expect, it } from "vitest";
import { formatDb, meterFraction, meterZone, mixOf } from "../src/mixer";
import type { Source } from "../src/protocol.gen";

describe("the mixer's meter and controls", () => {
  it("maps -60..0 dBFS onto the meter, clamped", () => {
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(-100)).toBe(0);
    expect(meterFraction(-30)).toBeCloseTo(0.5);
    expect(meterFraction(0)).toBe(1);
    expect(meterFraction(3)).toBe(1);
    expect(meterFraction(Number.NaN)).toBe(0);
  });

  it("colours the top of the scale", () => {
    expect(meterZone(-20)).toBe("safe");
    expect(meterZone(-6)).toBe("hot");
    expect(meterZone(-0.5)).toBe("clip");
  });

  it("writes silence as minus infinity", () => {
    expect(formatDb(-100)).toBe("-∞ dB");
    expect(formatDb(-14.04, "LUFS")).toBe("-14.0 LUFS");
  });

  it("fills in the default mix of a source that never had one", () => {
    const tone = { id: "t", kind: "tone", settings: { frequency_hz: 440, level_dbfs: -20, beep_each_second: false } } as Source;
    expect(mixOf(tone)).toEqual({ gain_db: 0, muted: false, sync_offset_ms: 0, mono: false, monitor: false, not_to_guests: false, filters: [] });
    expect(mixOf({ ...tone, audio: { gain_db: -6, muted: true, sync_offset_ms: 40, mono: false, monitor: true, not_to_guests: false, filters: [] } }).gain_db).toBe(-6);
  });
});
