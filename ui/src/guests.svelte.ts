// What the Guests tab shows: each guest slot of the collection (a guest source) with who is in
// it (nobody, waiting in the lobby, on air), their camera and level, and the host's moves:
// copy or renew the invite link, bring on air, send back, mute, remove. A guest added here
// sits in the scene being edited as a centred half of the canvas.
import type { GuestInfo, PeopleLayout, Source, Transform } from "./protocol.gen";
import { canvasSize, copyText, notice, onCanvas, render, run, store } from "./store";
import { mixOf } from "./mixer";

export interface GuestSlot {
  slot: string;
  /** The guest source's id, for its mixer strip. */
  source: string;
  /** The name the host gave the slot ("Ana"). */
  label: string;
  /** Who is in it now, if anyone. */
  guest: GuestInfo | null;
  muted: boolean;
}

export const guests = $state({ slots: [] as GuestSlot[], scene: "", vertical: false, dress: true });

let present: GuestInfo[] = [];
/** Invite links received this session, by slot. */
const links = new Map<string, string>();
const waiting = new Map<string, (url: string) => void>();

/// Fills the tab from the collection and who is in the studio.
export function renderGuests() {
  guests.scene = store.selectedScene;
  const { width, height } = canvasSize();
  guests.vertical = height > width;
  guests.slots = store.state.collection.sources.flatMap((s) =>
    s.kind === "guest"
      ? [{ slot: s.settings.slot, source: s.id, label: s.settings.name || s.name || s.settings.slot, guest: present.find((g) => g.slot === s.settings.slot) ?? null, muted: mixOf(s).muted }]
      : [],
  );
}

export function receiveGuests(list: GuestInfo[]) {
  present = list;
  renderGuests();
}

export function receiveGuestLink(slot: string, url: string) {
  links.set(slot, url);
  waiting.get(slot)?.(url);
  waiting.delete(slot);
}

/// The slot's invite link (a new one with `renew`, which stops the old one working).
async function link(slot: string, renew: boolean): Promise<string | null> {
  if (!renew && links.has(slot)) return links.get(slot)!;
  const arrived = new Promise<string>((resolve) => waiting.set(slot, resolve));
  if (!(await run({ type: "guest_link", slot, renew }))) return null;
  return arrived;
}

/// Copies the slot's invite link for the host to send.
export async function copyLink(g: GuestSlot, renew = false) {
  const url = await link(g.slot, renew);
  if (url) await copyText(`${renew ? "A new invite link" : "The invite link"} for ${g.label}`, url, `send it to them.${renew ? " The old one no longer works." : ""}`);
}

/// Copies what a WHIP publisher (OBS Studio 30+) needs for this spot: the server, or the
/// Bearer token (the invite link's own, so a new link revokes it too).
export async function copyWhip(g: GuestSlot, part: "server" | "token") {
  const url = await link(g.slot, false);
  if (!url) return;
  const [page, token] = url.split("#");
  if (part === "server") await copyText(`The WHIP server for ${g.label}`, page.replace("/guest/", "/whip/"), "paste it as OBS's Server.");
  else await copyText(`The WHIP token for ${g.label}`, token, "paste it as OBS's Bearer Token.");
}

export const admit = (g: GuestSlot) => run({ type: "admit_guest", slot: g.slot });
export const sendBack = (g: GuestSlot) => run({ type: "send_guest_back", slot: g.slot });
export const remove = (g: GuestSlot) => run({ type: "remove_guest", slot: g.slot });

export function setMuted(g: GuestSlot, muted: boolean) {
  const source = store.state.collection.sources.find((s) => s.id === g.source);
  return run({ type: "set_audio_mix", source: g.source, mix: { ...mixOf(source), muted } });
}

/// Adds a lower third with the guest's name (the one they typed, else the spot's) to the scene
/// being edited, off air until shown from the Graphics tab.
export async function nameTag(g: GuestSlot) {
  const title = g.guest?.name || g.label;
  if (await run({ type: "add_template", scene: store.selectedScene, template: "lower_third", title })) {
    notice("info", `A name tag for ${title} is in ${store.selectedScene}: show it from Graphics when they are on.`);
  }
}

/// Adds a new guest slot to the scene being edited.
export async function addGuest() {
  const taken = new Set(store.state.collection.sources.map((s) => s.id));
  let n = 1;
  while (taken.has(`guest-${n}`)) n++;
  const id = `guest-${n}`;
  const source: Source = { id, name: `Guest ${n}`, kind: "guest", settings: { slot: id, name: `Guest ${n}` } };
  const { width, height } = canvasSize();
  const transform: Transform = { x: width / 4, y: height / 4, width: width / 2, height: height / 2, crop: { left: 0, top: 0, right: 0, bottom: 0 }, rotation: 0, opacity: 1, fit: "cover" };
  if (await run({ type: "add_source", scene: store.selectedScene, source, transform, ...onCanvas() })) {
    store.selection = [id];
    render();
  }
}

/// Asks for the connected guests' cameras once a second, while the tab is open.
export function watchCameras(isOpen: () => boolean) {
  return setInterval(() => {
    const slots = present.filter((g) => g.connected).map((g) => g.slot);
    if (isOpen() && slots.length) void run({ type: "render_pictures", scenes: [], sources: [], templates: [], brand_files: [], guests: slots });
  }, 1000);
}

/// Arranges the cameras and guest spots of the scene being edited, on the canvas being
/// edited; the selected one, if a person, is the speaker.
export function arrangePeople(layout: PeopleLayout) {
  const people = new Set(store.state.collection.sources.filter((s) => s.kind === "guest" || s.kind === "camera").map((s) => s.id));
  const speaker = [...store.selection].reverse().find((id) => people.has(id));
  return run({ type: "arrange_people", scene: store.selectedScene, layout, dress: guests.dress, ...onCanvas(), ...(speaker ? { speaker } : {}) });
}
