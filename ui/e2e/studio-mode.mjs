// Studio mode, hotkeys, a vertical canvas, the brand page and Import from OBS in Debian's Chromium, against a
// running `streamwerk serve` of the demo. Called by tests/tests/studio.rs. Usage:
// node e2e/studio-mode.mjs STUDIO_URL OBS_COLLECTION SHOT_DIR
// Prints one JSON line with what the Rust side verifies.
import { openStudio } from "./chromium.mjs";

const [url, obs, shots] = process.argv.slice(2);
const { browser, page, state, shot, axe, consoleErrors } = await openStudio(url, shots);
const until = (f, arg) => page.waitForFunction(f, arg, { timeout: 10000 });
/// The colour at (x, y) of the 1280x720 program as canvas `id` draws it (frames come at the
/// size the page shows them).
const colourAt = (id, x, y) => page.evaluate(([id, x, y]) => {
  const c = document.getElementById(id);
  const [cx, cy] = [Math.round((x * c.width) / 1280), Math.round((y * c.height) / 720)];
  return [...c.getContext("2d").getImageData(cx, cy, 1, 1).data.slice(0, 3)];
}, [id, x, y]);
const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 16);
/// Waits until the canvas shows `want` at (600, 600): inside the demo's Live lower third (the
/// kit's purple, a large box) or BRB's dark background.
const shows = async (id, want) => {
  for (let i = 0; i < 50; i++) {
    if (near(await colourAt(id, 600, 600), want)) return true;
    await page.waitForTimeout(100);
  }
  return false;
};
const livePurple = [105, 40, 210];
const brb = [0x1e, 0x1b, 0x4b];
await until(() => window.streamwerk.preview.frames > 5);
// Keys go to the page, not to a field.
const pressKeys = async (keys) => {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press(keys);
};

// Studio mode: the editing canvas shows the preview scene, the program sits beside it.
await page.click("#studio-mode");
await until(() => window.streamwerk.state.preview_scene === "Live");
await until(() => (window.streamwerk.studioPreview?.frames ?? 0) > 5);
// Ctrl+2 (the default hotkey for scene 2) picks the preview scene; program stays on air.
await pressKeys("Control+2");
await until(() => window.streamwerk.state.preview_scene === "Be right back");
const picked = await state();
const previewShowsBrb = await shows("preview", brb);
const programKeepsLive = await shows("program", livePurple);
await shot("studio-mode.png");
const studioModeAxe = await axe("body");

// Typing in a form: the same keys do nothing.
await page.fill("#new-scene-name", "");
await page.focus("#new-scene-name");
await page.keyboard.press("Control+1");
await page.waitForTimeout(500);
const whileTyping = (await state()).preview_scene;

// Ctrl+Enter: Transition puts the preview scene on air.
await pressKeys("Control+Enter");
await until(() => window.streamwerk.state.program_scene === "Be right back");
const programShowsBrb = await shows("program", brb);

// Back to Live through the transition chosen beside the button (a 1.5 s fade, not made the
// default, which stays a cut): part way, the program is a blend of the two scenes.
await pressKeys("Control+1");
await until(() => window.streamwerk.state.preview_scene === "Live");
await page.selectOption("#transition-kind", "fade");
await page.fill("#transition-ms", "1500");
await page.click("#transition");
let midFade = false;
for (let i = 0; i < 40 && !midFade; i++) {
  const c = await colourAt("program", 600, 600);
  midFade = !near(c, livePurple) && !near(c, brb);
  await page.waitForTimeout(40);
}
await until(() => window.streamwerk.state.program_scene === "Live");
const chosenTransition = { midFade, defaultKind: ((await state()).collection.transition ?? { kind: "cut" }).kind };
// Then Ctrl+Shift+P: panic cuts to the safe scene.
await pressKeys("Control+Shift+P");
await until(() => window.streamwerk.state.program_scene === "Be right back");

// Ctrl+R records; Ctrl+R again stops.
await pressKeys("Control+R");
await until(() => window.streamwerk.state.recording !== null);
await page.waitForTimeout(2500);
const recording = (await state()).recording;
await pressKeys("Control+R");
await until(() => window.streamwerk.state.recording === null);

