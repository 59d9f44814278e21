import { describe, expect, it } from "vitest";
import { keysOf, match } from "../src/hotkeys";
import type { Hotkey } from "../src/protocol.gen";

const press = (code: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) =>
  keysOf({ code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });

describe("key names", () => {
  it("names the physical key with its modifiers in a fixed order", () => {
    expect(press("Digit1", { ctrlKey: true })).toBe("Ctrl+1");
    expect(press("KeyP", { shiftKey: true, ctrlKey: true })).toBe("Ctrl+Shift+P");
    expect(press("Numpad3", { altKey: true })).toBe("Alt+Num3");
    expect(press("F9")).toBe("F9");
    expect(press("NumpadEnter", { ctrlKey: true })).toBe("Ctrl+Enter");
  });
  it("gives nothing for a modifier alone or a key it does not name", () => {
    expect(press("ShiftLeft", { shiftKey: true })).toBeNull();
    expect(press("Semicolon")).toBeNull();
  });
  it("finds the hotkey for a press", () => {
    const hotkeys: Hotkey[] = [
      { keys: "Ctrl+1", action: { type: "switch_scene", number: 1 } },
      { keys: "Ctrl+Shift+P", action: { type: "panic" } },
    ];
    expect(match(hotkeys, "Ctrl+Shift+P")?.action.type).toBe("panic");
    expect(match(hotkeys, "Ctrl+2")).toBeUndefined();
    expect(match(hotkeys, null)).toBeUndefined();
  });
});
