// Browser end to end: Debian's Chromium, driven by playwright-core, against a running
// `streamwerk serve`. Called by tests/tests/studio.rs, which starts the server and nginx and
// checks the media afterwards. Usage: node e2e/studio.mjs STUDIO_URL RTMP_SERVER SHOT_DIR
// Prints one JSON line with what the Rust side verifies.
import { openStudio } from "./chromium.mjs";

const [url, rtmpServer, shots] = process.argv.slice(2);
const { browser, page, fail, state, shot, axe, consoleErrors } = await openStudio(url, shots);

// The preview draws the program: wait for frames, then check it is not blank.
await page.waitForFunction(() => window.streamwerk.preview.frames > 10, null, { timeout: 15000 });
const distinct = await page.evaluate(() => {
  const source = document.getElementById("preview");
  const copy = Object.assign(document.createElement("canvas"), { width: 160, height: 90 });
  const ctx = copy.getContext("2d");
  ctx.drawImage(source, 0, 0, 160, 90);
  const data = ctx.getImageData(0, 0, 160, 90).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) colours.add((data[i] >> 4) << 8 | (data[i + 1] >> 4) << 4 | data[i + 2] >> 4);
  return colours.size;
});
if (distinct < 8) fail(`the preview looks blank: ${distinct} colours`);
await shot("studio-demo.png");
// Stage first: at a laptop's 1366x768 and at 1920x1080 the stage, the scenes, the start of the
// current scene's layers and Go Live are on screen without scrolling.
const layout = {};
for (const [w, h] of [[1366, 768], [1920, 1080]]) {
  await page.setViewportSize({ width: w, height: h });
  await page.waitForTimeout(400);
  layout[`${w}x${h}`] = await page.evaluate(() => {
    const seen = (id, whole = true) => {
      const r = document.getElementById(id).getBoundingClientRect();
      const bottom = whole ? r.bottom : r.top + 40;
      return r.width > 0 && r.top >= 0 && r.left >= 0 && bottom <= innerHeight && r.right <= innerWidth;
    };
    return { stage: seen("stage-box"), scenes: seen("scene-list"), layers: seen("layer-list", false), goLive: seen("go-live"),
      pageScrolls: document.documentElement.scrollHeight > innerHeight };
  });
  await shot(`studio-${w}x${h}.png`);
}
await page.setViewportSize({ width: 1600, height: 1000 });
// The whole page, idle, through axe-core: nothing serious or critical.
const pageAxe = await axe("body");
// With no destination yet, the list says what to do; the header keeps markers and replays
// apart from the on-air actions, Go Live last.
const emptyDestinations = await page.textContent("#destination-list .empty");
const headerOrder = await page.$$eval("header button[id]", (b) => b.map((x) => x.id).filter((id) => id !== "notices-button"));

// The mixer: the demo's tone plays at -24 dBFS and its strip's meter says so; muting it
// silences the master bus, and the mute is saved with the source.
const meterOf = (id) => `li.strip[data-source='${id}'] .meter`;
await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("aria-valuenow"), meterOf("tone"));
await page.waitForTimeout(500);
const tonePeak = Number(await page.getAttribute(meterOf("tone"), "aria-valuenow"));
await page.click("li.strip[data-source='tone'] button[aria-label='Mute Test tone']");
await page.waitForFunction(() => window.streamwerk.state.collection.sources.find((s) => s.id === "tone").audio?.muted === true);
await page.waitForFunction((sel) => Number(document.querySelector(sel).getAttribute("aria-valuenow")) < -70, meterOf("master"), { timeout: 5000 });
const mutedMaster = Number(await page.getAttribute(meterOf("master"), "aria-valuenow"));
await page.click("li.strip[data-source='tone'] button[aria-label='Mute Test tone']");
await page.waitForFunction(() => !window.streamwerk.state.collection.sources.find((s) => s.id === "tone").audio?.muted);
await shot("studio-mixer.png");

// No camera on this machine: the form says so instead of offering an empty list.
await page.selectOption("#source-kind", "camera");
await page.waitForSelector("#no-camera:not([hidden])", { timeout: 5000 });

// The file picker: an image source whose file is chosen by browsing the engine's machine,
// starting from a typed folder, up a level and back into it.
const logoPath = (await state()).collection.sources.find((s) => s.id === "logo").settings.path;
const logoFolder = logoPath.slice(0, logoPath.lastIndexOf("/") + 1);
await page.selectOption("#source-kind", "image");
await page.fill("#source-name", "brand");
await page.fill("#source-path", logoFolder);
await page.click("#add-source button.browse");
await page.waitForSelector("#file-picker[open] #file-picker-list button.file");
await page.click("#file-picker-up");
await page.click("#file-picker-list button.folder >> text=logos/");
await page.click("#file-picker-list button.file >> text=streamwerk-logo.png");
await page.waitForSelector("#file-picker:not([open])", { state: "attached" });
const picked = await page.inputValue("#source-path");
await page.click("#add-source button[type=submit]");
await page.waitForFunction(() => window.streamwerk.state.source_sizes.some((s) => s.id === "brand"));
await page.click("#layer-list button[aria-label='Remove: brand']");
await page.waitForFunction(() => !window.streamwerk.state.collection.sources.some((s) => s.id === "brand"));

