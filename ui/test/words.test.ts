import { describe, expect, it } from "vitest";
import { idFor, plain } from "../src/words";

describe("words for people", () => {
  it("derives a unique id from a name", () => {
    expect(idFor("Guest name", [])).toBe("guest-name");
    expect(idFor("Café Übersicht!", [])).toBe("cafe-ubersicht");
    expect(idFor("Logo", ["logo", "logo-2"])).toBe("logo-3");
    expect(idFor("  ***  ", [])).toBe("source");
  });

  it("shows the engine's code quotes as quotation marks", () => {
    expect(plain("`logo` is branded and the brand kit `Streamwerk` is locked")).toBe("“logo” is branded and the brand kit “Streamwerk” is locked");
    expect(plain("no quotes here")).toBe("no quotes here");
  });
});
