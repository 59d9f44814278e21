// A remote control as stream decks and Companion are: the npm obs-websocket-js 5.0.8 client
// (its MessagePack build, or with `json` its JSON one) against `streamwerk serve`.
// Usage: node remote-control.mjs URL PASSWORD json|msgpack OTHER_PICTURE
// Prints one JSON line of what it saw; the Rust test judges it (and decodes the recording).
const [url, password, encoding, otherPicture] = process.argv.slice(2);
const { OBSWebSocket, EventSubscription } = await import(
  encoding === 'json' ? 'obs-websocket-js/json' : 'obs-websocket-js'
);

const within = (ms, promise, what) =>
  Promise.race([
    promise,
    new Promise((_, fail) => setTimeout(() => fail(new Error(`no ${what} within ${ms} ms`)), ms)),
  ]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seen = {};

// A wrong password: closed with obs-websocket's code and text.
const wrong = new OBSWebSocket();
try {
  await within(5000, wrong.connect(url, `${password}-wrong`, { rpcVersion: 1 }), 'refusal');
  seen.wrongPassword = 'accepted';
} catch (e) {
  seen.wrongPassword = { code: e.code, message: e.message };
}

const obs = new OBSWebSocket();
const events = [];
for (const name of ['CurrentProgramSceneChanged', 'RecordStateChanged', 'InputMuteStateChanged']) {
  obs.on(name, (data) => events.push({ name, data }));
}
let meters = 0;
let tone = null;
obs.on('InputVolumeMeters', ({ inputs }) => {
  meters += 1;
  tone = inputs.find((i) => i.inputName === 'Tone') ?? tone;
});
const hello = await within(
  5000,
  obs.connect(url, password, {
    rpcVersion: 1,
    eventSubscriptions: EventSubscription.All | EventSubscription.InputVolumeMeters,
  }),
  'Identified',
);
seen.hello = { obsWebSocketVersion: hello.obsWebSocketVersion, rpcVersion: hello.negotiatedRpcVersion };
seen.version = await obs.call('GetVersion');
seen.sceneList = await obs.call('GetSceneList');

const changed = new Promise((r) => obs.once('CurrentProgramSceneChanged', r));
await obs.call('SetCurrentProgramScene', { sceneName: 'Green' });
seen.programChanged = await within(5000, changed, 'CurrentProgramSceneChanged');
seen.program = await obs.call('GetCurrentProgramScene');
seen.screenshot = (
  await obs.call('GetSourceScreenshot', { sourceName: 'Green', imageFormat: 'png', imageWidth: 64 })
).imageData;

await sleep(500);
seen.levelBefore = await obs.call('CallVendorRequest', {
  vendorName: 'streamwerk', requestType: 'GetMasterLevel',
});
seen.toneMeter = tone;
seen.muted = await obs.call('ToggleInputMute', { inputName: 'Tone' });
await sleep(600);
seen.levelAfter = await obs.call('CallVendorRequest', {
  vendorName: 'streamwerk', requestType: 'GetMasterLevel',
});
await obs.call('SetInputMute', { inputName: 'Tone', inputMuted: false });

await obs.call('SetInputSettings', { inputName: 'Caption', inputSettings: { text: 'Hello from a deck' } });
seen.caption = await obs.call('GetInputSettings', { inputName: 'Caption' });

const started = new Promise((r) =>
  obs.on('RecordStateChanged', (d) => d.outputState === 'OBS_WEBSOCKET_OUTPUT_STARTED' && r(d)),
);
await obs.call('StartRecord');
seen.recordStarted = await within(10000, started, 'RecordStateChanged STARTED');
await sleep(2500);
seen.recordStatus = await obs.call('GetRecordStatus');
seen.stopRecord = await obs.call('StopRecord');

seen.batch = await obs.callBatch([
  { requestType: 'GetVersion', requestId: 'one' },
  { requestType: 'GetCurrentProgramScene', requestId: 'two' },
  { requestType: 'GetStudioModeEnabled', requestId: 'three' },
]);
seen.halted = await obs.callBatch(
  [
    { requestType: 'Sleep', requestData: { sleepMillis: 50 } },
    { requestType: 'SetCurrentProgramScene', requestData: { sceneName: 'No such scene' } },
    { requestType: 'GetVersion' },
  ],
  { haltOnFailure: true },
);
// The vertical canvas: an item hidden there only, and its own picture.
seen.canvases = (await obs.call('CallVendorRequest', { vendorName: 'streamwerk', requestType: 'GetCanvasList' }))
  .responseData.canvases;
const captionOn = async (canvasUuid) =>
  (await obs.call('GetSceneItemList', { sceneName: 'Red', canvasUuid })).sceneItems.find((i) => i.sourceName === 'Caption');
const { sceneItemId } = await obs.call('GetSceneItemId', { sceneName: 'Red', sourceName: 'Caption', canvasUuid: 'vertical' });
await obs.call('SetSceneItemEnabled', { sceneName: 'Red', sceneItemId, sceneItemEnabled: false, canvasUuid: 'vertical' });
seen.captionOnVertical = (await captionOn('vertical')).sceneItemEnabled;
seen.captionOnMain = (await captionOn('main')).sceneItemEnabled;
seen.verticalShot = (
  await obs.call('GetSourceScreenshot', { sourceName: 'Green', imageFormat: 'png', imageWidth: 90, canvasUuid: 'vertical' })
).imageData;

// A picture's file by OBS's field name; a file that is not there is refused, nothing changed.
seen.logoBefore = await obs.call('GetInputSettings', { inputName: 'Logo' });
await obs.call('SetInputSettings', { inputName: 'Logo', inputSettings: { file: otherPicture } });
seen.logoAfter = await obs.call('GetInputSettings', { inputName: 'Logo' });
try {
  await obs.call('SetInputSettings', { inputName: 'Logo', inputSettings: { file: '/nowhere/logo.png' } });
  seen.badLogo = 'accepted';
} catch (e) {
  seen.badLogo = { code: e.code, message: e.message };
}

try {
  await obs.call('PauseRecord');
  seen.unknown = 'answered';
} catch (e) {
  seen.unknown = { code: e.code, message: e.message };
}
// Hostile clients beside it: each is closed with its code; this client and the show go on.
const { default: WebSocket } = await import('ws');
const closedWith = (send) =>
  within(5000, new Promise((resolve, fail) => {
    const raw = new WebSocket(url, ['obswebsocket.json']);
    raw.on('message', () => send(raw));
    raw.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    raw.on('error', fail);
  }), 'close');
seen.garbage = await closedWith((raw) => raw.send('{"op": 1, "d": '));
seen.oversized = await closedWith((raw) => raw.send('x'.repeat(2 * 1024 * 1024)));
seen.afterHostile = await obs.call('GetCurrentProgramScene');
seen.meters = meters;
seen.events = events.map((e) => ({ name: e.name, data: e.data }));
await obs.disconnect();
console.log(JSON.stringify(seen));
