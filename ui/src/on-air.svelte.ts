// What the header's on-air strip shows, as Svelte state: LIVE with how long, REC with how long,
// and each live destination's health. Filled from the store on every render; the component
// (components/OnAir.svelte) follows it.
import type { Platform } from "./protocol.gen";
import { store } from "./store";
import { clock } from "./clock";
import { plain } from "./words";

export interface DestinationChip {
  name: string;
  platform: Platform;
  /** connecting, live, reconnecting, failed, stopped */
  state: string;
  kbps: number;
  problem: string | null;
}

export const onAir = $state({
  live: false,
  liveFor: "",
  recording: false,
  recordingFor: "",
  destinations: [] as DestinationChip[],
  /** Destinations in trouble, in plain words; empty when all is well. */
  warning: "",
});

/** When the destinations went live and the recording began, on the page's clock. */
let liveSince: number | null = null;
let recordingSince: number | null = null;

/** When the destinations went live (page clock), for the delay's countdown; null while off air. */
export const wentLiveAt = () => liveSince;

export function renderOnAir() {
  const state = store.state;
  const sinks = store.stats?.session?.sinks ?? [];
  onAir.live = state.live.length > 0;
  if (onAir.live) liveSince ??= Date.now();
  else liveSince = null;
  onAir.liveFor = liveSince === null ? "" : clock((Date.now() - liveSince) / 1000);
  onAir.recording = state.recording !== null;
  if (onAir.recording) recordingSince ??= Date.now();
  else recordingSince = null;
  onAir.recordingFor = recordingSince === null ? "" : clock((Date.now() - recordingSince) / 1000);
  onAir.destinations = state.live.map((name) => {
    const platform: Platform = state.profile.destinations.find((d) => d.name === name)?.platform ?? "custom";
    const sink = sinks.find((s) => s.name.startsWith(`${name} (`));
    const st = sink?.destination?.state;
    return {
      name,
      platform,
      state: st?.state ?? "connecting",
      kbps: Math.round(sink?.bitrate_kbps ?? 0),
      problem: problemOf(sink?.uplink ?? (st && "error" in st ? st.error : null)),
    };
  });
  const trouble = onAir.destinations.filter((d) => d.state === "reconnecting" || d.state === "failed");
  onAir.warning = trouble.length
    ? `${trouble.map((d) => d.name).join(", ")} ${trouble.length === 1 ? "is" : "are"} not receiving the stream`
    : "";
}

const problemOf = (said: string | null) => (said === null ? null : plain(said));
