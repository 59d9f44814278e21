// The brand page: the kit's colours (changed on air at once), fonts and logos, the lock, and
// kit archives (its templates are in the Graphics tab).
import type { BrandKit } from "./protocol.gen";
import { $, editing, el, run, store } from "./store";

export function renderBrand() {
  const brand = store.state.brand;
  $("no-brand").hidden = brand !== null;
  $("brand-kit").hidden = brand === null;
  $("brand-name").textContent = brand?.kit.name ?? "none";
  if (!brand) return;
  const { kit } = brand;
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
  if (!editing("brand-files")) {
    const files = (group: "fonts" | "logos", legend: string) =>
      $(`brand-${group}`).replaceChildren(
        el("legend", { textContent: legend }),
        ...Object.entries(kit[group]).map(([name, path]) => {
          const input = document.createElement("input");
          input.value = path ?? "";
          input.dataset.name = name;
          return el("label", {}, `${name} `, input);
        }),
      );
    files("fonts", "Fonts");
    files("logos", "Logos");
  }
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
  $("brand-files").onsubmit = (e) => {
    e.preventDefault();
    updateKit((kit) => {
      for (const group of ["fonts", "logos"] as const) {
        for (const input of $(`brand-${group}`).querySelectorAll("input")) kit[group][input.dataset.name!] = input.value.trim();
      }
    });
  };
  $("brand-export").onsubmit = (e) => { e.preventDefault(); run({ type: "export_brand", path: ($("brand-export-path") as HTMLInputElement).value.trim() }); };
  $("brand-import").onsubmit = (e) => { e.preventDefault(); run({ type: "import_brand", path: ($("brand-import-path") as HTMLInputElement).value.trim() }); };
}
