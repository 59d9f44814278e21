// Settings › Remote control: where stream decks, Companion and scripts reach the studio (the
// obs-websocket protocol), its password (never drawn on the page: copied or shown on
// request), and the clients connected now, each of which can be disconnected.
import type { RemoteState } from "./protocol.gen";
import { copyText, run, store } from "./store";

export const remote = $state({ state: null as RemoteState | null, port: 4455, bind: "127.0.0.1", shown: "" });

let asked: ((password: string) => void) | null = null;

export function renderRemote() {
  remote.state = store.state.remote;
  const settings = store.state.profile.remote_control;
  remote.port = settings?.port ?? 4455;
  remote.bind = settings?.bind ?? "127.0.0.1";
}

export function receiveRemotePassword(password: string) {
  asked?.(password);
  asked = null;
}

function password(): Promise<string | null> {
  return new Promise((resolve) => {
    asked = resolve;
    void run({ type: "show_remote_password" }).then((ok) => {
      if (!ok) resolve(null);
    });
  });
}

export async function copyPassword() {
  const value = await password();
  if (value) await copyText("The remote-control password", value, "paste it into your stream deck or Companion.");
}

/// Shows the password for 20 seconds, then masks it again; shown, masks it at once.
export async function showPassword() {
  if (remote.shown) {
    remote.shown = "";
    return;
  }
  const value = await password();
  if (!value) return;
  remote.shown = value;
  setTimeout(() => (remote.shown = ""), 20_000);
}

export const newPassword = () => run({ type: "new_remote_password" });
export const disconnect = (id: number) => run({ type: "disconnect_remote_client", id });
export const save = (port: number, bind: string) => run({ type: "set_remote_control", port, bind });