// A new scene with a text source, put on air.
await page.fill("#new-scene-name", "Interview");
await page.click("#add-scene button");
await page.waitForFunction(() => window.streamwerk.state.collection.scenes.some((s) => s.name === "Interview"));
await page.click("#scene-list .name >> text=Interview");
await page.selectOption("#source-kind", "text");
await page.fill("#source-name", "headline");
await page.fill("#source-text", "Breaking news");
await page.fill("#source-size", "64");
await page.click("#add-source button[type=submit]");
await page.waitForFunction(() => window.streamwerk.state.collection.sources.some((s) => s.id === "headline"));
await page.click("button[aria-label='Cut to Interview']");
await page.waitForFunction(() => window.streamwerk.state.program_scene === "Interview");
// Interview has no sound source: the mixer keeps only the master strip.
await page.waitForFunction(() => [...document.querySelectorAll("li.strip")].map((s) => s.dataset.source).join() === "master", null, { timeout: 5000 });
await page.waitForFunction(() => window.streamwerk.state.source_sizes.some((s) => s.id === "headline"));

// Panic: no dialog, straight to the demo's safe scene (marked in the list); then back.
await page.click("#panic");
await page.waitForFunction(() => window.streamwerk.state.program_scene === "Be right back", null, { timeout: 5000 });
if (!(await page.textContent("#scene-list li.safe .name")).includes("Be right back")) fail("the safe scene is not marked in the scene list");
await page.click("button[aria-label='Cut to Interview']");
await page.waitForFunction(() => window.streamwerk.state.program_scene === "Interview");

// Drag it 300 canvas pixels right and 200 down.
const before = (await state()).collection.scenes.find((s) => s.name === "Interview").layers[0].transform;
const box = await page.locator("#overlay").boundingBox();
const k = box.width / 1280;
const start = { x: box.x + (before.x + 20) * k, y: box.y + (before.y + 20) * k };
await page.mouse.move(start.x, start.y);
await page.mouse.down();
for (let i = 1; i <= 10; i++) await page.mouse.move(start.x + (300 * k * i) / 10, start.y + (200 * k * i) / 10);
await page.mouse.up();
// While dragging the page sends intermediate positions; wait for the last one.
await page.waitForFunction((x) => Math.abs(window.streamwerk.state.collection.scenes.find((s) => s.name === "Interview").layers[0].transform.x - (x + 300)) <= 10, before.x);
await page.waitForTimeout(300);
const after = (await state()).collection.scenes.find((s) => s.name === "Interview").layers[0].transform;

// Edit the text in the properties form, then Alt-drag to crop its right edge.
await page.fill("#prop-text", "Breaking news: live");
await page.check("#prop-outline");
await page.fill("#prop-outline-width", "3");
await page.check("#prop-background");
await page.fill("#prop-background-color", "#1e3a8a");
await page.fill("#prop-padding", "10");
await page.click("#properties button[type=submit]");
await page.waitForFunction(() => window.streamwerk.state.collection.sources.find((s) => s.id === "headline").settings.text === "Breaking news: live");
const grab = { x: box.x + (after.x + 20) * k, y: box.y + (after.y + 20) * k };
await page.keyboard.down("Alt");
await page.mouse.move(grab.x, grab.y);
await page.mouse.down();
for (let i = 1; i <= 5; i++) await page.mouse.move(grab.x - (100 * k * i) / 5, grab.y);
await page.mouse.up();
await page.keyboard.up("Alt");
await page.waitForFunction(() => window.streamwerk.state.collection.scenes.find((s) => s.name === "Interview").layers[0].transform.crop.right >= 90);
await page.waitForTimeout(300);
const crop = (await state()).collection.scenes.find((s) => s.name === "Interview").layers[0].transform.crop;
await shot("studio-edited.png");

