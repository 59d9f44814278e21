// The Go Live dialog's state: which destinations this broadcast goes to (their Enabled
// switch, kept for next time), the canvas each streams, and the keys that last one broadcast.
import type { BroadcastKey, Platform } from "./protocol.gen";
import { canvasSize, run, store } from "./store";

export interface Choice {
  name: string;
  platform: Platform;
  /** The canvas it streams, in words: "Main (16:9)", "vertical (9:16)". */
  canvas: string;
  picked: boolean;
  askKey: boolean;
  key: string;
}

export const goLive = $state({ open: false, choices: [] as Choice[] });

function canvasWords(name: string) {
  const size = canvasSize(name);
  const shape = size.width > size.height ? "16:9" : size.width < size.height ? "9:16" : "1:1";
  return `${name === "main" ? "Main" : name} canvas (${shape})`;
}

export function openGoLive() {
  goLive.choices = store.state.profile.destinations.map((d) => ({
    name: d.name,
    platform: d.platform,
    canvas: canvasWords(store.state.destination_canvases[d.name] ?? "main"),
    picked: d.enabled,
    askKey: d.key_per_broadcast ?? false,
    key: "",
  }));
  goLive.open = true;
}

/// Saves which destinations are on, then goes live with this broadcast's keys (never saved).
export async function confirmGoLive() {
  const choices = goLive.choices;
  goLive.open = false;
  for (const c of choices) {
    const d = store.state.profile.destinations.find((x) => x.name === c.name);
    if (d && d.enabled !== c.picked && !(await run({ type: "set_destination", destination: { ...d, enabled: c.picked } }))) return;
  }
  const keys: BroadcastKey[] = choices.filter((c) => c.picked && c.askKey).map((c) => ({ destination: c.name, key: c.key }));
  for (const c of choices) c.key = "";
  await run({ type: "go_live", keys });
}
