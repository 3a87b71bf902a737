import { h } from '../lib/dom.js';
import type { SceneDraft, Selection } from './scene-model.js';

interface PanelActions {
  select(selection: Selection | undefined): void;
  changed(): void;
}

/** The list of elements (each with the validation errors the server named for it) and the selection's properties. */
export function editorPanel(
  model: SceneDraft,
  errors: Map<string, string[]>,
  actions: PanelActions,
): HTMLElement {
  const item = (kind: Selection['kind'], index: number, label: string) => {
    const key = `${kind}[${index}]`;
    const messages = errors.get(key) ?? [];
    const selected = model.selected?.kind === kind && model.selected.index === index;
    const errorId = `err-${kind}-${index}`;
    return h(
      'li',
      { class: messages.length ? 'has-error' : undefined, 'data-element': key },
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(selected),
          'aria-describedby': messages.length ? errorId : undefined,
          onclick: () => actions.select({ kind, index }),
        },
        label,
      ),
      messages.length
        ? h('p', { class: 'element-error', id: errorId, role: 'alert' }, messages.join(' '))
        : null,
    );
  };
  const list = h(
    'ul',
    { class: 'element-list', 'aria-label': 'Zones and lines' },
    ...model.zones.map((z, i) =>
      item('zones', i, `${z.kind === 'queue' ? 'Queue' : 'Zone'}: ${z.name || z.id}`),
    ),
    ...model.lines.map((l, i) => item('lines', i, `Line: ${l.name || l.id}`)),
  );
  if (model.zones.length + model.lines.length === 0)
    list.append(h('li', { class: 'empty' }, 'Nothing drawn yet.'));
  return h(
    'section',
    { class: 'card', 'aria-label': 'Scene elements' },
    h('h3', {}, 'Elements'),
    list,
    properties(model, actions),
  );
}

function properties(model: SceneDraft, actions: PanelActions): HTMLElement | null {
  const zone = model.selectedZone();
  const line = model.selectedLine();
  const target = zone ?? line;
  if (!target) return null;
  const edit = (apply: () => void) => () => {
    apply();
    model.dirty = true;
    actions.changed();
  };
  const name = h('input', { id: 'element-name', value: target.name ?? '', maxlength: 128 });
  name.addEventListener(
    'change',
    edit(() => (target.name = name.value.trim() || undefined)),
  );
  const fields: HTMLElement[] = [h('label', { for: 'element-name' }, 'Name'), name];
  if (zone) {
    const kind = h(
      'select',
      { id: 'zone-kind' },
      h('option', { value: 'zone' }, 'Zone'),
      h('option', { value: 'queue' }, 'Queue'),
    );
    kind.value = zone.kind ?? 'zone';
    kind.addEventListener(
      'change',
      edit(() => {
        zone.kind = kind.value as 'zone' | 'queue';
        if (zone.kind === 'zone') delete zone.servicePoint;
      }),
    );
    const capacity = h('input', {
      id: 'zone-capacity',
      type: 'number',
      min: 0,
      step: 1,
      value: zone.capacity ?? '',
    });
    capacity.addEventListener(
      'change',
      edit(() => {
        if (capacity.value === '') delete zone.capacity;
        else zone.capacity = Math.max(0, Math.round(Number(capacity.value)));
      }),
    );
    fields.push(
      h('label', { for: 'zone-kind' }, 'Kind'),
      kind,
      h('label', { for: 'zone-capacity' }, 'Capacity (people)'),
      capacity,
    );
    if (zone.kind === 'queue') {
      fields.push(
        h(
          'p',
          { class: 'hint' },
          zone.servicePoint
            ? `Service point at ${zone.servicePoint.join(', ')}.`
            : 'No service point yet: use "Set service point".',
        ),
      );
    }
  }
  if (line) {
    const inFrom = h(
      'select',
      { id: 'line-in-from' },
      h('option', { value: 'left' }, 'Left of a→b'),
      h('option', { value: 'right' }, 'Right of a→b'),
    );
    inFrom.value = line.inFrom ?? 'left';
    inFrom.addEventListener(
      'change',
      edit(() => (line.inFrom = inFrom.value as 'left' | 'right')),
    );
    const flip = h(
      'button',
      {
        type: 'button',
        onclick: edit(() => (line.inFrom = (line.inFrom ?? 'left') === 'left' ? 'right' : 'left')),
      },
      'Flip direction',
    );
    fields.push(h('label', { for: 'line-in-from' }, '"In" is a crossing from'), inFrom, flip);
  }
  return h('div', { class: 'properties' }, h('h3', {}, 'Selected'), ...fields);
}
