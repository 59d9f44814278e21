// The control connection: requests with numbered replies, and the events the engine pushes,
// over whichever carrier the page runs on.
import type { Command, DeviceList, Event, FileListing, GuestInfo, Meters, Picture, StudioState, StudioStats, NoticeLevel } from "./protocol.gen";
import { PROTOCOL_VERSION } from "./protocol.gen";
import type { Carrier } from "./carrier";

export interface Handlers {
  state(state: StudioState): void;
  stats(stats: StudioStats): void;
  notice(level: NoticeLevel, message: string): void;
  meters(meters: Meters): void;
  devices(devices: DeviceList): void;
  files(listing: FileListing): void;
  pictures(pictures: Picture[]): void;
  /// Who is in the studio and its lobby.
  guests(guests: GuestInfo[]): void;
  guestLink(slot: string, url: string): void;
  remotePassword(password: string): void;
  /// A system-wide hotkey (desktop app).
  hotkey(keys: string): void;
  closed(reason: string): void;
}

export class Connection {
  private nextId = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  private constructor(private carrier: Carrier, private handlers: Handlers) {
    carrier.receive = (text) => this.receive(JSON.parse(text) as Event);
    carrier.closed = () => {
      for (const p of this.pending.values()) p.reject(new Error("the studio closed the connection"));
      this.pending.clear();
      handlers.closed("The connection to the studio closed. Reload the page to reconnect.");
    };
  }

  /// Waits for the engine's hello on `carrier`, checks the protocol version, and takes over.
  static open(carrier: Carrier, handlers: Handlers): Promise<Connection> {
    return new Promise((resolve, reject) => {
      carrier.receive = (text) => {
        const hello = JSON.parse(text) as Event;
        if (hello.type !== "hello") return reject(new Error("the studio did not greet us"));
        if (hello.version !== PROTOCOL_VERSION) {
          return reject(new Error(`the studio speaks protocol ${hello.version}, this page ${PROTOCOL_VERSION}: reload`));
        }
        const connection = new Connection(carrier, handlers);
        handlers.state(hello.state);
        resolve(connection);
      };
    });
  }

  /// Sends a command; resolves when the engine has applied it, rejects with its reason.
  send(command: Command): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.carrier.send(JSON.stringify({ id, command }));
    });
  }

  private receive(event: Event) {
    switch (event.type) {
      case "reply": {
        const p = this.pending.get(event.id);
        this.pending.delete(event.id);
        if (p) event.error ? p.reject(new Error(event.error)) : p.resolve();
        break;
      }
      case "state":
        this.handlers.state(event.state);
        break;
      case "stats":
        this.handlers.stats(event.stats);
        break;
      case "notice":
        this.handlers.notice(event.level, event.message);
        break;
      case "meters":
        this.handlers.meters(event.meters);
        break;
      case "devices":
        this.handlers.devices(event.devices);
        break;
      case "files":
        this.handlers.files(event.listing);
        break;
      case "pictures":
        this.handlers.pictures(event.pictures);
        break;
      case "guests":
        this.handlers.guests(event.guests);
        break;
      case "guest_link":
        this.handlers.guestLink(event.slot, event.url);
        break;
      case "remote_password":
        this.handlers.remotePassword(event.password);
        break;
      case "hotkey":
        this.handlers.hotkey(event.keys);
        break;
      case "hello":
        this.handlers.state(event.state);
        break;
    }
  }
}
