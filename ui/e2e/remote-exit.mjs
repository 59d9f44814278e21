// A remote client while the studio closes: it hears ExitStarted, then the close obs-websocket
// sends ("Server stopping.", 1001). Prints "ready" once connected, then one JSON line.
// Usage: node remote-exit.mjs URL PASSWORD
import { OBSWebSocket } from "obs-websocket-js";

const [url, password] = process.argv.slice(2);
const obs = new OBSWebSocket();
let exitStarted = false;
obs.on("ExitStarted", () => { exitStarted = true; });
const closed = new Promise((r) => obs.on("ConnectionClosed", (e) => r({ code: e.code, message: e.message })));
await obs.connect(url, password, { rpcVersion: 1 });
console.log("ready");
const close = await Promise.race([closed, new Promise((r) => setTimeout(() => r("no close within 10 s"), 10000))]);
console.log(JSON.stringify({ exitStarted, close }));
process.exit(0);
