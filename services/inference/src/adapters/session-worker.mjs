// The worker-thread side of ThreadedModel (threaded-model.ts): it owns one onnxruntime session
// and answers run requests. onnxruntime-node's session.run is synchronous under its promise: it
// blocks the thread it is called on for the whole forward pass, so on the service's main thread it
// would stall NATS I/O, frame decoding and publishing. Plain JavaScript on purpose: a worker
// thread does not inherit the tsx loader the services run under, and this needs nothing but ort.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { file, sessionOptions, inputDims } = workerData;
const port = parentPort;
const shapes = (metadata) => metadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));

/**
 * The output's floats in shared memory: the main thread's buffer from an earlier run when it is
 * handed back and still fits, else a new one. Copying 1.2 MB here costs ~0.1 ms; a fresh buffer
 * a frame on the main thread cost it a full garbage collection every ~30 frames.
 */
function sharedCopy(data, reuse) {
  const buffer =
    reuse && reuse.byteLength === data.byteLength ? reuse : new SharedArrayBuffer(data.byteLength);
  new Float32Array(buffer).set(data);
  return buffer;
}

/** When the previous pass ended: the session's idle time before the next is measured from it. */
let lastEnd;

async function run({ id, input, reuse = {} }) {
  const started = performance.now();
  const idleMs = lastEnd === undefined ? undefined : started - lastEnd;
  try {
    const result = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', input, inputDims),
    });
    const runMs = performance.now() - started;
    const outputs = {};
    for (const [name, value] of Object.entries(result)) {
      outputs[name] = { buffer: sharedCopy(value.data, reuse[name]), dims: [...value.dims] };
    }
    // The input goes back by transfer (it came that way), for the main thread's tensor pool.
    port.postMessage({ kind: 'outputs', id, outputs, input, runMs, idleMs }, [input.buffer]);
  } catch (err) {
    port.postMessage({ kind: 'run_failed', id, message: err.message, input }, [input.buffer]);
  }
  lastEnd = performance.now();
}

// The main thread may send the next input while a pass runs, so that the session starts it the
// moment the pass ends instead of after a round trip through the main thread's event loop. Runs
// stay one at a time, in the order they came.
let queue = Promise.resolve();
const enqueue = (request) => {
  queue = queue.then(() => run(request));
};

let session;
try {
  const started = performance.now();
  session = await ort.InferenceSession.create(file, sessionOptions);
  const loadMs = performance.now() - started;
  port.on('message', enqueue);
  port.postMessage({
    kind: 'ready',
    loadMs,
    inputs: shapes(session.inputMetadata),
    outputs: shapes(session.outputMetadata),
  });
} catch (err) {
  port.postMessage({ kind: 'load_failed', message: err.message });
}
