// The brand page: the kit's colours (changed on air at once), its logos and fonts with their
// pictures and files sent from the page, the lock, and kit archives (its templates are in the
// Graphics tab).
import type { BrandFileGroup, BrandKit } from "./protocol.gen";
import { $, editing, el, notice, run, store } from "./store";
import { pictureKey, pictures } from "./pictures.svelte";

export function renderBrand() {
  const brand = store.state.brand;
  $("no-brand").hidden = brand !== null;
  $("brand-kit").hidden = brand === null;
  $("brand-name").textContent = brand?.kit.name ?? "none";
  if (!brand) return;
  const { kit } = brand;
  // The page's accents follow the kit (opaque: it is drawn over the page's own surfaces).
  const primary = kit.colors[kit.defaults.background] ?? kit.colors.primary;
  if (primary) document.documentElement.style.setProperty("--brand", primary.slice(0, 7));
  $("brand-lock-state").textContent = kit.locked ? "Locked: branded layers keep their place and style" : "Unlocked";
  $("brand-lock").hidden = kit.locked;
  $("brand-unlock").hidden = !kit.locked || !$("brand-unlock-confirm").hidden;
  if (!kit.locked) $("brand-unlock-confirm").hidden = true;
  if (!editing("brand-colors")) {
    $("brand-colors").replaceChildren(
      el("legend", { textContent: "Colours" }),
      ...Object.entries(kit.colors).map(([name, value]) => {
        const input = document.createElement("input");
        Object.assign(input, { type: "color", value: (value ?? "").slice(0, 7).toLowerCase() });
        input.dataset.color = name;
        // The picker has no alpha: a colour keeps the transparency it had.
        input.onchange = () => updateKit((k) => { k.colors[name] = input.value.toUpperCase() + (value ?? "").slice(7); });
        return el("label", {}, input, ` ${name}`);
      }),
    );
  }
  renderFiles("logos");
  renderFiles("fonts");
}

/// A kit's logos or fonts, each with its picture (the logo itself, or a line in the font) and
/// a Replace button that sends another file under the same name.
function renderFiles(group: BrandFileGroup) {
  const kit = store.state.brand!.kit;
  const list = $(`brand-${group}`).querySelector("ul")!;
  list.replaceChildren(
    ...Object.keys(kit[group]).map((name) => {
      const key = pictureKey({ kind: "brand_file", file: { group, name } });
      const thumb = pictures[key] ? el("img", { src: pictures[key], alt: "" }) : el("span", { className: "placeholder" });
      thumb.dataset.picture = key;
      const replace = el("button", { type: "button", textContent: "Replace…" });
      replace.setAttribute("aria-label", `Replace ${group === "logos" ? "logo" : "font"} ${name}`);
      replace.onclick = () => pick(group, name);
      return el("li", {}, thumb, el("span", { className: "name", textContent: name }), replace);
    }),
  );
}

/// What the file input is picking for: a group, and the kit name (new when null).
let picking: { group: BrandFileGroup; name: string | null } = { group: "logos", name: null };

function pick(group: BrandFileGroup, name: string | null) {
  picking = { group, name };
  const input = $("brand-file-input") as HTMLInputElement;
  input.accept = group === "logos" ? ".png,.svg,.webp,.jpg,.jpeg" : ".ttf,.otf";
  input.value = "";
  input.click();
}

/// A kit name made from a file name: "Partner Logo.png" gives "partner-logo".
export function kitName(fileName: string) {
  const stem = fileName.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return stem || "file";
}

/// Sends the picked file to the engine, which stores it beside the kit and names it there.
async function send(file: File) {
  if (file.size > 10 * 1024 * 1024) return notice("error", `“${file.name}” is larger than 10 MiB; use a smaller file`);
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  const data = url.slice(url.indexOf(",") + 1);
  const name = picking.name ?? kitName(file.name);
  await run({ type: "add_brand_file", group: picking.group, name, file_name: file.name, data });
}

/// Sends the kit with one change; the engine restyles every source naming it.
function updateKit(change: (kit: BrandKit) => void) {
  const kit = structuredClone(store.state.brand!.kit);
  change(kit);
  return run({ type: "update_brand", kit });
}

export function setupBrand() {
  $("brand-lock").onclick = () => run({ type: "set_brand_lock", locked: true });
  // Unlocking is deliberate: a second button to confirm.
  $("brand-unlock").onclick = () => { $("brand-unlock").hidden = true; $("brand-unlock-confirm").hidden = false; };
  $("brand-unlock-confirm").onclick = () => { $("brand-unlock-confirm").hidden = true; run({ type: "set_brand_lock", locked: false }); };
  for (const button of document.querySelectorAll<HTMLButtonElement>("#brand .add-file")) {
    button.onclick = () => pick(button.dataset.group as BrandFileGroup, null);
  }
  $("brand-file-input").onchange = () => {
    const file = ($("brand-file-input") as HTMLInputElement).files?.[0];
    if (file) void send(file);
  };
  $("brand-export").onsubmit = (e) => { e.preventDefault(); run({ type: "export_brand", path: ($("brand-export-path") as HTMLInputElement).value.trim() }); };
  $("brand-import").onsubmit = (e) => { e.preventDefault(); run({ type: "import_brand", path: ($("brand-import-path") as HTMLInputElement).value.trim() }); };
}