// The hotkey list edits: Panic moves to F9 (captured from a key press), and F9 then panics.
await pressKeys("Control+1");
await pressKeys("Control+Enter");
await until(() => window.streamwerk.state.program_scene === "Live");
await page.click("#open-settings");
await page.click("#hotkey-list li[data-hotkey='Ctrl+Shift+P'] button.keys");
await page.keyboard.press("F9");
await until(() => window.streamwerk.state.profile.hotkeys.some((h) => h.keys === "F9" && h.action.type === "panic"));
await pressKeys("F9");
await until(() => window.streamwerk.state.program_scene === "Be right back");
const hotkeys = (await state()).profile.hotkeys;
await page.click("#settings-close");

await page.click("#studio-mode");
await until(() => window.streamwerk.state.preview_scene === null);

// A destination whose key lasts one broadcast: Go Live asks for it, and it is not kept.
await page.click("#tab-destinations");
await page.selectOption("#dest-platform", "instagram");
await page.fill("#dest-name", "Insta");
await page.fill("#dest-server", "rtmp://127.0.0.1:9/rtmp");
await page.click("#add-destination button");
await until(() => window.streamwerk.state.profile.destinations.some((d) => d.name === "Insta" && d.key_per_broadcast));
await page.click("#go-live");
await page.waitForSelector("#golive-dialog[open]");
await page.fill("#golive-dialog input[data-key-for='Insta']", "IG-e2e-broadcast-key");
await page.click("#golive-go");
await until(() => window.streamwerk.state.live.includes("Insta"));
const broadcastKeyShown = (await page.content()).includes("IG-e2e-broadcast-key");
await page.click("#go-live");
await page.click("#stop-now");
await until(() => window.streamwerk.state.live.length === 0);
// A vertical canvas: added with one click, edited on its own, shown beside main, recorded.
await page.click("#add-vertical");
await until(() => (window.streamwerk.state.collection.canvases ?? []).some((c) => c.name === "vertical"));
const added = (await state()).collection.canvases;
// The editing view now gets the vertical canvas's frames (taller than wide), main beside it.
await until(() => { const c = document.getElementById("preview"); return c.height > c.width; });
await until(() => { const c = document.getElementById("program"); return !document.getElementById("program-col").hidden && c.width > c.height; });
const tabs = await page.$$eval("#canvas-tabs button", (b) => b.map((x) => [x.textContent, x.getAttribute("aria-selected")]));
const guides = await page.$$eval("#guides .guide", (g) => g.map((x) => x.className));
const instaLabel = await page.$eval("li[data-destination='Insta'] strong", (e) => e.textContent);
await shot("canvases.png");
// Nudge the logo 10 px down on the vertical canvas only.
const logoOn = (canvas) => page.evaluate((canvas) => {
  const live = window.streamwerk.state.collection.scenes.find((s) => s.name === "Live");
  const layers = canvas === "main" ? live.layers : live.layouts[canvas];
  return layers.find((l) => l.source === "logo").transform;
}, canvas);
const [mainBefore, verticalBefore] = [await logoOn("main"), await logoOn("vertical")];
await page.click("#layer-list li:has-text('Logo') .name");
await page.focus("#overlay");
await page.keyboard.press("Shift+ArrowDown");
await until((y) => {
  const live = window.streamwerk.state.collection.scenes.find((s) => s.name === "Live");
  return live.layouts.vertical.find((l) => l.source === "logo").transform.y === y;
}, verticalBefore.y + 10);
const nudged = { main: (await logoOn("main")).y - mainBefore.y, vertical: (await logoOn("vertical")).y - verticalBefore.y };
// Record both canvases: one file each, and the status bar counts each canvas's encode.
await page.click("#open-settings");
await page.check("#set-record-canvases input[value='vertical']");
await page.click("#output-form button:has-text('Apply')");
await until(() => (window.streamwerk.state.profile.recording.canvases ?? []).includes("vertical"));
await page.click("#settings-close");
await page.click("#record");
await until(() => window.streamwerk.state.recording_files.length === 2);
await page.waitForTimeout(2500);
const status = await page.textContent("#status-bar");
const recordingFiles = (await state()).recording_files;
await page.click("#record");
await until(() => window.streamwerk.state.recording === null);
// The brand page: a lower third from the gallery on Live, its name typed in place, a kit colour
// changed on air, then the lock holding the logo in place until a deliberate unlock.
await page.click("button[aria-label='Cut to Live']");
await until(() => window.streamwerk.state.program_scene === "Live");
// Graphics: the gallery's pictures and the scene list's thumbnails come from the engine; a lower
// third added from the gallery is selected and waits off air; Show puts it on both canvases
// (the vertical one in the editing view, main beside it), Hide takes it off both.
await page.click("#canvas-tabs button:has-text('vertical')");
await until(() => { const c = document.getElementById("preview"); return c.height > c.width; });
await page.click("#tab-graphics");
await page.waitForFunction(() => document.querySelectorAll("#graphics-gallery img").length === 7, null, { timeout: 20000 });
await page.waitForFunction(() => document.querySelectorAll("#scene-list img.thumb").length === window.streamwerk.state.collection.scenes.length, null, { timeout: 20000 });
await page.click("#graphics-gallery button[aria-label='Add Lower third']");
await until(() => window.streamwerk.state.collection.sources.some((s) => s.id === "lower-third-1"));
await page.waitForSelector("#graphics-list li.selected:has-text('Lower third')");
/// Whether the graphic's box (near its bottom-left corner, bar colour only) shows the kit's
/// violet on each canvas: main in the program view, vertical in the editing view.
const graphicOn = () => page.evaluate(() => {
  const live = window.streamwerk.state.collection.scenes.find((s) => s.name === "Live");
  const at = (id, layers, width, height) => {
    const t = layers.find((l) => l.source === "lower-third-1").transform;
    const c = document.getElementById(id);
    const x = Math.round(((t.x + t.width * 0.06) * c.width) / width);
    const y = Math.round(((t.y + t.height - 6) * c.height) / height);
    const [r, g, b] = c.getContext("2d").getImageData(x, y, 1, 1).data;
    return b > 150 && g < 90 && r > 70 && r < 150;
  };
  const v = window.streamwerk.state.collection.canvases.find((c) => c.name === "vertical");
  return { main: at("program", live.layers, 1280, 720), vertical: at("preview", live.layouts.vertical, v.width, v.height) };
});
const settle = () => page.waitForTimeout(900);
const selectedWaiting = await page.evaluate(() => ({
  pressed: document.querySelector("#graphics-list li.selected button.toggle").getAttribute("aria-pressed"),
  visible: window.streamwerk.state.collection.scenes.find((s) => s.name === "Live").layers.find((l) => l.source === "lower-third-1").visible,
}));
await settle();
const graphicAdded = await graphicOn();
await page.click("#graphics-list button[aria-label='Show: Lower third']");
await settle();
const graphicShown = await graphicOn();
await shot("graphics.png");
await page.click("#graphics-list button[aria-label='Hide: Lower third']");
await settle();
const graphicHidden = await graphicOn();
await page.click("#graphics-list button[aria-label='Show: Lower third']");
const graphicsAxe = await axe("#graphics");
const graphics = { selectedWaiting, graphicAdded, graphicShown, graphicHidden, graphicsAxe };
await page.click("#tab-brand");
const brandName = await page.textContent("#brand-name");
// A logo picked in the browser goes to the engine, is stored beside the kit and named there,
// and shows as a picture among the kit's logos.
const logoFile = new URL("../../assets/logos/streamwerk-mark.svg", import.meta.url).pathname;
await page.click("#brand-logos .add-file");
await page.setInputFiles("#brand-file-input", logoFile);
await until(() => "streamwerk-mark" in window.streamwerk.state.brand.kit.logos);
await page.waitForFunction(() => [...document.querySelectorAll("#brand-logos li")].some((li) => li.textContent.includes("streamwerk-mark") && li.querySelector("img")), null, { timeout: 20000 });
const uploaded = await page.evaluate(() => ({
  path: window.streamwerk.state.brand.kit.logos["streamwerk-mark"],
  logoPictures: document.querySelectorAll("#brand-logos img").length,
  fontPictures: document.querySelectorAll("#brand-fonts img").length,
}));
await page.click("#layer-list li:has-text('Lower third') .name");
await page.fill("#prop-title", "Sam Okafor");
await page.click("#properties button[type='submit']");
await until(() => window.streamwerk.state.collection.sources.find((s) => s.id === "lower-third-1").settings.title === "Sam Okafor");
const barBefore = await colourAt("program", 900, 600);
await page.$eval("#brand-colors input[data-color='primary']", (input) => { input.value = "#00a050"; input.dispatchEvent(new Event("change")); });
await until(() => window.streamwerk.state.brand.kit.colors.primary === "#00A050E6");
let barAfter = barBefore;
for (let i = 0; i < 30 && barAfter[1] < barAfter[0] + 60; i++) { await page.waitForTimeout(100); barAfter = await colourAt("program", 900, 600); }
await page.waitForTimeout(600); // the lower third's 400 ms entrance
await shot("brand.png");
await page.click("#brand-lock");
await until(() => window.streamwerk.state.brand.kit.locked);
const logoRow = "#layer-list li:has-text('Logo')";
const lockedButtons = await page.$$eval(`${logoRow} button`, (b) => b.filter((x) => x.disabled).map((x) => x.getAttribute("aria-label")));
const badge = await page.textContent(`${logoRow} .badge`);
const badgeLocked = await page.$eval(`${logoRow} .badge`, (b) => b.classList.contains("locked"));
// The canvas refuses a nudge of the logo and says why.
await page.click(`${logoRow} .name`);
await page.focus("#overlay");
await page.keyboard.press("ArrowRight");
await page.waitForSelector(".notice.error:has-text('is locked')");
const refusal = await page.textContent(".notice.error:has-text('is locked')");
// Three more nudges: still one toast, counting.
for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
await page.waitForSelector(".notice.error:has-text('is locked') .count:has-text('×4')");
const lockedToasts = await page.$$eval(".notice.error", (n) => n.filter((x) => x.textContent.includes("is locked")).length);
await page.click("#brand-unlock");
const stillLocked = (await state()).brand.kit.locked;
await page.click("#brand-unlock-confirm");
await until(() => !window.streamwerk.state.brand.kit.locked);
const brand = { graphics, uploaded, brandName, barBefore, barAfter, lockedButtons, badge, badgeLocked, refusal, lockedToasts, stillLocked };

