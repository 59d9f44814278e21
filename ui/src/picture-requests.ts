// Which of the engine's pictures to ask for again: those whose inputs changed since they were
// last asked for (a scene's layers and the sources it shows, a graphic's settings, the brand
// kit and the canvas for all of them).
import type { PictureOf, StudioState, TemplateSample } from "./protocol.gen";

/// A picture's key: what it shows.
export function pictureKey(of: PictureOf): string {
  switch (of.kind) {
    case "scene": return `scene:${of.name}`;
    case "source": return `source:${of.id}`;
    case "template": return `template:${of.sample.template}:${of.sample.title ?? ""}`;
    case "brand_file": return `brand:${of.file.group}:${of.file.name}`;
    case "guest": return `guest:${of.slot}`;
  }
}

/// The gallery: each template as adding it makes it (slates with their usual titles).
export const gallery: { sample: TemplateSample; label: string }[] = [
  { sample: { template: "lower_third" }, label: "Lower third" },
  { sample: { template: "call_to_action" }, label: "Call to action" },
  { sample: { template: "ticker" }, label: "Ticker" },
  { sample: { template: "title_card" }, label: "Title card" },
  { sample: { template: "slate", title: "Starting soon" }, label: "Starting soon" },
  { sample: { template: "slate", title: "Be right back" }, label: "Be right back" },
  { sample: { template: "slate", title: "Thanks for watching" }, label: "Thanks for watching" },
];

/// The pictures of `state` whose inputs differ from those in `asked` (by key), which is
/// updated to them.
export function changedPictures(state: StudioState, asked: Map<string, string>) {
  const c = state.collection;
  const kit = JSON.stringify([state.brand?.kit ?? null, c.canvas]);
  const sourceOf = new Map(c.sources.map((s) => [s.id, s]));
  const changed = (key: string, inputs: string) => {
    if (asked.get(key) === inputs) return false;
    asked.set(key, inputs);
    return true;
  };
  const scenes = c.scenes
    .filter((s) => changed(pictureKey({ kind: "scene", name: s.name }), JSON.stringify([s.layers, s.layers.map((l) => sourceOf.get(l.source)), kit])))
    .map((s) => s.name);
  const sources = c.sources
    .filter((s) => s.kind === "template" && changed(pictureKey({ kind: "source", id: s.id }), JSON.stringify([s, kit])))
    .map((s) => s.id);
  const templates = gallery
    .map((g) => g.sample)
    .filter((sample) => changed(pictureKey({ kind: "template", sample }), kit));
  const brand = state.brand;
  const brand_files = (["logos", "fonts"] as const).flatMap((group) =>
    Object.entries(brand?.kit[group] ?? {})
      .filter(([name, path]) => changed(pictureKey({ kind: "brand_file", file: { group, name } }), JSON.stringify([brand!.path, path])))
      .map(([name]) => ({ group, name })),
  );
  return { scenes, sources, templates, brand_files };
}
