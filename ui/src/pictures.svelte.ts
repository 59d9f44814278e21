// The engine's small pictures of scenes, graphics and gallery templates, by what they show.
// After each state the page asks again only for those whose inputs changed (the scene's
// layers, the sources it shows, the brand kit), a moment later so a drag asks once.
import type { Picture, StudioState } from "./protocol.gen";
import { changedPictures, pictureKey } from "./picture-requests";
import { run } from "./store";

export { gallery, pictureKey } from "./picture-requests";


/// The pictures received, as data: URLs by key.
export const pictures = $state<Record<string, string>>({});

/// What each picture was last asked for from, by key.
const asked = new Map<string, string>();
let timer: ReturnType<typeof setTimeout> | undefined;
export function receivePictures(list: Picture[]) {
  for (const p of list) pictures[pictureKey(p.of)] = p.url;
  showPictures();
}

/// Puts each picture into the elements outside Svelte that show it (marked `data-picture`
/// with its key), in place: nothing is drawn anew, so focus and a click in progress stay.
export function showPictures() {
  for (const el of document.querySelectorAll<HTMLElement>("[data-picture]")) {
    const url = pictures[el.dataset.picture!];
    if (!url) continue;
    if (el instanceof HTMLImageElement) {
      if (el.src !== url) el.src = url;
      continue;
    }
    const img = Object.assign(document.createElement("img"), { src: url, alt: "", className: el.className });
    img.dataset.picture = el.dataset.picture;
    el.replaceWith(img);
  }
}

/// Asks for the pictures whose inputs changed since they were last asked for.
export function refreshPictures(state: StudioState) {
  clearTimeout(timer);
  timer = setTimeout(() => request(state), 250);
}

function request(state: StudioState) {
  const wanted = changedPictures(state, asked);
  if (Object.values(wanted).some((list) => list.length)) void run({ type: "render_pictures", ...wanted, guests: [] });
}
