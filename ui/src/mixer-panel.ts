// The audio mixer panel: one strip per sounding source and the master.
import type { Meters } from "./protocol.gen";
import { buildStrip, mixOf, type StripView } from "./mixer";
import { $, run, sourceLabel, store } from "./store";

/// The strips by source id, and the ids they were built for (null forces a rebuild; "" is a
/// scene with no sound).
let strips = new Map<string, StripView>();
let stripKey: string | null = null;

/// The next meters rebuild the strips (the sources or their mix may have changed).
export function resetMixer() {
  stripKey = null;
}

/// Meters 20 times a second: the strips are rebuilt only when the sources or their mix change.
export function renderMixer(meters: Meters) {
  const key = meters.sources.map((m) => m.source).join("\n");
  if (key !== stripKey) {
    stripKey = key;
    strips = new Map();
    const guests = store.state.collection.sources.some((s) => s.kind === "guest");
    const views = meters.sources.map((m) => {
      const source = store.state.collection.sources.find((s) => s.id === m.source);
      const view = buildStrip(m.source, sourceLabel(m.source), mixOf(source), (mix) => run({ type: "set_audio_mix", source: m.source, mix }), guests);
      strips.set(m.source, view);
      return view.root;
    });
    const master = buildStrip("master", "Master", mixOf(undefined), null);
    strips.set("master", master);
    $("strips").replaceChildren(...views, master.root);
  }
  for (const m of meters.sources) strips.get(m.source)?.update(m, m.state);
  strips.get("master")?.update(meters.master, "live");
}
