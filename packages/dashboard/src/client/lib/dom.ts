type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** A tiny element builder: `on*` attributes become listeners, booleans toggle attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** Formats a number for a stat tile; a missing value shows as an en dash. */
export function fmt(value: number | undefined, digits = 0, unit = ''): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)}${unit}`;
}
