// A WHIP publisher as OBS Studio 30+ is one ("WHIP" service: a server URL and a Bearer token):
// not the guest page but a bare client in Debian's Chromium, with a fake camera and
// microphone (files), that offers send-only H.264 and Opus with every candidate in the offer,
// POSTs it with the token, sets the answer, sends for a while and DELETEs its session. It
// never polls, never names itself and takes nothing back. Called by tests/tests/guests.rs.
// Usage: node e2e/whip-publisher.mjs SERVER_URL TOKEN Y4M WAV SECONDS
// Prints one JSON line: { status, answer directions, connected, framesSent, inbound, deleted }.
import { chromium } from "playwright-core";
import { fakeDevices } from "./chromium.mjs";

const [server, token, y4m, wav, seconds] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", ...fakeDevices(y4m, wav)],
});
const page = await browser.newPage();
// An empty page of the endpoint's own origin: a secure context (loopback) that may fetch it.
await page.route(`${new URL(server).origin}/publisher`, (r) => r.fulfill({ body: "<!doctype html><title>publisher</title>", contentType: "text/html" }));
await page.goto(`${new URL(server).origin}/publisher`);
const result = await page.evaluate(async ({ server, token, seconds }) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendonly" });
  // OBS sends H.264 only.
  const video = pc.getTransceivers().find((t) => t.sender.track.kind === "video");
  video.setCodecPreferences(RTCRtpSender.getCapabilities("video").codecs.filter((c) => c.mimeType === "video/H264"));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === "complete") return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
    setTimeout(done, 2000);
  });
  const auth = { Authorization: `Bearer ${token}` };
  const reply = await fetch(server, { method: "POST", headers: { "Content-Type": "application/sdp", ...auth }, body: pc.localDescription.sdp });
  if (reply.status !== 201) return { status: reply.status, text: await reply.text() };
  // OBS resolves a relative Location against the server URL, as RFC 9725 says.
  const session = new URL(reply.headers.get("Location"), server).href;
  const answer = await reply.text();
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  const directions = [...answer.matchAll(/^a=(sendrecv|sendonly|recvonly|inactive)/gm)].map((m) => m[1]);
  const connected = await new Promise((done) => {
    if (pc.connectionState === "connected") return done(true);
    pc.onconnectionstatechange = () => pc.connectionState === "connected" && done(true);
    setTimeout(() => done(false), 10000);
  });
  await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
  const stats = [...(await pc.getStats()).values()];
  const framesSent = stats.find((s) => s.type === "outbound-rtp" && s.kind === "video")?.framesSent ?? 0;
  const inbound = stats.filter((s) => s.type === "inbound-rtp").map((s) => s.packetsReceived ?? 0).reduce((a, b) => a + b, 0);
  const deleted = (await fetch(session, { method: "DELETE", headers: auth })).status;
  pc.close();
  return { status: reply.status, directions, connected, framesSent, inbound, deleted };
}, { server, token, seconds });
console.log(JSON.stringify(result));
await browser.close();
