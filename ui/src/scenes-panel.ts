// Scenes: the list (select, put on air) and its buttons and form.
import { $, el, render, run, store } from "./store";
import { pictureKey, pictures } from "./pictures.svelte";

export function renderScenes() {
  const list = $("scene-list");
  list.replaceChildren(
    ...store.state.collection.scenes.map((s) => {
      const item = el("li", { className: s.name === store.state.program_scene ? "on-air" : "" });
      item.classList.toggle("safe", s.name === store.state.collection.safe_scene);
      item.classList.toggle("selected", s.name === store.selectedScene);
      // The engine's picture of the scene, once it has come.
      const key = pictureKey({ kind: "scene", name: s.name });
      const thumb = pictures[key] ? el("img", { className: "thumb", src: pictures[key], alt: "" }) : el("span", { className: "thumb" });
      thumb.dataset.picture = key;
      // A button per scene (a list of buttons, not a listbox: each row has its Cut button too).
      const name = el("button", { type: "button", className: "name", title: "Click to edit; double-click or Enter to put on air" }, thumb, el("span", { textContent: s.name }));
      if (s.name === store.selectedScene) name.setAttribute("aria-current", "true");
      name.onclick = () => { store.selectedScene = s.name; store.selection = []; render(); };
      name.ondblclick = () => run({ type: "switch_scene", scene: s.name });
      name.onkeydown = (e) => {
        if (e.key === "Enter") { e.preventDefault(); run({ type: "switch_scene", scene: s.name }); }
      };
      // In studio mode a pick goes to the preview scene; Transition puts it on air.
      const studio = store.state.preview_scene !== null;
      item.classList.toggle("in-preview", studio && s.name === store.state.preview_scene);
      const cut = el("button", { textContent: studio ? "Preview" : "Cut", title: studio ? `Prepare ${s.name} in preview` : `Put ${s.name} on air` });
      // The visible word first, as speech input users say it.
      cut.setAttribute("aria-label", studio ? `Preview ${s.name}` : `Cut to ${s.name}`);
      cut.onclick = () => run({ type: "switch_scene", scene: s.name }).then((ok) => { if (ok) { store.selectedScene = s.name; render(); } });
      item.append(name, cut);
      return item;
    }),
  );
  $("on-air").textContent = `On air: ${store.state.program_scene}`;
  const safe = store.state.collection.safe_scene;
  $("scene-safe").textContent = safe === store.selectedScene ? "Unmark safe" : "Mark safe";
  ($("panic") as HTMLButtonElement).disabled = !safe;
  $("panic").title = safe ? `Cut to ${safe} now, no questions asked` : "Mark a scene safe first (Mark safe, under the scene list)";
}

/// The scene list's buttons and the add-scene form.
export function setupScenes() {
  $("add-scene").onsubmit = (e) => {
    e.preventDefault();
    const input = $("new-scene-name") as HTMLInputElement;
    run({ type: "add_scene", name: input.value.trim() }).then((ok) => { if (ok) { store.selectedScene = input.value.trim(); input.value = ""; render(); } });
  };
  $("scene-rename").onclick = () => {
    const name = prompt("New name for the scene", store.selectedScene);
    if (name) run({ type: "rename_scene", scene: store.selectedScene, name }).then((ok) => { if (ok) { store.selectedScene = name; render(); } });
  };
  $("scene-duplicate").onclick = () => run({ type: "duplicate_scene", scene: store.selectedScene, name: `${store.selectedScene} copy` });
  $("scene-remove").onclick = () => run({ type: "remove_scene", scene: store.selectedScene });
  const move = (delta: number) => {
    const index = store.state.collection.scenes.findIndex((s) => s.name === store.selectedScene);
    run({ type: "move_scene", scene: store.selectedScene, index: Math.max(0, index + delta) });
  };
  $("scene-safe").onclick = () => {
    const safe = store.state.collection.safe_scene === store.selectedScene ? null : store.selectedScene;
    run({ type: "set_safe_scene", scene: safe });
  };
  // No confirmation: a panic that asks first is not one.
  $("panic").onclick = () => run({ type: "panic" });
  $("scene-up").onclick = () => move(-1);
  $("scene-down").onclick = () => move(1);
}
