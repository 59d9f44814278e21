// The control connection: requests with numbered replies, and the events the engine pushes.
import type { Command, Event, StudioState, StudioStats, NoticeLevel } from "./protocol.gen";
import { PROTOCOL_VERSION } from "./protocol.gen";

export interface Handlers {
  state(state: StudioState): void;
  stats(stats: StudioStats): void;
  notice(level: NoticeLevel, message: string): void;
  closed(reason: string): void;
}

export class Connection {
  private socket: WebSocket;
  private nextId = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  private constructor(socket: WebSocket, private handlers: Handlers) {
    this.socket = socket;
    socket.onmessage = (m) => this.receive(JSON.parse(m.data as string) as Event);
    socket.onclose = () => {
      for (const p of this.pending.values()) p.reject(new Error("the studio closed the connection"));
      this.pending.clear();
      handlers.closed("The connection to the studio closed. Reload the page to reconnect.");
    };
  }

  /// Opens `/ws` with the token and waits for the engine's hello.
  static open(base: string, token: string, handlers: Handlers): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${base}/ws?token=${encodeURIComponent(token)}`);
      socket.onerror = () => reject(new Error("the studio refused the connection: check the token in the URL"));
      socket.onmessage = (m) => {
        const hello = JSON.parse(m.data as string) as Event;
        if (hello.type !== "hello") return reject(new Error("the studio did not greet us"));
        if (hello.version !== PROTOCOL_VERSION) {
          return reject(new Error(`the studio speaks protocol ${hello.version}, this page ${PROTOCOL_VERSION}: reload`));
        }
        const connection = new Connection(socket, handlers);
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
      this.socket.send(JSON.stringify({ id, command }));
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
      case "hello":
        this.handlers.state(event.state);
        break;
    }
  }
}
