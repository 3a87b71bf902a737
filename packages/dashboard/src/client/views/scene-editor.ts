import { type AppContext, deviceName, loadScene, signalIn } from '../app-context.js';
import { h } from '../lib/dom.js';
import { clampPoint, errorsByElement } from '../lib/geometry.js';
import { ApiCallError } from '../lib/http.js';
import type { Scene } from '../lib/types.js';
import { renderFrame } from '../render/frame-canvas.js';
import { drawLine, drawZone } from '../render/overlay.js';
import { type Hit, SceneDraft, type Tool } from './scene-model.js';
import { editorPanel } from './scene-panel.js';

const tools: Array<[Tool, string]> = [
  ['select', 'Select / move'],
  ['zone', 'Draw zone'],
  ['queue', 'Draw queue'],
  ['line', 'Draw line'],
  ['service', 'Set service point'],
];

/**
 * Draw, move and delete zones and lines on the live frame. Pointer: click vertices (Enter or a
 * double click closes a polygon), drag to move. Keyboard: Tab to the canvas, arrows nudge the
 * selection, Delete removes it, Escape cancels a drawing; the panel lists every element.
 */
export function renderSceneEditor(ctx: AppContext, host: HTMLElement, deviceId: string): () => void {
  const scene = signalIn(ctx.scenes, deviceId);
  let model = new SceneDraft(scene.value);
  let tool: Tool = 'select';
  let errors = new Map<string, string[]>();
  let drag: { hit: Hit; last: [number, number] } | undefined;

  const canvas = h('canvas', {
    class: 'frame large editor-canvas',
    tabindex: 0,
    role: 'application',
    'aria-label':
      'Scene editor canvas. Arrow keys move the selected element, Delete removes it, Enter finishes a shape, Escape cancels.',
    'aria-describedby': 'editor-status',
  });
  const status = h('p', { id: 'editor-status', class: 'hint', 'aria-live': 'polite' });
  const summary = h('div', { class: 'form-error', role: 'alert', id: 'scene-errors' });
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Editor tools' });
  const panel = h('div', { class: 'editor-panel' });
  const save = h('button', { class: 'primary', id: 'scene-save' }, 'Save scene');

  const scale = () => Math.max(1, canvas.width / (canvas.getBoundingClientRect().width || canvas.width));
  const toFrame = (e: PointerEvent | MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return clampPoint(
      [
        ((e.clientX - rect.left) * canvas.width) / rect.width,
        ((e.clientY - rect.top) * canvas.height) / rect.height,
      ],
      canvas.width,
      canvas.height,
    );
  };

  /** The source frame's size: the live frame's, else the one the scene was drawn on. */
  const frameSize = () => {
    const bitmap = ctx.live.get(deviceId).bitmap;
    if (bitmap) return { width: bitmap.width, height: bitmap.height };
    return scene.value?.frame ?? { width: canvas.width, height: canvas.height };
  };

  const draw = () => {
    const live = ctx.live.get(deviceId);
    if (!renderFrame(canvas, live, { boxes: true })) {
      canvas.width = 640;
      canvas.height = 360;
    }
    const c = canvas.getContext('2d');
    if (!c) return;
    const s = scale();
    model.zones.forEach((zone, index) => {
      drawZone(c, zone, s, model.selected?.kind === 'zones' && model.selected.index === index);
      if (errors.has(`zones[${index}]`)) outline(c, zone.polygon, s);
    });
    model.lines.forEach((line, index) => {
      drawLine(c, line, s, model.selected?.kind === 'lines' && model.selected.index === index);
      if (errors.has(`lines[${index}]`)) outline(c, [line.a, line.b], s);
    });
    if (model.draft.length) {
      c.strokeStyle = '#ffd33d';
      c.lineWidth = 2 * s;
      c.setLineDash([8 * s, 6 * s]);
      c.beginPath();
      tracePath(c, model.draft);
      c.stroke();
      c.setLineDash([]);
      for (const [x, y] of model.draft) c.fillRect(x - 3 * s, y - 3 * s, 6 * s, 6 * s);
    }
  };

  const refresh = () => {
    draw();
    for (const button of toolbar.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.tool === tool));
    }
    panel.replaceChildren(editorPanel(model, errors, { select, changed: refresh }));
    const general = errors.get('');
    summary.textContent = general
      ? general.join(' ')
      : errors.size
        ? 'The scene was not saved: fix the marked elements.'
        : '';
    status.textContent = statusText();
    save.disabled = false;
  };
  const statusText = () => {
    if (tool === 'line')
      return model.draft.length ? 'Click the end of the line.' : 'Click the start of the line.';
    if (tool === 'zone' || tool === 'queue')
      return `${model.draft.length} points. Click to add; Enter or double click to finish (at least 3).`;
    if (tool === 'service') return 'Click where the queue is served.';
    return model.dirty ? 'Unsaved changes.' : 'Select an element to move or delete it.';
  };
  const select = (selection: typeof model.selected) => {
    model.selected = selection;
    refresh();
  };
  const setTool = (next: Tool) => {
    tool = next;
    model.draft = [];
    refresh();
  };
  const finish = () => {
    if (model.finishDraft(tool)) setTool('select');
  };

  for (const [name, label] of tools) {
    toolbar.append(
      h(
        'button',
        { type: 'button', 'data-tool': name, 'aria-pressed': 'false', onclick: () => setTool(name) },
        label,
      ),
    );
  }
  const addDefault = (kind: 'zone' | 'queue' | 'line') => () => {
    model.addDefault(kind, frameSize());
    setTool('select');
    canvas.focus();
  };
  toolbar.append(
    h('button', { type: 'button', onclick: addDefault('zone') }, 'Add zone'),
    h('button', { type: 'button', onclick: addDefault('line') }, 'Add line'),
    h('button', { type: 'button', onclick: finish }, 'Finish shape'),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          model.deleteSelected();
          refresh();
        },
      },
      'Delete selected',
    ),
  );

  canvas.addEventListener('pointerdown', (e) => {
    const p = toFrame(e);
    canvas.focus();
    if (tool === 'select') {
      const hit = model.hit(p, 10 * scale());
      model.selected = hit && { kind: hit.kind, index: hit.index };
      drag = hit && { hit, last: p };
      if (hit) canvas.setPointerCapture(e.pointerId);
      refresh();
    } else if (tool === 'service') {
      const zone = model.selectedZone();
      if (zone) {
        zone.kind = 'queue';
        zone.servicePoint = p;
        model.dirty = true;
        setTool('select');
      } else status.textContent = 'Select a queue zone first.';
    } else {
      model.draft.push(p);
      if (tool === 'line' && model.draft.length === 2) finish();
      else refresh();
    }
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const p = toFrame(e);
    model.move(drag.hit, p[0] - drag.last[0], p[1] - drag.last[1], p);
    drag.last = p;
    draw();
  });
  canvas.addEventListener('pointerup', () => {
    if (drag) refresh();
    drag = undefined;
  });
  canvas.addEventListener('dblclick', () => {
    if (tool === 'zone' || tool === 'queue') {
      // the double click's two clicks each added a point at the same place
      model.draft = model.draft.filter(
        (q, i, all) => i === 0 || q[0] !== all[i - 1]![0] || q[1] !== all[i - 1]![1],
      );
      finish();
    }
  });
  canvas.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (e.key === 'Enter') finish();
    else if (e.key === 'Escape') setTool('select');
    else if ((e.key === 'Delete' || e.key === 'Backspace') && model.selected) {
      model.deleteSelected();
      refresh();
    } else if (moves[e.key] && model.selected) {
      model.move(model.selected, ...moves[e.key]!);
      refresh();
    } else return;
    e.preventDefault();
  });

  save.addEventListener('click', async () => {
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      const saved = await ctx.api.json<Scene>(
        'PUT',
        `/api/v1/devices/${encodeURIComponent(deviceId)}/scene`,
        model.body(frameSize()),
      );
      errors = new Map();
      scene.set(
        saved && typeof saved === 'object' && 'version' in saved ? saved : await loadScene(ctx, deviceId),
      );
      model = new SceneDraft(scene.value);
      refresh();
      status.textContent = `Saved (version ${scene.value?.version ?? '?'}).`;
    } catch (err) {
      errors = err instanceof ApiCallError ? errorsByElement(err.message) : new Map([['', [String(err)]]]);
      refresh();
    }
  });

  host.replaceChildren(
    h(
      'div',
      { class: 'view-head' },
      h('button', { class: 'link', onclick: () => ctx.go({ view: 'device', deviceId }) }, '← Back to camera'),
      h('h2', { class: 'view-title' }, `Scene of ${deviceName(ctx, deviceId)}`),
      save,
    ),
    toolbar,
    summary,
    h('div', { class: 'editor-layout' }, h('div', { class: 'card frame-card' }, canvas, status), panel),
  );

  const stops = [
    ctx.live.subscribe(deviceId, () => draw()),
    scene.subscribe((next) => {
      if (!model.dirty && next !== model.base) {
        model = new SceneDraft(next);
        refresh();
      }
    }),
  ];
  if (!scene.value)
    void loadScene(ctx, deviceId).catch(
      (err) => (summary.textContent = `Could not load the scene: ${String(err)}`),
    );
  refresh();
  return () => {
    for (const stop of stops) stop();
  };
}

function outline(c: CanvasRenderingContext2D, points: ReadonlyArray<readonly [number, number]>, s: number) {
  c.strokeStyle = '#ff4d4f';
  c.lineWidth = 5 * s;
  c.setLineDash([6 * s, 4 * s]);
  c.beginPath();
  tracePath(c, points);
  if (points.length > 2) c.closePath();
  c.stroke();
  c.setLineDash([]);
}

function tracePath(c: CanvasRenderingContext2D, points: ReadonlyArray<readonly [number, number]>) {
  for (const [i, [x, y]] of points.entries()) {
    if (i === 0) c.moveTo(x, y);
    else c.lineTo(x, y);
  }
}
