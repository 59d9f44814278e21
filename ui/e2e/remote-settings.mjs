// Settings › Remote control as a user works it, with a real obs-websocket-js client beside the
// page: the address and the masked password (shown on request), the client listed and
// disconnected, a new password that ends every session, the port moved, and a scene put on
// air in the page raising the same event a remote switch does.
// Usage: node remote-settings.mjs STUDIO_URL REMOTE_PORT NEW_PORT SHOTS
import { openStudio } from "./chromium.mjs";
import { OBSWebSocket } from "obs-websocket-js/json";
import { join } from "node:path";

const [url, port, newPort, shots] = process.argv.slice(2);
const { page, fail, shot, axe, consoleErrors } = await openStudio(url, shots);
const within = (ms, promise, what) =>
  Promise.race([promise, new Promise((_, no) => setTimeout(() => no(new Error(`no ${what} within ${ms} ms`)), ms))]);
const seen = {};

/// A connected client and the promise of how it closes.
async function client(at, password) {
  const obs = new OBSWebSocket();
  const closed = new Promise((r) => obs.on("ConnectionClosed", (e) => r({ code: e.code, message: e.message })));
  await within(5000, obs.connect(`ws://127.0.0.1:${at}`, password, { rpcVersion: 1 }), "Identified");
  return { obs, closed };
}
const refusal = async (at, password) => {
  try {
    const { obs } = await client(at, password);
    await obs.disconnect();
    return "accepted";
  } catch (e) {
    return { code: e.code, message: e.message };
  }
};
const shownPassword = async () => {
  await page.click("#remote-password button:has-text('Show')");
  await page.waitForFunction(() => !document.getElementById("remote-password-text").textContent.includes("•"));
  return page.textContent("#remote-password-text");
};

await page.click("#open-settings");
await page.waitForFunction((p) => document.getElementById("remote-address")?.textContent.includes(`ws://127.0.0.1:${p}`), port);
seen.address = (await page.textContent("#remote-address")).trim();
seen.maskedAtFirst = await page.textContent("#remote-password-text");
const password = await shownPassword();

const first = await client(port, password);
await page.waitForSelector("#remote-clients li");
seen.listed = await page.textContent("#remote-clients li");
await page.evaluate(() => document.getElementById("remote-form").scrollIntoView());
// Shown, the password is on screen for 20 s: hidden again for the pictures.
await page.click("#remote-password button:has-text('Hide')");
await page.waitForFunction(() => document.getElementById("remote-password-text").textContent.includes("•"));
for (const [w, h] of [[1366, 768], [1920, 1080]]) {
  await page.setViewportSize({ width: w, height: h });
  await page.evaluate(() => document.getElementById("remote-form").scrollIntoView());
  await shot(`settings-remote-${w}.png`);
}
seen.axe = await axe("#remote-form");

// A scene put on air in the page: the remote client hears it as from a remote switch.
const switched = new Promise((r) => first.obs.once("CurrentProgramSceneChanged", r));
await page.click("#settings-close");
await page.dblclick("#scene-list .name >> text=Green");
seen.fromPage = await within(5000, switched, "CurrentProgramSceneChanged from the page");
await page.click("#open-settings");

// Disconnect from Settings: closed as obs-websocket's kick (clients do not reconnect).
await page.click(`#remote-clients button`);
seen.disconnected = await within(5000, first.closed, "the close");
await page.waitForFunction(() => !document.getElementById("remote-clients"));

// A new password: the session ends, the old password is refused, the new one works.
const second = await client(port, password);
await page.waitForSelector("#remote-clients li");
await page.click("#remote-password button:has-text('New password')");
seen.renewed = await within(5000, second.closed, "the close after a new password");
const renewed = await shownPassword();
seen.samePassword = renewed === password;
seen.oldPassword = await refusal(port, password);
const third = await client(port, renewed);
await third.obs.disconnect();

// Another port, from Settings: the old one stops answering.
await page.click("#remote-form details summary");
await page.fill("#set-remote-port", newPort);
await page.click("#remote-form details button");
await page.waitForFunction((p) => document.getElementById("remote-address")?.textContent.includes(`:${p}`), newPort);
const moved = await client(newPort, renewed);
seen.onNewPort = (await moved.obs.call("GetVersion")).obsWebSocketVersion;
await moved.obs.disconnect();
seen.oldPort = await refusal(port, renewed);
seen.consoleErrors = consoleErrors;
console.log(JSON.stringify(seen));
process.exit(0);
