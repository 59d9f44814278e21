// The guest page, opened from an invite link (/guest/SLOT#TOKEN): the guest picks a camera and
// microphone, sees and hears themselves (picture and level), types a name and joins. Both go
// to the studio over WebRTC, signalled as WHIP: the offer POSTed with the link's token as
// Bearer, the answer back, DELETE to leave. The show's sound comes back on the same audio
// line (the mix-minus: everything but the guest's own voice), and the show's picture, small, on
// the video line. A GET on the session every second says whether
// the guest waits in the lobby, is on air, or was removed, and whether the show records or is
// live. `?name=NAME&autojoin=1` joins at once (a kiosk, a test); `codec=h264|vp8` picks the codec;
// `relay=1` sends only through the studio's TURN server.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const slot = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const token = location.hash.slice(1);
const params = new URLSearchParams(location.search);
const auth = { Authorization: `Bearer ${token}` };

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

// ---- The camera and microphone, before and while joined ----

let stream: MediaStream | null = null;
let meterContext: AudioContext | null = null;

/// Fills a device picker, keeping the device in use selected.
function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], kind: MediaDeviceKind, inUse?: string) {
  const label = kind === "videoinput" ? "Camera" : "Microphone";
  select.replaceChildren(
    ...devices
      .filter((d) => d.kind === kind)
      .map((d, i) => new Option(d.label || `${label} ${i + 1}`, d.deviceId, false, d.deviceId === inUse)),
  );
}

/// Opens the chosen camera and microphone (the defaults at first) for the self-view and meter.
async function open() {
  const camera = $<HTMLSelectElement>("camera").value;
  const microphone = $<HTMLSelectElement>("microphone").value;
  stream?.getTracks().forEach((t) => t.stop());
  stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, ...(camera ? { deviceId: { exact: camera } } : {}) },
    audio: microphone ? { deviceId: { exact: microphone } } : true,
  });
  $<HTMLVideoElement>("self").srcObject = stream;
  const devices = await navigator.mediaDevices.enumerateDevices();
  fill($("camera"), devices, "videoinput", stream.getVideoTracks()[0]?.getSettings().deviceId);
  fill($("microphone"), devices, "audioinput", stream.getAudioTracks()[0]?.getSettings().deviceId);
  meter(stream);
  if (!session) say("This is how you look and sound. Type your name and join when ready.");
  return stream;
}

/// The microphone's level on the meter, so the guest sees they are heard.
function meter(of: MediaStream) {
  void meterContext?.close();
  meterContext = new AudioContext();
  const analyser = meterContext.createAnalyser();
  analyser.fftSize = 1024;
  meterContext.createMediaStreamSource(of).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const context = meterContext;
  const draw = () => {
    if (context.state === "closed") return;
    analyser.getFloatTimeDomainData(samples);
    $<HTMLMeterElement>("level").value = samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    requestAnimationFrame(draw);
  };
  draw();
}

// ---- The session ----

type Stage = "lobby" | "on_air" | "removed" | "replaced" | "gone";
let session: { pc: RTCPeerConnection; location: string; stage: Stage | null; timer: number } | null = null;

/// The studio's STUN and TURN servers, from the `Link` headers of an OPTIONS on the WHIP
/// address (RFC 9725 section 4.6); TURN ones carry credentials made for this guest.
async function iceServers(whip: string): Promise<RTCIceServer[]> {
  const reply = await fetch(whip, { method: "OPTIONS", headers: auth }).catch(() => null);
  const links = reply?.headers.get("Link") ?? "";
  return links
    .split(/,\s*(?=<)/)
    .filter((l) => /rel="ice-server"/.test(l))
    .map((l) => {
      const field = (name: string) => l.match(new RegExp(`${name}="([^"]*)"`))?.[1];
      const urls = l.match(/^<([^>]+)>/)?.[1] ?? "";
      const username = field("username");
      return username ? { urls, username, credential: field("credential") } : { urls };
    })
    .filter((s) => s.urls);
}

