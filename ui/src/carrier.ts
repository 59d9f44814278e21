// How protocol messages travel: a WebSocket to `streamwerk serve` in a browser, Tauri IPC in
// the desktop app. Both hand the connection the same JSON texts. Preview frames (24-byte
// header + JPEG) come over a loopback WebSocket in both: the desktop app serves one too, which
// WebKitGTK draws faster than frames through IPC.
import { Channel, invoke } from "@tauri-apps/api/core";

export interface Carrier {
  /// Sends a request; a carrier that answers directly passes the reply to `receive`.
  send(text: string): void;
  /// Called with every message from the engine, the hello first.
  receive: (text: string) => void;
  closed: () => void;
}

export interface Frames {
  /// Called with each frame.
  onframe: (frame: ArrayBuffer) => void;
}

export const inTauri = () => "__TAURI_INTERNALS__" in window;

/// The token comes from the URL fragment, which never reaches a server or its logs.
function token() {
  return encodeURIComponent(new URLSearchParams(location.hash.slice(1)).get("token") ?? "");
}

function socketBase() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
}

export function openCarrier(): Promise<Carrier> {
  return inTauri() ? ipcCarrier() : socketCarrier();
}

function socketCarrier(): Promise<Carrier> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${socketBase()}/ws?token=${token()}`);
    const carrier: Carrier = { send: (text) => socket.send(text), receive: () => {}, closed: () => {} };
    socket.onerror = () => reject(new Error("the studio refused the connection: open the URL `streamwerk serve` printed, with its token"));
    socket.onopen = () => resolve(carrier);
    socket.onmessage = (m) => carrier.receive(m.data as string);
    socket.onclose = () => carrier.closed();
  });
}

async function ipcCarrier(): Promise<Carrier> {
  const carrier: Carrier = {
    send: (text) => {
      invoke<string>("request", { text }).then((reply) => carrier.receive(reply), () => carrier.closed());
    },
    receive: () => {},
    closed: () => {},
  };
  const events = new Channel<string>();
  // Messages that arrive before the connection takes over are kept for it.
  const early: string[] = [];
  carrier.receive = (text) => early.push(text);
  events.onmessage = (text) => carrier.receive(text);
  await invoke("connect", { events });
  const replay = carrier.receive;
  return {
    send: carrier.send,
    set receive(f: (text: string) => void) {
      carrier.receive = f;
      if (replay !== f) early.splice(0).forEach(f);
    },
    get receive() {
      return carrier.receive;
    },
    set closed(f: () => void) {
      carrier.closed = f;
    },
    get closed() {
      return carrier.closed;
    },
  };
}

/// Preview frames of `view` of canvas `canvas`: the program, or studio mode's preview scene,
/// their longest side `side` device pixels (the engine scales them down to it, at most 1280).
/// Close the socket when the view is not shown: the engine composes a preview scene, and a
/// canvas nothing encodes, only while watched.
export function openFrames(view: "program" | "preview", side: number, canvas = "main"): Frames & { close(): void } {
  let socket: WebSocket | null = null;
  let closed = false;
  const frames = {
    onframe: (_frame: ArrayBuffer) => {},
    close() {
      closed = true;
      socket?.close();
    },
  };
  const url = inTauri()
    ? invoke<string>("preview_url")
    : Promise.resolve(`${socketBase()}/preview?token=${token()}`);
  void url.then((address) => {
    if (closed) return;
    const which = `${view === "preview" ? "&view=preview" : ""}${canvas === "main" ? "" : `&canvas=${encodeURIComponent(canvas)}`}`;
    socket = new WebSocket(`${address}${which}&side=${side}`);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (m) => frames.onframe(m.data as ArrayBuffer);
  });
  return frames;
}
