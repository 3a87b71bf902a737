import { en, type Phrases, zh } from './phrases.js';
import type { Question } from './understand.js';

type Rec = Record<string, unknown>;
const list = (value: unknown): Rec[] => (Array.isArray(value) ? (value as Rec[]) : []);
const phrases = (q: Question): Phrases => (q.lang === 'zh' ? zh : en);
const joiner = (q: Question) => (q.lang === 'zh' ? '' : ' ');

/** Turn a tool result into the answer's sentences; a result with `error` is said plainly. */
function failed(q: Question, result: Rec): string | undefined {
  if (typeof result.error !== 'string') return undefined;
  return q.lang === 'zh' ? `無法查詢：${result.error}` : `I could not look that up: ${result.error}.`;
}

type Composer = (q: Question, result: Rec) => string;
/** A result with `error` (bad arguments, unknown device) is said plainly instead. */
const guarded =
  (fn: Composer): Composer =>
  (q, result) =>
    failed(q, result) ?? fn(q, result);

export const compose = {
  noDevices: (q: Question) => phrases(q).noDevices,
  help: (q: Question) => phrases(q).help,

  countsNow: guarded((q, result) => {
    const p = phrases(q);
    const devices = list(result.devices);
    const lines = devices.map((d) => (d.hasData ? p.countNow(d, q.label) : p.noCountData(d)));
    if (devices.filter((d) => d.hasData).length > 1) {
      lines.push(p.countNowTotal(q.label === 'person' ? result.totalPeople : result.totalVehicles, q.label));
    }
    return lines.join(joiner(q));
  }),

  queue: guarded((q, result) => {
    const p = phrases(q);
    const lines = list(result.devices).map((d) =>
      d.hasQueueData ? p.queue(d) : p.noQueue(d, result.lookbackMinutes),
    );
    return lines.join(joiner(q));
  }),

  range: guarded((q, result) => {
    const p = phrases(q);
    const body = list(result.devices).map((d) =>
      Number(d.minutesWithData) > 0 ? p.range(d, q.label) : p.noRangeData(d),
    );
    return p.windowIntro(result.window as Rec) + body.join('');
  }),

  busiest: guarded((q, result) => {
    const p = phrases(q);
    const window = result.window as Rec;
    return result.busiestHour ? p.busiest(window, result.busiestHour as Rec, q.label) : p.noBusiest(window);
  }),

  compare: guarded((q, result) => {
    const p = phrases(q);
    const ranking = list(result.ranking).map((r) =>
      Number(r.minutesWithData) > 0 ? p.rank(r, q.label) : p.noRangeData(r),
    );
    return p.windowIntro(result.window as Rec) + ranking.join('');
  }),

  compareZones: guarded((q, result) => {
    const p = phrases(q);
    const ranking = list(result.ranking).map((r) => p.rankZone(r, q.label));
    return p.windowIntro(result.window as Rec) + (ranking.length > 0 ? ranking.join('') : p.noZones);
  }),

  events: guarded((q, result) => {
    const p = phrases(q);
    const window = result.window as Rec;
    const events = list(result.events).map((e) => p.event(e));
    return p.eventsIntro(window, result.total, result.alerts) + events.join('');
  }),
};