await page.click("#open-settings");
// Import from OBS: a real OBS collection becomes a new collection beside this one, opened.
await page.fill("#import-obs-path", obs);
await page.click("#import-obs-form button:has-text('Import from OBS')");
await until(() => window.streamwerk.state.collection_path.endsWith("-from-obs.json"));
// Its long report opens in a panel with sections, kept until closed; the toast points to it.
await page.waitForSelector("#notices .report h3");
await shot("import-report.png");
const importReport = await page.evaluate(() => ({
  sections: [...document.querySelectorAll("#notices .report h3")].map((h) => h.textContent),
  toast: [...document.querySelectorAll(".notice")].map((n) => n.textContent).find((t) => t.includes("the full report is open")) ?? null,
}));
// The drawer keeps everything said.
await page.click("#notices-button");
await page.waitForSelector("#notices .drawer li");
const drawerItems = await page.$$eval("#notices .drawer li", (l) => l.length);
// Nothing the page says carries the command line's code quotes.
const backticks = await page.evaluate(() => document.body.innerText.split("\n").filter((l) => l.includes("`")));
const noticesAxe = await axe("#notices");
await page.click("#notices-button");
const imported = { path: (await state()).collection_path, scenes: (await state()).collection.scenes.map((s) => s.name), importReport, drawerItems, noticesAxe, backticks };
// The hotkey list names only scenes the collection has; Enter in its fields keeps the page.
const sceneCount = (await state()).collection.scenes.length;
const listedScenes = await page.$$eval("#hotkey-list li .name", (n) => n.map((x) => x.textContent).filter((t) => /^Scene \d/.test(t)));
await page.evaluate(() => { window.notReloaded = true; });
const importClosedSettings = await page.evaluate(() => !document.getElementById("settings-dialog").open);
await page.click("#open-settings");
await page.fill("#hotkey-scene", "3");
await page.press("#hotkey-scene", "Enter");
await page.waitForTimeout(500);
const hotkeyForm = { sceneCount, listedScenes, importClosedSettings, notReloaded: await page.evaluate(() => window.notReloaded === true) };
console.log(JSON.stringify({ consoleErrors, studioModeAxe, brand, imported, chosenTransition, hotkeyForm, broadcastKeyShown, picked: { program: picked.program_scene, preview: picked.preview_scene }, previewShowsBrb, programKeepsLive, whileTyping, programShowsBrb, recording, hotkeys,
  canvases: { added, tabs, guides, instaLabel, nudged, status, recordingFiles } }));
await browser.close();
