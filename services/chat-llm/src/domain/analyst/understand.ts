import type { DeviceInfo } from '../ports.js';

export type Intent =
  | 'counts_now'
  | 'queue'
  | 'range'
  | 'busiest'
  | 'compare'
  | 'compare_zones'
  | 'events'
  | 'help';
export type Lang = 'en' | 'zh';

export interface Question {
  intent: Intent;
  lang: Lang;
  /** Devices the question names; empty means every device of the chat. */
  devices: DeviceInfo[];
  label: 'person' | 'vehicle';
  /** Window ending now, when the question gives one ("last 30 minutes", 「過去一小時」). */
  lastMinutes?: number;
  /** Since local midnight ("today", 「今天」); resolved against the display time zone. */
  today?: boolean;
  alertsOnly: boolean;
}

/** First match wins: the more specific questions come before the plain "how many". */
const intents: [Intent, RegExp][] = [
  ['events', /alert|alarm|event|incident|警報|告警|事件|警示|異常/i],
  ['queue', /queue|line ?up|waiting|\bwait\b|how long.*wait|排隊|等待|等候|隊伍|候位/i],
  ['busiest', /busiest|peak hour|rush hour|most crowded hour|最忙|尖峰|高峰|哪個時段|哪個小時|什麼時候最多/i],
  [
    'compare',
    /compare|which camera|which device|versus|\bvs\.?\b|比較|哪個攝影機|哪一個攝影機|哪台|哪支|哪個鏡頭/i,
  ],
  ['range', /average|on average|in total|crossed|came in|went out|平均|總共|進出|進入|離開/i],
  ['counts_now', /how many|count|number of|anyone|anybody|多少|幾個|幾位|幾人|人數|幾台|幾輛|數量|有人嗎/i],
];

const CJK = /[\u3400-\u9fff]/;
const ZONES = /\bzones?\b|區域|各區|分區/i;
const VEHICLE = /vehicle|\bcars?\b|truck|\bbus(es)?\b|traffic|motorcycle|bicycle|bike|車/i;

export function understand(prompt: string, devices: readonly DeviceInfo[]): Question {
  const named = matchDevices(prompt, devices);
  // "How long is the queue at 大門?" is English: judge the language without the device names.
  const unnamed = named.reduce((text, d) => text.split(d.name).join(' '), prompt);
  const lang: Lang = CJK.test(unnamed) ? 'zh' : 'en';
  const window = parseWindow(prompt);
  let intent: Intent = intents.find(([, re]) => re.test(prompt))?.[0] ?? 'help';
  // "How many people were there in the last hour?" asks for a range, not for now.
  if (intent === 'counts_now' && (window.lastMinutes !== undefined || window.today)) intent = 'range';
  if (intent === 'compare' && ZONES.test(prompt)) intent = 'compare_zones';
  return {
    intent,
    lang,
    devices: named,
    label: VEHICLE.test(prompt) ? 'vehicle' : 'person',
    alertsOnly: /alert|alarm|警報|告警|警示/i.test(prompt),
    ...window,
  };
}

const CAMERA_WORDS = /\s*(camera|cam|攝影機|攝像頭|鏡頭|相機|監視器)$/i;

/** Devices whose id, name, or name without a trailing "camera" word appears in the prompt. */
export function matchDevices(prompt: string, devices: readonly DeviceInfo[]): DeviceInfo[] {
  const text = prompt.toLowerCase();
  const hits = devices.filter((d) => {
    const names = [d.deviceId, d.name, d.name.replace(CAMERA_WORDS, '')].map((n) => n.toLowerCase().trim());
    return names.some((n) => n.length >= 2 && text.includes(n));
  });
  // "Front door 2" also contains "Front door": keep only the longest overlapping names.
  return hits.filter(
    (d) => !hits.some((o) => o !== d && o.name.length > d.name.length && o.name.includes(d.name)),
  );
}

const zhDigits: Record<string, number> = {
  一: 1,
  二: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 1–99 in Arabic or Chinese numerals (十五, 二十, 三十); "a"/"an"/"one" is 1. */
function parseCount(raw: string | undefined): number {
  if (!raw || /^(a|an|one)$/i.test(raw)) return 1;
  if (/^\d+$/.test(raw)) return Number(raw);
  const [tens, ones] = raw.includes('十') ? raw.split('十') : ['', raw];
  const t = raw.includes('十') ? (tens ? (zhDigits[tens] ?? 1) : 1) : 0;
  return t * 10 + (ones ? (zhDigits[ones] ?? 0) : 0) || 1;
}

const unitMinutes = (unit: string) =>
  /day|天/i.test(unit) ? 1440 : /hour|hr|小時|鐘頭/i.test(unit) ? 60 : 1;

function parseWindow(prompt: string): { lastMinutes?: number; today?: boolean } {
  const en = /(?:last|past|previous)\s+(\d+|an?|one)?\s*(minutes?|mins?|hours?|hrs?|days?)\b/i.exec(prompt);
  if (en) return { lastMinutes: parseCount(en[1]) * unitMinutes(en[2]!) };
  const zh = /(?:過去|最近|前)\s*(\d+|[一二兩三四五六七八九十]+)?\s*(?:個)?\s*(分鐘|小時|鐘頭|天)/.exec(
    prompt,
  );
  if (zh) return { lastMinutes: parseCount(zh[1]) * unitMinutes(zh[2]!) };
  if (/\btoday\b|今天|今日/i.test(prompt)) return { today: true };
  return {};
}
