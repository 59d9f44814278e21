// The guest page, opened from an invite link (/guest/SLOT#TOKEN): it asks for the camera and
// microphone, shows the guest themselves, and sends both to the studio over WebRTC, signalled
// as WHIP: the offer POSTed with the link's token as Bearer, the answer back, DELETE to leave.
// `?name=NAME&autojoin=1` joins at once (a kiosk, a test); `codec=h264|vp8` picks the codec.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const slot = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const token = location.hash.slice(1);
const params = new URLSearchParams(location.search);

function say(text: string) {
  $("status").textContent = text;
}

/// Waits until the browser has its candidates (WHIP sends them in the offer), 2 s at most.
function gathered(pc: RTCPeerConnection) {
  return new Promise<void>((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const done = () => pc.iceGatheringState === "complete" && resolve();
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 2000);
  });
}

/// Puts `codec` (h264 or vp8) first among the video codecs offered.
function prefer(pc: RTCPeerConnection, codec: string | null) {
  const video = pc.getTransceivers().find((t) => t.sender.track?.kind === "video");
  const all = RTCRtpSender.getCapabilities("video")?.codecs ?? [];
  if (!video || !codec) return;
  const wanted = (c: RTCRtpCodec) => c.mimeType.toLowerCase() === `video/${codec}`;
  video.setCodecPreferences([...all.filter(wanted), ...all.filter((c) => !wanted(c))]);
}

let session: { pc: RTCPeerConnection; location: string } | null = null;

async function join() {
  say("Connecting…");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true });
  $<HTMLVideoElement>("self").srcObject = stream;
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
  prefer(pc, params.get("codec"));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const reply = await fetch(`/whip/${encodeURIComponent(slot)}`, {
    method: "POST",
    headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${token}` },
    body: pc.localDescription!.sdp,
  });
  if (!reply.ok) {
    pc.close();
    stream.getTracks().forEach((t) => t.stop());
    return say(await reply.text());
  }
  session = { pc, location: reply.headers.get("Location") ?? "" };
  await pc.setRemoteDescription({ type: "answer", sdp: await reply.text() });
  pc.onconnectionstatechange = () => {
    const words: Record<string, string> = { connected: "You are in the studio.", failed: "The connection failed: check your network and join again.", disconnected: "The connection dropped…" };
    if (words[pc.connectionState]) say(words[pc.connectionState]);
  };
  $("join-form").hidden = true;
  $("leave").hidden = false;
}

async function leave() {
  if (!session) return;
  // Read to the end, so the browser does not count the request as abandoned.
  await fetch(session.location, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } })
    .then((r) => r.text())
    .catch(() => {});
  session.pc.close();
  session = null;
  say("You left the studio.");
  $("leave").hidden = true;
  // The same link takes them back in.
  $("join-form").hidden = false;
}

$<HTMLInputElement>("name").value = params.get("name") ?? "";
$("join-form").onsubmit = (e) => {
  e.preventDefault();
  join().catch((err: Error) => say(`Could not join: ${err.message}`));
};
$("leave").onclick = () => void leave();
// For tests and kiosks: the session as it stands.
Object.assign(window, {
  guest: {
    state: () => session?.pc.connectionState ?? "new",
    /// The video codec the browser sends with, as its statistics name it ("video/VP8").
    codec: async () => {
      const stats = [...((await session?.pc.getStats())?.values() ?? [])];
      const out = stats.find((s) => s.type === "outbound-rtp" && s.kind === "video");
      return stats.find((s) => s.id === out?.codecId)?.mimeType ?? null;
    },
  },
});
if (params.get("autojoin") === "1") join().catch((err: Error) => say(`Could not join: ${err.message}`));
