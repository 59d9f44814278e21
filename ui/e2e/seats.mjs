// The endpoint's seats, from outside any guest page: seven guests' links each POST a real
// WebRTC offer (made by Debian's Chromium, no camera needed) to a show that admits guests as
// they come; six are let on air and the seventh is told the studio is full. Then the first
// link is opened again: the new session takes the old one's place, which learns it was
// replaced. Called by tests/tests/guests.rs. Usage: node e2e/seats.mjs LINK...
// Prints one JSON line with what the Rust side verifies.
import { chromium } from "playwright-core";

const links = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
await page.goto(links[0].split("#")[0]);
const result = await page.evaluate(async (links) => {
  const offer = async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "sendonly" });
    pc.addTransceiver("audio", { direction: "sendrecv" });
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription.sdp;
    pc.close();
    return sdp;
  };
  const join = async (link) => {
    const url = new URL(link);
    const slot = url.pathname.split("/").pop();
    const reply = await fetch(`${url.origin}/whip/${slot}?name=seat`, {
      method: "POST",
      headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${url.hash.slice(1)}` },
      body: await offer(),
    });
    return { status: reply.status, location: reply.headers.get("Location"), text: await reply.text() };
  };
  const standing = async (link, location) => {
    const reply = await fetch(new URL(link).origin + location, { headers: { Authorization: `Bearer ${new URL(link).hash.slice(1)}` } });
    return (await reply.json()).stage;
  };
  const seats = [];
  for (const link of links) seats.push(await join(link));
  const first = seats[0];
  const firstBefore = await standing(links[0], first.location);
  const again = await join(links[0]);
  return {
    statuses: seats.map((s) => s.status),
    full: seats.at(-1).text,
    firstBefore,
    again: again.status,
    firstAfter: await standing(links[0], first.location),
    newOne: await standing(links[0], again.location),
  };
}, links);
console.log(JSON.stringify(result));
await browser.close();
