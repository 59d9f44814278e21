// What the Graphics tab shows, as Svelte state filled from the store on every render: the
// graphics of the scene being edited (shown or waiting) and whether that scene is on air.
import type { TemplateKind, TemplateSample } from "./protocol.gen";
import { layersOf, onCanvas, render, run, scene, store } from "./store";

export interface Graphic {
  id: string;
  name: string;
  /** The text it shows (a lower third's name), to tell two apart. */
  title: string;
  template: TemplateKind;
  shown: boolean;
}

export const graphics = $state({
  scene: "",
  onAir: false,
  items: [] as Graphic[],
  selected: null as string | null,
});

/// The sources there were before a graphic was added: the new one is selected when it shows up.
let adding: Set<string> | null = null;

/// Fills the tab's state; call before the layers and the selection are drawn (it may select).
export function renderGraphics() {
  const added = adding && store.state.collection.sources.find((x) => !adding!.has(x.id));
  if (added) {
    adding = null;
    store.selection = [added.id];
  }
  const s = scene();
  graphics.scene = s?.name ?? "";
  graphics.onAir = s?.name === store.state.program_scene;
  graphics.selected = store.selection[store.selection.length - 1] ?? null;
  const sources = store.state.collection.sources;
  graphics.items = layersOf(s, store.canvas)
    .map((layer) => ({ layer, source: sources.find((x) => x.id === layer.source) }))
    .filter(({ source }) => source?.kind === "template")
    .reverse()
    .map(({ layer, source }) => {
      const t = source!.kind === "template" ? source!.settings : null;
      return { id: layer.source, name: source!.name || layer.source, title: t?.title ?? "", template: t!.template, shown: layer.visible };
    });
}

/// Shows or hides a graphic on every canvas whose layout has it, animated where it animates.
export function setShown(id: string, shown: boolean) {
  return run({ type: "set_layer_visible", scene: graphics.scene, source: id, visible: shown, every_canvas: true, ...onCanvas() });
}

/// Selects a graphic for editing (its text in Properties, its box on the stage).
export function select(id: string) {
  store.selection = [id];
  render();
}

/// Adds a gallery template to the scene being edited: placed clear of the others, selected,
/// and off air until shown.
export async function addGraphic(sample: TemplateSample) {
  adding = new Set(store.state.collection.sources.map((x) => x.id));
  if (!(await run({ type: "add_template", scene: graphics.scene, template: sample.template, ...(sample.title ? { title: sample.title } : {}) }))) adding = null;
}