async function join() {
  say("Connecting…");
  const media = stream ?? (await open());
  const whip = `/whip/${encodeURIComponent(slot)}`;
  // `relay=1`: only through the TURN server (a test of it, or a guest hiding their address).
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle", iceServers: await iceServers(whip), iceTransportPolicy: params.get("relay") === "1" ? "relay" : "all" });
  // Both ways: the guest hears the show (minus their own voice) and sees it on the same lines.
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendrecv", streams: [media] });
  pc.ontrack = (e) => {
    if (e.track.kind === "audio") $<HTMLAudioElement>("show").srcObject = new MediaStream([e.track]);
    else {
      $<HTMLVideoElement>("program").srcObject = new MediaStream([e.track]);
      $("show-view").hidden = false;
    }
  };
  prefer(pc, params.get("codec"));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const name = $<HTMLInputElement>("name").value.trim();
  const reply = await fetch(`${whip}?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "Content-Type": "application/sdp", ...auth },
    body: pc.localDescription!.sdp,
  });
  if (!reply.ok) {
    pc.close();
    return say(await reply.text());
  }
  session = { pc, location: reply.headers.get("Location") ?? "", stage: null, timer: 0 };
  await pc.setRemoteDescription({ type: "answer", sdp: await reply.text() });
  pc.onconnectionstatechange = () => {
    const words: Record<string, string> = { failed: "The connection failed: check your network and join again.", disconnected: "The connection dropped…" };
    if (words[pc.connectionState]) say(words[pc.connectionState]);
    if (pc.connectionState === "connected") void standing();
  };
  session.timer = window.setInterval(() => void standing(), 1000);
  $("join-form").hidden = true;
  $("leave").hidden = false;
}

const stageWords: Record<Stage, string> = {
  lobby: "You are in the waiting room. The host will bring you on air.",
  on_air: "You are on air.",
  removed: "The host ended your visit. The same link takes you back in.",
  replaced: "You joined again from another tab or device, so this one left the studio.",
  gone: "You left the studio.",
};

/// Asks the studio where the guest stands and shows it.
async function standing() {
  const current = session;
  if (!current) return;
  const reply = await fetch(current.location, { headers: auth }).catch(() => null);
  if (!reply?.ok || session !== current) return;
  const { stage, recording, live } = (await reply.json()) as { stage: Stage; recording: boolean; live: boolean };
  $("on-air").hidden = stage !== "on_air" || !(live || recording);
  $("on-air").textContent = live ? "Live" : "On air";
  $("recording").hidden = stage !== "on_air" || !recording;
  if (stage !== current.stage) say(stageWords[stage]);
  current.stage = stage;
  if (stage === "removed" || stage === "replaced" || stage === "gone") end(stageWords[stage]);
}

/// Closes the session and offers to join again with the same link.
function end(words: string) {
  if (!session) return;
  clearInterval(session.timer);
  session.pc.close();
  session = null;
  say(words);
  $("on-air").hidden = true;
  $("recording").hidden = true;
  $("show-view").hidden = true;
  $("leave").hidden = true;
  $("join-form").hidden = false;
}

async function leave() {
  if (!session) return;
  // Read to the end, so the browser does not count the request as abandoned.
  await fetch(session.location, { method: "DELETE", headers: auth })
    .then((r) => r.text())
    .catch(() => {});
  end(stageWords.gone);
}

$<HTMLInputElement>("name").value = params.get("name") ?? "";
$("join-form").onsubmit = (e) => {
  e.preventDefault();
  join().catch((err: Error) => say(`Could not join: ${err.message}`));
};
for (const picker of ["camera", "microphone"]) {
  $(picker).onchange = () => {
    if (!session) open().catch((err: Error) => say(`That device did not open: ${err.message}`));
  };
}
$("leave").onclick = () => void leave();
// For tests and kiosks: the session as it stands.
Object.assign(window, {
  guest: {
    state: () => session?.pc.connectionState ?? "new",
    /// "lobby", "on_air" or null (not in the studio, or not told yet).
    stage: () => session?.stage ?? null,
    /// The local candidate in use: its kind ("host", "srflx", "relay") and port.
    path: async () => {
      const stats = [...((await session?.pc.getStats())?.values() ?? [])];
      const pair = stats.find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
      const local = stats.find((s) => s.id === pair?.localCandidateId);
      return local ? { type: local.candidateType, port: local.port } : null;
    },
    /// The show's picture as the page shows it: its size, frames decoded, and the average
    /// colour (r, g, b) of each cell of a `cells` x `cells` grid over it.
    show: async (cells = 4) => {
      const video = $<HTMLVideoElement>("program");
      const stats = [...((await session?.pc.getStats())?.values() ?? [])];
      const inbound = stats.find((s) => s.type === "inbound-rtp" && s.kind === "video");
      if (!video.videoWidth) return { width: 0, height: 0, frames: inbound?.framesDecoded ?? 0, codec: null, colours: [] };
      const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
      const context = canvas.getContext("2d", { willReadFrequently: true })!;
      context.drawImage(video, 0, 0);
      const colours = [];
      const [w, h] = [Math.floor(canvas.width / cells), Math.floor(canvas.height / cells)];
      for (let row = 0; row < cells; row++)
        for (let col = 0; col < cells; col++) {
          const { data } = context.getImageData(col * w + w / 4, row * h + h / 4, w / 2, h / 2);
          const sum = [0, 0, 0];
          for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
          colours.push(sum.map((v) => Math.round(v / (data.length / 4))));
        }
      const codec = stats.find((s) => s.id === inbound?.codecId)?.mimeType ?? null;
      return { width: video.videoWidth, height: video.videoHeight, frames: inbound?.framesDecoded ?? 0, codec, colours };
    },
    /// What the browser has sent of the camera: frames, and the size of the last.
    sent: async () => {
      const stats = [...((await session?.pc.getStats())?.values() ?? [])];
      const out = stats.find((s) => s.type === "outbound-rtp" && s.kind === "video");
      return { frames: out?.framesSent ?? 0, width: out?.frameWidth ?? 0, height: out?.frameHeight ?? 0 };
    },
    /// The video codec the browser sends with, as its statistics name it ("video/VP8").
    codec: async () => {
      const stats = [...((await session?.pc.getStats())?.values() ?? [])];
      const out = stats.find((s) => s.type === "outbound-rtp" && s.kind === "video");
      return stats.find((s) => s.id === out?.codecId)?.mimeType ?? null;
    },
  },
});
if (params.get("autojoin") === "1") join().catch((err: Error) => say(`Could not join: ${err.message}`));
else open().catch((err: Error) => say(`Allow your camera and microphone to join: ${err.message}`));
