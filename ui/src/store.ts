// The page's one store: the state the engine pushed last, its latest figures, and what the user
// is editing (the scene selected in the list, the layers selected on the canvas, undo history).
// Panels read it and render; they change the engine's state only through commands.
import type { Command, DeviceList, Layer, LayerTransform, NoticeLevel, Scene, StudioState, StudioStats } from "./protocol.gen";
import type { Connection } from "./connection";
import type { PreviewStats } from "./preview";
import { History } from "./editor";
import { pushNotice } from "./notices.svelte";

export const store = {
  connection: undefined as unknown as Connection,
  state: undefined as unknown as StudioState,
  stats: null as StudioStats | null,
  preview: undefined as unknown as PreviewStats,
  devices: null as DeviceList | null,
  /// Scene selected in the list (edited), and the layers selected on the canvas (source ids;
  /// the last is the primary, with the resize handle and the properties form).
  selectedScene: "",
  selection: [] as string[],
  /// The canvas edited and shown in the editing view: `main` or one of the collection's.
  canvas: "main",
};

export const history = new History<{ scene: string; canvas: string; before: LayerTransform[]; after: LayerTransform[] }>();

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/// True while the user is in a form: renders leave what they are typing alone.
export const editing = (form: string) => $(form).contains(document.activeElement);

export const primary = () => store.selection[store.selection.length - 1] ?? null;

/// Renders every panel from the store; main.ts sets it.
let renderAll = () => {};
export function setRender(render: () => void) {
  renderAll = render;
}
export function render() {
  renderAll();
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

export function notice(level: NoticeLevel, message: string) {
  pushNotice(level, message);
}

/// Puts `value` (`what`: "The invite link for Ana") on the clipboard and says so with `then`
/// (what to do with it), or says why it could not.
export async function copyText(what: string, value: string, then: string) {
  try {
    await navigator.clipboard.writeText(value);
    notice("info", `${what} is copied: ${then}`);
  } catch {
    notice("warning", `${what} could not be copied: this browser does not allow it here.`);
  }
}

/// Sends a command; a refusal shows as a notice, not in the console. True when applied.
export async function run(command: Command): Promise<boolean> {
  try {
    await store.connection.send(command);
    return true;
  } catch (e) {
    notice("error", (e as Error).message);
    return false;
  }
}

export function scene(): Scene | undefined {
  return store.state.collection.scenes.find((s) => s.name === store.selectedScene);
}

/// A scene's layers as canvas `canvas` arranges them (each canvas has its own layout).
export function layersOf(s: Scene | undefined, canvas = store.canvas): Layer[] {
  if (!s) return [];
  return canvas === "main" ? s.layers : (s.layouts?.[canvas] ?? []);
}

/// The selected scene's layers on the canvas being edited.
export function layers(): Layer[] {
  return layersOf(scene());
}

/// The size of canvas `name` (the one being edited by default).
export function canvasSize(name = store.canvas): { width: number; height: number } {
  const c = store.state.collection;
  return c.canvases?.find((x) => x.name === name) ?? c.canvas;
}

/// The `canvas` field of a layer command: absent for main.
export const onCanvas = (canvas = store.canvas) => (canvas === "main" ? {} : { canvas });

export function selected(): Layer | undefined {
  return layers().find((l) => l.source === primary());
}

export function sourceLabel(id: string) {
  const s = store.state.collection.sources.find((x) => x.id === id);
  return s?.name || id;
}
