import { describe, expect, it } from "vitest";
import { changedPictures } from "../src/picture-requests";
import type { StudioState } from "../src/protocol.gen";

const state = () =>
  ({
    brand: { path: "/show/brand/kit.json", kit: { colors: { primary: "#6D28D9E6" }, logos: { logo: "logo.png" }, fonts: {} } },
    collection: {
      canvas: { width: 1280, height: 720, fps: 30 },
      sources: [
        { id: "bg", name: "Background", kind: "color", settings: { color: "#000000FF", width: 1280, height: 720 } },
        { id: "lt", name: "Lower third", kind: "template", settings: { template: "lower_third", title: "Sam" } },
      ],
      scenes: [
        { name: "Live", layers: [{ source: "bg", visible: true }, { source: "lt", visible: false }] },
        { name: "Break", layers: [{ source: "bg", visible: true }] },
      ],
    },
  }) as unknown as StudioState;

describe("which pictures to ask for", () => {
  it("asks for everything once, then only for what changed", () => {
    const asked = new Map<string, string>();
    const first = changedPictures(state(), asked);
    expect(first.scenes).toEqual(["Live", "Break"]);
    expect(first.sources).toEqual(["lt"]);
    expect(first.templates).toHaveLength(7);
    expect(first.brand_files).toEqual([{ group: "logos", name: "logo" }]);
    expect(changedPictures(state(), asked)).toEqual({ scenes: [], sources: [], templates: [], brand_files: [] });
    // Showing the graphic changes its scene's picture, not the graphic's own.
    const shown = state();
    (shown.collection.scenes[0].layers[1] as { visible: boolean }).visible = true;
    expect(changedPictures(shown, asked)).toEqual({ scenes: ["Live"], sources: [], templates: [], brand_files: [] });
    // A new title: the graphic and the scene showing it.
    const titled = structuredClone(shown);
    (titled.collection.sources[1] as unknown as { settings: { title: string } }).settings.title = "Alex";
    expect(changedPictures(titled, asked)).toEqual({ scenes: ["Live"], sources: ["lt"], templates: [], brand_files: [] });
  });

  it("asks for every picture again when the brand kit changes", () => {
    const asked = new Map<string, string>();
    changedPictures(state(), asked);
    const rebranded = state();
    rebranded.brand!.kit.colors.primary = "#00A050E6";
    const again = changedPictures(rebranded, asked);
    expect([again.scenes.length, again.sources.length, again.templates.length, again.brand_files.length]).toEqual([2, 1, 7, 0]);
    // A logo replaced under its name: its picture only.
    const replaced = structuredClone(rebranded);
    replaced.brand!.kit.logos.logo = "logo-2.png";
    const logo = changedPictures(replaced, asked);
    expect(logo.brand_files).toEqual([{ group: "logos", name: "logo" }]);
  });
});

import { kitName } from "../src/brand-panel";
describe("a kit name from a file name", () => {
  it("keeps letters, digits, - and _ in lower case", () => {
    expect(kitName("Partner Logo.png")).toBe("partner-logo");
    expect(kitName("../Über Font (Bold).TTF")).toBe("ber-font-bold");
    expect(kitName("!!!.svg")).toBe("file");
  });
});
