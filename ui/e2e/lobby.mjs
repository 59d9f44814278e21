// The host and a guest in one Debian Chromium: the studio (`streamwerk serve --guests`) in
// one tab, the guest page (fake camera and microphone from files) in another. The host
// records, the guest joins and waits in the lobby (their camera in the Guests tab), the host
// brings them on air, sends them back, brings them on again and removes them, all from the
// Guests tab. Called by tests/tests/guests.rs, which decodes the recording afterwards.
// Usage: node e2e/lobby.mjs STUDIO_URL LINK Y4M WAV SHOT_DIR
// Prints one JSON line with what the Rust side verifies.
import { axe as axeOn, fakeDevices, openStudio } from "./chromium.mjs";

const [url, link, y4m, wav, shots] = process.argv.slice(2);
const fake = fakeDevices(y4m, wav);
const { browser, page: host, fail, state, shot, axe, consoleErrors } = await openStudio(url, shots, fake);
await host.setViewportSize({ width: 1366, height: 768 });
await browser.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
await host.click("#tab-guests");
const spot = (s) => `#guests-list li[data-slot="ana"] ${s}`;

// The link the Guests tab copies is the one the command line printed (made once a run).
await host.click(spot('button[aria-label="Copy link: Ana"]'));
let copied = "";
for (let i = 0; i < 50 && !copied; i++) {
  await host.waitForTimeout(100);
  copied = await host.evaluate(() => navigator.clipboard.readText());
}
const nobody = await host.textContent(spot(".who"));

await host.click("#record");
await host.waitForFunction(() => window.streamwerk.state.recording !== null);
const recording = (await state()).recording;
await host.waitForTimeout(1000);

// The guest joins and waits in the lobby.
const guest = await browser.newPage();
const guestErrors = [];
guest.on("console", (m) => { if (m.type() === "error") guestErrors.push(m.text()); });
const [base, token] = link.split("#");
await guest.goto(`${base}?name=${encodeURIComponent("Ana B.")}&autojoin=1#${token}`);
const stage = (want) => guest.waitForFunction((w) => window.guest?.stage() === w, want, { timeout: 20000 });
await stage("lobby");
const lobbyWords = await guest.textContent("#status");
await host.waitForSelector(spot("img"), { timeout: 10000 });
const waiting = await host.textContent(spot(".who"));
// Their mixer strip says where they are.
await host.waitForFunction(() => document.querySelector('#strips li[data-source="ana"] .state')?.textContent === "in the lobby", null, { timeout: 5000 });
const stripWhileWaiting = await host.textContent('#strips li[data-source="ana"] .state');
// The guest's camera as the host sees it in the lobby: its middle pixel.
await host.waitForTimeout(1500);
const lobbyPicture = await host.evaluate(async (sel) => {
  const img = document.querySelector(sel);
  await img.decode();
  const c = Object.assign(document.createElement("canvas"), { width: img.naturalWidth, height: img.naturalHeight });
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return [...ctx.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3)];
}, spot("img"));
await shot("guests-lobby.png");
const lobbyAxe = await axe("#guests");
await host.waitForTimeout(1500);

// On air, back to the lobby, on air again, removed.
await host.click(spot('button[aria-label="Bring on air: Ana"]'));
await stage("on_air");
const onAirWords = await guest.textContent("#status");
await guest.waitForSelector("#recording:not([hidden])", { timeout: 5000 });
await shot("guests-on-air.png");
// The guest's page on air: the show live above their own camera.
await guest.setViewportSize({ width: 1366, height: 768 });
await guest.waitForFunction(async () => (await window.guest.show(1)).frames > 15, null, { timeout: 10000 });
await guest.screenshot({ path: `${shots}/guest-page-on-air.png` }).catch((e) => console.error(`screenshot: ${e.message}`));
const guestAxe = await axeOn(guest, "main");
// A name tag with the name they typed, off air until shown.
await host.click(spot('button[aria-label="Name tag: Ana"]'));
await host.waitForFunction(() => window.streamwerk.state.collection.sources.some((s) => s.kind === "template" && s.settings.title === "Ana B."), null, { timeout: 5000 });
const nameTag = await host.evaluate(() => {
  const s = window.streamwerk.state.collection.sources.find((s) => s.kind === "template");
  const layer = window.streamwerk.state.collection.scenes[0].layers.find((l) => l.source === s.id);
  return { template: s.settings.template, title: s.settings.title, shown: layer.visible };
});
await host.waitForTimeout(4000);
await host.click(spot('button[aria-label="To lobby: Ana"]'));
await stage("lobby");
await host.waitForTimeout(3000);
await host.click(spot('button[aria-label="Bring on air: Ana"]'));
await stage("on_air");
await host.waitForTimeout(3000);
await host.click(spot('button[aria-label="Remove: Ana"]'));
await guest.waitForFunction(() => window.guest.state() === "new", null, { timeout: 10000 });
const removedWords = await guest.textContent("#status");
await host.waitForFunction(() => !document.querySelector('#guests-list li[data-slot="ana"] .stage'), null, { timeout: 5000 });
await host.waitForTimeout(2000);
await host.click("#record");
await host.waitForFunction(() => window.streamwerk.state.recording === null);
// One click arranges the people of the scene: Ana alone fills the canvas.
await host.click('#people-layouts button[data-layout="side_by_side"]');
await host.waitForFunction(() => window.streamwerk.state.collection.scenes[0].layers.find((l) => l.source === "ana").transform.width === 640);
const arranged = await host.evaluate(() => window.streamwerk.state.collection.scenes[0].layers.find((l) => l.source === "ana").transform);
// Dressed too (the box ticked by default): a frame under Ana and a name tag over her.
const dressed = await host.evaluate(() => {
  const { sources, scenes } = window.streamwerk.state.collection;
  const order = scenes[0].layers.map((l) => l.source).filter((id) => id.endsWith("ana"));
  return { order, title: sources.find((s) => s.id === "name-ana")?.settings.title, frame: sources.find((s) => s.id === "frame-ana")?.kind };
});

// Settings: guests on other networks. The secret goes to the key store; the field only says
// one is kept.
await host.click("#open-settings");
await host.fill("#set-ice-servers", "turn:127.0.0.1:3478?transport=udp");
await host.fill("#set-turn-secret", "relay-s3cret");
await host.click('#guest-network-form button');
await host.waitForFunction(() => window.streamwerk.state.profile.guest_network?.turn_secret_key, null, { timeout: 5000 });
const guestNetwork = {
  servers: await host.evaluate(() => window.streamwerk.state.profile.guest_network.ice_servers),
  secretField: await host.inputValue("#set-turn-secret"),
  placeholder: await host.getAttribute("#set-turn-secret", "placeholder"),
};
await host.click("#settings-close");

if (consoleErrors.length) fail(`studio console errors: ${consoleErrors.join("; ")}`);
console.log(JSON.stringify({ guestNetwork, arranged, dressed, stripWhileWaiting, nameTag, link: copied, nobody, recording, lobbyWords, waiting, lobbyPicture, lobbyAxe, onAirWords, guestAxe, removedWords, guestErrors }));
await browser.close();
