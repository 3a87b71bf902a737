/**
 * A YOLOv8-format ONNX model made at test time from the real YOLOX-Nano weights, so the yolov8
 * decoder and the centred letterbox run on a real network (no Ultralytics model is on this machine).
 *
 * YOLOX-Nano (../shared/models/README.md): input `images` [1,3,H,W] BGR 0–255; output [1,N,85] raw grid
 * rows `cx, cy, w, h, obj, 80 cls`. The wrapper speaks the Ultralytics contract instead: input `images`
 * [1,3,H,W] RGB 0–1; output `output0` [1,84,N] rows `cx, cy, w, h` in input pixels, then 80 class
 * scores (obj × cls, as YOLOv8 has no objectness).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { onnx as OnnxTypes } from 'onnx-proto';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const STRIDES = [8, 16, 32] as const;
const BOX_CHANNELS = 4;
/** Rows of YOLOX: cx, cy, w, h, objectness, then the class scores. */
const OBJECTNESS = 4;
const FIRST_CLASS = 5;
/** Slice with starts/ends/axes as inputs (not attributes) exists from opset 10 on. */
const MIN_OPSET = 10;
/** Prefix of every name the wrapper adds, so none can clash with the original graph's. */
const P = 'yolov8_wrap/';

type Graph = OnnxTypes.IGraphProto;
type Node = OnnxTypes.INodeProto;
type Tensor = OnnxTypes.ITensorProto;

/** What the wrapper needs to know of the original model. */
interface YoloxShape {
  input: string;
  output: string;
  width: number;
  height: number;
  anchors: number;
  classes: number;
}

/** Added nodes and the constants they read. */
interface Fragment {
  nodes: Node[];
  initializers: Tensor[];
}

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) };
}

function int64Tensor(name: string, values: number[]): Tensor {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

function node(opType: string, inputs: string[], outputs: string[], attribute: Node['attribute'] = []): Node {
  // Node names live apart from tensor names; the (prefixed) output names are unique already.
  return { opType, name: outputs[0], input: inputs, output: outputs, attribute };
}

const intAttr = (name: string, i: number) => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });
const intsAttr = (name: string, ints: number[]) => ({
  name,
  ints,
  type: onnx.AttributeProto.AttributeType.INTS,
});

