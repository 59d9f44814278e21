// Hotkeys: the profile's key combinations, acted on while the page has focus (and, in the
// desktop app, relayed from the system-wide shortcuts), never while the user types in a form.
// Keys are named by their physical key (event.code), so Shift+1 is "Shift+1" on any layout.
import type { Hotkey, HotkeyAction } from "./protocol.gen";
import { $, el, notice, render, run, sourceLabel, store } from "./store";

const NAMED = ["Enter", "Space", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Pause"];

/// The combination a key press makes ("Ctrl+Shift+P"), or null for a modifier alone.
export function keysOf(e: Pick<KeyboardEvent, "code" | "ctrlKey" | "altKey" | "shiftKey" | "metaKey">): string | null {
  const code = e.code;
  let key: string | null = null;
  if (/^Key[A-Z]$/.test(code)) key = code.slice(3);
  else if (/^Digit\d$/.test(code)) key = code.slice(5);
  else if (/^Numpad\d$/.test(code)) key = `Num${code.slice(6)}`;
  else if (/^F\d{1,2}$/.test(code)) key = code;
  else if (code === "NumpadEnter") key = "Enter";
  else if (NAMED.includes(code)) key = code;
  if (!key) return null;
  return [e.ctrlKey && "Ctrl", e.altKey && "Alt", e.shiftKey && "Shift", e.metaKey && "Meta", key].filter(Boolean).join("+");
}

/// The user is typing: a form field has the focus.
export function typing(target: EventTarget | null): boolean {
  return typeof Element !== "undefined" && target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null;
}

export function describe(action: HotkeyAction): string {
  switch (action.type) {
    case "switch_scene": {
      const scene = store.state?.collection.scenes[action.number - 1];
      return `Scene ${action.number}${scene ? ` (${scene.name})` : ""}`;
    }
    case "transition": return "Transition";
    case "studio_mode": return "Studio mode on/off";
    case "go_live": return "Go live / stop";
    case "record": return "Record / stop";
    case "mute": return `Mute ${sourceLabel(action.source)}`;
    case "panic": return "Panic";
    case "save_replay": return "Save replay";
    case "add_marker": return "Add marker";
  }
  return "";
}

/// Carries out a hotkey's action as its button would.
export function perform(action: HotkeyAction) {
  switch (action.type) {
    case "switch_scene": {
      const scene = store.state.collection.scenes[action.number - 1];
      if (!scene) return notice("warning", `Hotkey: there is no scene ${action.number}`);
      void run({ type: "switch_scene", scene: scene.name }).then((ok) => {
        if (ok) { store.selectedScene = scene.name; render(); }
      });
      return;
    }
    case "mute": {
      const source = store.state.collection.sources.find((s) => s.id === action.source);
      if (!source) return notice("warning", `Hotkey: there is no source ${action.source}`);
      void run({ type: "set_audio_mix", source: source.id, mix: { ...source.audio, muted: !source.audio?.muted } as never });
      return;
    }
    case "transition": return void run({ type: "transition", transition: null });
    case "panic": return void run({ type: "panic" });
    case "studio_mode": return $("studio-mode").click();
    case "go_live": return $("go-live").click();
    case "record": return $("record").click();
    case "save_replay": return $("save-replay").click();
    case "add_marker": return $("marker").click();
  }
}

/// The hotkey for a key press, if any.
export function match(hotkeys: Hotkey[], keys: string | null): Hotkey | undefined {
  return keys ? hotkeys.find((h) => h.keys === keys) : undefined;
}

/// A key press that came from the system (the desktop app's global shortcuts) or the page.
export function pressed(keys: string, target: EventTarget | null): boolean {
  if (typing(target) && document.hasFocus()) return false;
  const hotkey = match(store.state.profile.hotkeys, keys);
  if (hotkey) perform(hotkey.action);
  return hotkey !== undefined;
}

const save = (hotkeys: Hotkey[]) => run({ type: "set_hotkeys", hotkeys });

/// Waits for the next key combination pressed on `button` and passes it on.
function capture(button: HTMLButtonElement, done: (keys: string) => void) {
  const before = button.textContent;
  button.textContent = "Press keys…";
  button.onkeydown = (e) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.code === "Escape") return void (button.textContent = before, (button.onkeydown = null));
    const keys = keysOf(e);
    if (!keys) return;
    button.onkeydown = null;
    button.textContent = keys;
    done(keys);
  };
  button.onblur = () => {
    if (button.onkeydown) { button.onkeydown = null; button.textContent = before; }
  };
}

export function renderHotkeys() {
  const hotkeys = store.state.profile.hotkeys;
  // A scene number past the collection's scenes does nothing: it is kept, not listed.
  const scenes = store.state.collection.scenes.length;
  const listed = hotkeys.map((h, i) => [h, i] as const).filter(([h]) => h.action.type !== "switch_scene" || h.action.number <= scenes);
  $("hotkey-list").replaceChildren(
    ...listed.map(([h, i]) => {
      const keys = el("button", { type: "button", className: "keys", textContent: h.keys, title: "Click, then press the new keys (Escape keeps these)" });
      keys.setAttribute("aria-label", `Keys for ${describe(h.action)}: ${h.keys}`);
      keys.onclick = () => capture(keys, (k) => save(hotkeys.map((x, j) => (j === i ? { ...x, keys: k } : x))));
      const remove = el("button", { type: "button", textContent: "✕", title: "Remove this hotkey" });
      remove.setAttribute("aria-label", `Remove the hotkey for ${describe(h.action)}`);
      remove.onclick = () => save(hotkeys.filter((_, j) => j !== i));
      const item = el("li", {}, el("span", { className: "name", textContent: describe(h.action) }), keys, remove);
      item.dataset.hotkey = h.keys;
      return item;
    }),
  );
  const sources = $("hotkey-source") as HTMLSelectElement;
  const ids = store.state.collection.sources.filter((s) => ["tone", "microphone", "media_file"].includes(s.kind)).map((s) => s.id);
  if (sources.options.length !== ids.length || [...sources.options].some((o, i) => o.value !== ids[i])) {
    sources.replaceChildren(...ids.map((id) => el("option", { value: id, textContent: sourceLabel(id) })));
  }
}

/// The action the add-hotkey form describes.
function formAction(): HotkeyAction {
  const type = ($("hotkey-action") as HTMLSelectElement).value as HotkeyAction["type"];
  if (type === "switch_scene") return { type, number: Number(($("hotkey-scene") as HTMLInputElement).value) || 1 };
  if (type === "mute") return { type, source: ($("hotkey-source") as HTMLSelectElement).value };
  return { type } as HotkeyAction;
}

export function setupHotkeys() {
  // Enter in a field must not submit (and reload) the page; the page's CSP allows no inline
  // handler for that.
  $("hotkeys-form").onsubmit = (e) => e.preventDefault();
  document.addEventListener("keydown", (e) => {
    if (e.repeat || typing(e.target)) return;
    if (pressed(keysOf(e) ?? "", e.target)) e.preventDefault();
  });
  const showFields = () => {
    const type = ($("hotkey-action") as HTMLSelectElement).value;
    $("hotkey-scene").closest("label")!.hidden = type !== "switch_scene";
    $("hotkey-source").closest("label")!.hidden = type !== "mute";
  };
  $("hotkey-action").onchange = showFields;
  showFields();
  const add = $("hotkey-add") as HTMLButtonElement;
  add.onclick = () => capture(add, (keys) => {
    add.textContent = "Press keys to add";
    void save([...store.state.profile.hotkeys, { keys, action: formAction() }]);
  });
}
