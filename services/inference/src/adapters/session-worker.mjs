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

async function run({ id, input }) {
  try {
    const result = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', input, inputDims),
    });
    const outputs = {};
    for (const [name, value] of Object.entries(result)) {
      // onnxruntime-node copies each output into a fresh ArrayBuffer of this thread: it can be
      // handed over as it is (transfer), with no copy of its own (1.2 MB a frame for YOLOX-Nano).
      outputs[name] = { data: value.data, dims: [...value.dims] };
    }
    // The input goes back too (it came by transfer), for the main thread's tensor pool.
    port.postMessage({ kind: 'outputs', id, outputs, input }, [
      ...Object.values(outputs).map((o) => o.data.buffer),
      input.buffer,
    ]);
  } catch (err) {
    port.postMessage({ kind: 'run_failed', id, message: err.message, input }, [input.buffer]);
  }
}

let session;
try {
  const started = performance.now();
  session = await ort.InferenceSession.create(file, sessionOptions);
  const loadMs = performance.now() - started;
  port.on('message', run);
  port.postMessage({
    kind: 'ready',
    loadMs,
    inputs: shapes(session.inputMetadata),
    outputs: shapes(session.outputMetadata),
  });
} catch (err) {
  port.postMessage({ kind: 'load_failed', message: err.message });
}
