// The studio page: renders the state the engine pushes and turns clicks, drags and keys into
// protocol commands. The engine is the source of truth; the page keeps only what is being
// edited (selection, an unfinished drag). Each panel is a module over one store (store.ts).
import { Connection } from "./connection";
import { openCarrier } from "./carrier";
import { history, notice, onCanvas, run, setRender, store } from "./store";
import { renderCanvases, setupCanvases } from "./canvases-panel";
import { renderScenes, setupScenes } from "./scenes-panel";
import { renderLayers, renderProperties, renderDevices, setupSources } from "./sources-panel";
import { renderSelection, setupEditor } from "./layout-editor";
import { health, renderButtons, renderDestinations, renderStatus, setupDestinations } from "./destinations-panel";
import { renderCollection, renderFiles, renderSettings, setupSettings } from "./settings-panel";
import { renderMixer, resetMixer } from "./mixer-panel";
import { connectProgram, renderStudioMode, setupStudioMode, studioPreview } from "./studio-mode";
import { pressed, renderHotkeys, setupHotkeys } from "./hotkeys";
import { renderBrand, setupBrand } from "./brand-panel";
import { mount } from "svelte";
import OnAir from "./components/OnAir.svelte";
import Notices from "./components/Notices.svelte";
import NoticesButton from "./components/NoticesButton.svelte";
import SidebarTabs from "./components/SidebarTabs.svelte";
import { renderOnAir } from "./on-air.svelte";
import GraphicsTab from "./components/GraphicsTab.svelte";
import GoLiveDialog from "./components/GoLiveDialog.svelte";
import { renderGraphics } from "./graphics.svelte";
import { receivePictures, refreshPictures } from "./pictures.svelte";
import { receiveGuestLink, receiveGuests, renderGuests } from "./guests.svelte";
import GuestsTab from "./components/GuestsTab.svelte";
import RemoteControl from "./components/RemoteControl.svelte";
import { receiveRemotePassword, renderRemote } from "./remote.svelte";

function render() {
  if (!store.state.collection.scenes.some((s) => s.name === store.selectedScene)) store.selectedScene = store.state.program_scene;
  // First: a graphic just added becomes the selection the other panels draw.
  renderGraphics();
  renderGuests();
  renderRemote();
  renderCanvases();
  renderScenes();
  renderLayers();
  renderProperties();
  renderSelection();
  renderDestinations();
  renderOnAir();
  renderButtons();
  renderSettings();
  renderCollection();
  renderStudioMode();
  renderHotkeys();
  renderBrand();
  resetMixer();
  refreshPictures(store.state);
}

/// The layout editor's undo and redo (the other keys are the profile's hotkeys).
function setupUndo() {
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    e.preventDefault();
    const entry = e.shiftKey ? history.redo() : history.undo();
    if (entry) run({ type: "set_transforms", scene: entry.scene, layers: e.shiftKey ? entry.after : entry.before, ...onCanvas(entry.canvas) });
  });
}

async function main() {
  setRender(render);
  mount(OnAir, { target: document.getElementById("on-air-strip")! });
  mount(Notices, { target: document.getElementById("notices")! });
  mount(NoticesButton, { target: document.getElementById("notices-button-slot")! });
  mount(SidebarTabs, { target: document.getElementById("sidebar-tabs")! });
  mount(GraphicsTab, { target: document.getElementById("graphics")! });
  mount(GuestsTab, { target: document.getElementById("guests")! });
  mount(GoLiveDialog, { target: document.getElementById("golive-slot")! });
  mount(RemoteControl, { target: document.getElementById("remote-slot")! });
  try {
    store.connection = await Connection.open(await openCarrier(), {
      state: (s) => { store.state = s; render(); },
      stats: (s) => {
        store.stats = s;
        if (s.session) health.add(s.session.elapsed_s, s.session.sinks);
        else health.clear();
        renderDestinations(); renderOnAir(); renderButtons(); renderStatus();
      },
      notice,
      meters: renderMixer,
      devices: (d) => { store.devices = d; renderDevices(); },
      files: renderFiles,
      pictures: receivePictures,
      guests: receiveGuests,
      guestLink: receiveGuestLink,
      remotePassword: receiveRemotePassword,
      hotkey: (keys) => { pressed(keys, document.activeElement); },
      closed: (reason) => notice("error", reason),
    });
  } catch (e) {
    notice("error", (e as Error).message);
    return;
  }
  connectProgram();
  setupEditor();
  setupScenes();
  setupSources();
  setupDestinations();
  setupSettings();
  setupStudioMode();
  setupCanvases();
  setupHotkeys();
  setupBrand();
  setupUndo();
  window.addEventListener("resize", () => { renderSelection(); connectProgram(); });
  // For tests and the curious: the page's live view of the studio.
  Object.assign(window, { streamwerk: { get state() { return store.state; }, get preview() { return store.preview; }, get devices() { return store.devices; }, get studioPreview() { return studioPreview.stats; }, hotkey: (keys: string) => pressed(keys, null) } });
  run({ type: "list_devices" });
}

main();