// Multi-select: a second text, both selected in the layer list (Shift+click), dragged together
// on the canvas, then Ctrl+Z puts both back in one step.
await page.fill("#source-name", "subtitle");
await page.fill("#source-text", "Live from the studio");
await page.click("#add-source button[type=submit]");
await page.waitForFunction(() => window.streamwerk.state.source_sizes.some((s) => s.id === "subtitle"));
const interview = async () => (await state()).collection.scenes.find((s) => s.name === "Interview").layers;
const layerAt = (layers, id) => layers.find((l) => l.source === id).transform;
await page.click("#layer-list .name >> text=headline");
await page.click("#layer-list .name >> text=subtitle", { modifiers: ["Shift"] });
await page.waitForSelector("#overlay .selection[data-source='headline']");
await page.waitForSelector("#overlay .selection[data-source='subtitle']");
const together0 = await interview();
const grab2 = { x: box.x + (layerAt(together0, "headline").x + 10) * k, y: box.y + (layerAt(together0, "headline").y + 10) * k };
await page.mouse.move(grab2.x, grab2.y);
await page.mouse.down();
// Ctrl: no snapping, so both move by exactly the drag.
await page.keyboard.down("Control");
for (let i = 1; i <= 5; i++) await page.mouse.move(grab2.x - (80 * k * i) / 5, grab2.y + (60 * k * i) / 5);
await page.mouse.up();
await page.keyboard.up("Control");
await page.waitForFunction((x) => Math.abs(window.streamwerk.state.collection.scenes.find((s) => s.name === "Interview").layers.find((l) => l.source === "subtitle").transform.x - (x - 80)) <= 2, layerAt(together0, "subtitle").x);
await page.waitForTimeout(300);
const together1 = await interview();
const moved = ["headline", "subtitle"].map((id) => [layerAt(together1, id).x - layerAt(together0, id).x, layerAt(together1, id).y - layerAt(together0, id).y]);
await page.focus("#overlay");
await page.keyboard.press("Control+z");
await page.waitForFunction((x) => window.streamwerk.state.collection.scenes.find((s) => s.name === "Interview").layers.find((l) => l.source === "subtitle").transform.x === x, layerAt(together0, "subtitle").x);
const undone = await interview();
const undoneBack = ["headline", "subtitle"].every((id) => layerAt(undone, id).x === layerAt(together0, id).x && layerAt(undone, id).y === layerAt(together0, id).y);
// The subtitle goes again (Delete on the canvas removes the selection).
await page.click("#layer-list .name >> text=subtitle");
await page.focus("#overlay");
await page.keyboard.press("Delete");
await page.waitForFunction(() => !window.streamwerk.state.collection.sources.some((s) => s.id === "subtitle"));

// A destination at the local nginx, with its key entered masked, then Go Live.
// Destinations, Brand & graphics and Settings are tabs beside the stage.
await page.click("#tab-destinations");
await page.fill("#dest-name", "Local");
await page.selectOption("#dest-platform", "custom");
await page.fill("#dest-server", rtmpServer);
await page.fill("#dest-key", "studio-e2e-key");
await page.click("#add-destination button");
await page.waitForFunction(() => window.streamwerk.state.profile.destinations.some((d) => d.name === "Local"));
// Go Live asks which destinations, naming each one's platform and canvas.
await page.click("#go-live");
await page.waitForSelector("#golive-dialog[open]");
const goLiveDialog = await page.evaluate(() => ({
  lines: [...document.querySelectorAll("#golive-dialog .golive-list li")].map((l) => l.textContent.replace(/\s+/g, " ").trim()),
  go: document.getElementById("golive-go").textContent.trim(),
}));
await shot("go-live-dialog.png");
await page.click("#golive-go");
await page.waitForFunction(() => document.querySelector("[data-destination='Local'] .state")?.textContent?.startsWith("live"), null, { timeout: 15000 });
// Its line shows the bitrate it really sends, and the graph beside it draws that line.
await page.waitForFunction(() => {
  const text = document.querySelector("[data-destination='Local'] .state")?.textContent ?? "";
  return Number(/· (\d+) kbps/.exec(text)?.[1] ?? 0) > 500;
}, null, { timeout: 10000 });
await page.waitForTimeout(4000);
const destinationHealth = await page.evaluate(() => {
  const line = document.querySelector("[data-destination='Local']");
  const c = line.querySelector("canvas.health");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 1] > 150 && d[i] < 120 && d[i + 3] > 0) ink++;
  return { text: line.querySelector(".state").textContent, graphInk: ink, uplink: line.querySelector(".uplink")?.textContent ?? null };
});
await shot("studio-live.png");
// The header says LIVE with the time on air, and the destination's chip its state; nothing in
// it fails axe-core's serious or critical rules.
const onAir = await page.evaluate(() => ({
  badge: document.querySelector(".on-air-strip .badge.live")?.textContent?.trim() ?? null,
  chip: document.querySelector(".on-air-strip .chip")?.textContent?.replace(/\s+/g, " ").trim() ?? null,
}));
const headerAxe = await axe("header");
const keyShown = (await page.content()).includes("studio-e2e-key");
// The REC badge, seen during the first recording.
let recBadge = null;
/// Records for `ms` with the Record button and returns the file.
const recordFor = async (ms) => {
  await page.click("#record");
  await page.waitForFunction(() => window.streamwerk.state.recording !== null);
  await page.waitForTimeout(1500);
  recBadge ??= await page.evaluate(() => document.querySelector(".on-air-strip .badge.rec")?.textContent?.trim() ?? null);
  await page.waitForTimeout(ms - 1500);
  const file = (await state()).recording;
  await page.click("#record");
  await page.waitForFunction(() => window.streamwerk.state.recording === null);
  return file;
};
const recording = await recordFor(4000);
// Stop asks first, naming what it ends; keeping on streams on, the second answer ends it.
await page.click("#go-live");
await page.waitForSelector("#stop-dialog[open]");
const stopAsks = await page.textContent("#stop-dialog-title");
await page.click("#stop-cancel");
await page.waitForTimeout(300);
const keptLive = (await state()).live.length;
await page.click("#go-live");
await page.click("#stop-now");
await page.waitForFunction(() => window.streamwerk.state.live.length === 0);
const previewStats = await page.evaluate(() => ({ ...window.streamwerk.preview }));