function floatValueInfo(name: string, dims: number[]): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => ({ dimValue: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

/** Static dims of a graph input or output (dimValue is a protobuf Long). */
function dimsOf(value: OnnxTypes.IValueInfoProto): number[] {
  return (value.type?.tensorType?.shape?.dim ?? []).map((d) => Number(d.dimValue));
}

/** The default-domain opset the model was exported with: the ops added must exist there. */
export function defaultOpset(model: OnnxTypes.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) throw new Error('model imports no default-domain opset');
  return Number(entry.version);
}

/** Per anchor, its grid cell (gx, gy) and stride, in YOLOX's order: strides ascending, rows y-major. */
export function yoloxGrid(width: number, height: number): { cells: Float32Array; strides: Float32Array } {
  const cells: number[] = [];
  const strides: number[] = [];
  for (const s of STRIDES) {
    for (let gy = 0; gy < height / s; gy++) {
      for (let gx = 0; gx < width / s; gx++) {
        cells.push(gx, gy);
        strides.push(s);
      }
    }
  }
  return { cells: Float32Array.from(cells), strides: Float32Array.from(strides) };
}

/** images (RGB 0–1) → the original input (BGR 0–255): Gather [2,1,0] on channels, × 255. */
function rgbUnitToBgr255(input: string, yoloxInput: string): Fragment {
  return {
    nodes: [
      node('Gather', [input, `${P}bgr_order`], [`${P}bgr_unit`], [intAttr('axis', 1)]),
      node('Mul', [`${P}bgr_unit`, `${P}255`], [yoloxInput]),
    ],
    initializers: [int64Tensor(`${P}bgr_order`, [2, 1, 0]), floatTensor(`${P}255`, [], [255])],
  };
}

/** One Slice of the last axis, `[start, end)`, with its bounds as initializers (opset ≥ 10). */
function sliceLastAxis(input: string, output: string, start: number, end: number): Fragment {
  const starts = `${output}/starts`;
  const ends = `${output}/ends`;
  return {
    nodes: [node('Slice', [input, starts, ends, `${P}axis2`], [output])],
    initializers: [int64Tensor(starts, [start]), int64Tensor(ends, [end])],
  };
}

/**
 * YOLOX rows [1,N,85] → YOLOv8 [1,84,N]: xy = (cxy + cell) × stride, wh = exp(wh) × stride,
 * scores = obj × cls; concatenated per anchor, then channels first.
 */
function gridDecode(yoloxOutput: string, output: string, shape: YoloxShape): Fragment {
  const { cells, strides } = yoloxGrid(shape.width, shape.height);
  const anchors = strides.length;
  const classEnd = FIRST_CLASS + shape.classes;
  const slices = [
    sliceLastAxis(yoloxOutput, `${P}cxy`, 0, 2),
    sliceLastAxis(yoloxOutput, `${P}log_wh`, 2, BOX_CHANNELS),
    sliceLastAxis(yoloxOutput, `${P}obj`, OBJECTNESS, FIRST_CLASS),
    sliceLastAxis(yoloxOutput, `${P}cls`, FIRST_CLASS, classEnd),
  ];
  return {
    nodes: [
      ...slices.flatMap((s) => s.nodes),
      node('Add', [`${P}cxy`, `${P}cells`], [`${P}xy_cells`]),
      node('Mul', [`${P}xy_cells`, `${P}strides`], [`${P}xy`]),
      node('Exp', [`${P}log_wh`], [`${P}wh_cells`]),
      node('Mul', [`${P}wh_cells`, `${P}strides`], [`${P}wh`]),
      node('Mul', [`${P}cls`, `${P}obj`], [`${P}scores`]),
      node('Concat', [`${P}xy`, `${P}wh`, `${P}scores`], [`${P}rows`], [intAttr('axis', 2)]),
      node('Transpose', [`${P}rows`], [output], [intsAttr('perm', [0, 2, 1])]),
    ],
    initializers: [
      ...slices.flatMap((s) => s.initializers),
      int64Tensor(`${P}axis2`, [2]),
      floatTensor(`${P}cells`, [1, anchors, 2], cells),
      floatTensor(`${P}strides`, [1, anchors, 1], strides),
    ],
  };
}

/** Names and sizes of the YOLOX graph, checked against the grid the decode assumes. */
function yoloxShapeOf(graph: Graph): YoloxShape {
  const [input, output] = [graph.input?.[0], graph.output?.[0]];
  if (!input?.name || !output?.name) throw new Error('YOLOX graph has no input or output');
  const [, , height, width] = dimsOf(input);
  const [, anchors, rowLength] = dimsOf(output);
  const shape = {
    input: input.name,
    output: output.name,
    width: width!,
    height: height!,
    anchors: anchors!,
    classes: rowLength! - FIRST_CLASS,
  };
  const gridAnchors = yoloxGrid(shape.width, shape.height).strides.length;
  if (gridAnchors !== shape.anchors) {
    throw new Error(
      `YOLOX output holds ${shape.anchors} anchors, its ${width}x${height} grid ${gridAnchors}`,
    );
  }
  return shape;
}

/** The original nodes, reading the converted input under a new name (the new input takes `images`). */
function renameInput(nodes: readonly Node[], from: string, to: string): Node[] {
  return nodes.map((n) => ({ ...n, input: (n.input ?? []).map((name) => (name === from ? to : name)) }));
}

/** YOLOX-Nano model bytes → a YOLOv8-format model (same weights) as bytes. */
export function yolov8FromYolox(yoloxBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(yoloxBytes);
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET) throw new Error(`opset ${opset} < ${MIN_OPSET}: Slice takes no tensor inputs`);
  const graph = model.graph!;
  const yolox = yoloxShapeOf(graph);
  const yoloxInput = `${P}yolox_images`;
  const before = rgbUnitToBgr255(yolox.input, yoloxInput);
  const after = gridDecode(yolox.output, 'output0', yolox);
  graph.node = [...before.nodes, ...renameInput(graph.node ?? [], yolox.input, yoloxInput), ...after.nodes];
  graph.initializer = [...(graph.initializer ?? []), ...before.initializers, ...after.initializers];
  graph.input = [floatValueInfo(yolox.input, [1, 3, yolox.height, yolox.width])];
  graph.output = [floatValueInfo('output0', [1, BOX_CHANNELS + yolox.classes, yolox.anchors])];
  model.docString = 'YOLOv8-format wrapper of YOLOX-Nano, made by the inference tests';
  return onnx.ModelProto.encode(model).finish();
}

/** The wrapped model in a fresh temp dir (never beside the shared models); `remove` deletes it. */
export function writeYolov8FromYolox(yoloxFile: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-yolov8-'));
  const file = join(dir, 'yolov8_from_yolox_nano.onnx');
  writeFileSync(file, yolov8FromYolox(readFileSync(yoloxFile)));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