// Settings, a dialog: the encoder (under Advanced) and the recording format, then Quality
// "High" (a 1080p canvas, the layout scaled with it, and its bitrate); a recording made then is
// 1080p MP4. Quality "Standard" brings 720p back.
await page.waitForFunction(() => window.streamwerk.state.recording === null && !document.getElementById("set-fps").disabled);
await page.click("#open-settings");
await shot("settings.png");
const settingsAxe = await axe("#settings-dialog");
await page.click("#advanced-settings summary");
await page.selectOption("#set-preset", "superfast");
await page.fill("#set-bitrate", "3000");
await page.selectOption("#set-format", "mp4");
await page.click("#output-form button:has-text('Apply')");
await page.waitForFunction(() => {
  const p = window.streamwerk.state.profile;
  return p.video.preset === "superfast" && p.video.bitrate_kbps === 3000 && p.recording.format === "mp4";
});
const x720 = (await interview()).find((l) => l.source === "headline").transform.x;
const qualityBefore = await page.$eval("#quality input:checked", (r) => r.parentElement.textContent.trim());
await page.check("#quality input[value='1920x1080']");
await page.waitForFunction(() => window.streamwerk.state.collection.canvas.width === 1920 && window.streamwerk.state.profile.video.bitrate_kbps === 6000);
const quality1080 = await page.evaluate(() => {
  const { canvas } = window.streamwerk.state.collection;
  return { size: [canvas.width, canvas.height, canvas.fps], kbps: window.streamwerk.state.profile.video.bitrate_kbps, checked: document.querySelector("#quality input:checked").value };
});
await page.click("#settings-close");
// The preview follows the restarted program (at the size the page draws it, at most 1280).
const framesAt1080 = await page.evaluate(() => window.streamwerk.preview.frames);
await page.waitForFunction((n) => window.streamwerk.preview.frames > n + 10, framesAt1080, { timeout: 10000 });
const previewAt1080 = await page.evaluate(() => [document.getElementById("preview").width, document.getElementById("preview").height]);
const x1080 = (await interview()).find((l) => l.source === "headline").transform.x;
await shot("studio-1080p.png");
const recording1080 = await recordFor(3000);
await page.waitForFunction(() => !document.getElementById("set-canvas-size").disabled);
await page.click("#open-settings");
await page.check("#quality input[value='1280x720']");
await page.waitForFunction(() => window.streamwerk.state.collection.canvas.width === 1280);

// Collections: Save as makes a copy that edits then go to; Open goes back to the first.
const original = (await state()).collection_path;
await page.fill("#collection-path", "copy.json");
await page.click("#collection-save-as");
await page.waitForFunction(() => window.streamwerk.state.collection_path.endsWith("/copy.json"));
await page.click("#settings-close");
await page.fill("#new-scene-name", "Only in the copy");
await page.click("#add-scene button");
await page.waitForFunction(() => window.streamwerk.state.collection.scenes.some((s) => s.name === "Only in the copy"));
const listed = (await state()).collections;
await page.click("#open-settings");
await page.fill("#collection-path", original);
await page.click("#collection-form button:not([type])");
await page.waitForFunction((p) => window.streamwerk.state.collection_path === p, original);
const openClosedSettings = await page.evaluate(() => !document.getElementById("settings-dialog").open);
const reopened = await state();
const copyScenes = reopened.collection.scenes.map((s) => s.name);

console.log(JSON.stringify({ consoleErrors, pageAxe, goLiveDialog, layout, emptyDestinations, headerOrder, before, after, crop, recording, keyShown, onAir, recBadge, headerAxe, stopAsks, keptLive, destinationHealth, distinct, tonePeak, mutedMaster, moved, undoneBack,
  previewStats, previewAt1080, x720, x1080, settingsAxe, qualityBefore, quality1080, openClosedSettings, recording1080, listed, copyScenes, original, picked, logoPath }));
await browser.close();
