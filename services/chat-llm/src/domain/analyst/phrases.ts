/**
 * The analyst's sentences in English and Traditional Chinese. Every number they print is a field
 * of a tool result, passed through unchanged (see domain/grounding.ts).
 */
type Rec = Record<string, unknown>;
type Label = 'person' | 'vehicle';

export interface Phrases {
  countNow(d: Rec, label: Label): string;
  countNowTotal(total: unknown, label: Label): string;
  noCountData(d: Rec): string;
  queue(d: Rec): string;
  noQueue(d: Rec, lookback: unknown): string;
  windowIntro(w: Rec): string;
  range(d: Rec, label: Label): string;
  noRangeData(d: Rec): string;
  busiest(w: Rec, h: Rec, label: Label): string;
  noBusiest(w: Rec): string;
  rank(r: Rec, label: Label): string;
  rankZone(r: Rec, label: Label): string;
  noZones: string;
  eventsIntro(w: Rec, total: unknown, alerts: unknown): string;
  event(e: Rec): string;
  noDevices: string;
  help: string;
}

const details = (e: Rec) =>
  Object.entries((e.details as Rec) ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');

const enNoun = (n: unknown, label: Label) =>
  label === 'vehicle' ? (n === 1 ? 'vehicle' : 'vehicles') : n === 1 ? 'person' : 'people';

export const en: Phrases = {
  countNow: (d, label) =>
    `Right now there ${d[label === 'person' ? 'people' : 'vehicles'] === 1 ? 'is' : 'are'} ${String(d[label === 'person' ? 'people' : 'vehicles'])} ${enNoun(d[label === 'person' ? 'people' : 'vehicles'], label)} in front of ${String(d.name)} (data from ${String(d.dataTime)}).`,
  countNowTotal: (total, label) => `In total: ${String(total)} ${enNoun(total, label)}.`,
  noCountData: (d) => `${String(d.name)} has no analysed frame yet, so I cannot tell how many are there.`,
  queue: (d) =>
    `${String(d.name)}: about ${String(d.queueLength)} people in the queue` +
    (d.predictedWaitMinutes === null ? '' : `, predicted wait ${String(d.predictedWaitMinutes)} min`) +
    (d.waitP90Minutes === null ? '' : ` (nine in ten wait under ${String(d.waitP90Minutes)} min)`) +
    `, measured in the minute from ${String(d.minuteStart)}.`,
  noQueue: (d, lookback) =>
    `${String(d.name)} has no queue measurement in the last ${String(lookback)} minutes (is a queue zone set up?).`,
  windowIntro: (w) => `From ${String(w.from)} to ${String(w.to)} (${String(w.minutes)} minutes):`,
  range: (d, label) =>
    ` ${String(d.name)} averaged ${String(d.averageCount)} ${enNoun(2, label)} in view, peaking at ${String(d.peakCount)}` +
    (d.crossingsIn || d.crossingsOut
      ? `; ${String(d.crossingsIn)} came in and ${String(d.crossingsOut)} went out`
      : '') +
    ` (${String(d.minutesWithData)} minutes of data).`,
  noRangeData: (d) => ` ${String(d.name)} has no data in this window.`,
  busiest: (w, h, label) =>
    `Between ${String(w.from)} and ${String(w.to)}, the busiest hour was ${String(h.start)}–${String(h.end)} on ${String(h.day)}, with on average ${String(h.averageCount)} ${enNoun(2, label)} in view (peak ${String(h.peakCount)} on one camera).`,
  noBusiest: (w) =>
    `There is no data between ${String(w.from)} and ${String(w.to)}, so I cannot name a busiest hour.`,
  rank: (r, label) =>
    ` #${String(r.rank)} ${String(r.name)}: average ${String(r.averageCount)} ${enNoun(2, label)}, peak ${String(r.peakCount)}.`,
  rankZone: (r, label) =>
    ` #${String(r.rank)} zone ${String(r.zone)} of ${String(r.camera)}: average ${String(r.averageCount)} ${enNoun(2, label)}, peak ${String(r.peakCount)}.`,
  noZones: ' no zone has data in this window (are zones set up for these cameras?).',
  eventsIntro: (w, total, alerts) =>
    `From ${String(w.from)} to ${String(w.to)} there were ${String(total)} events, ${String(alerts)} of them alerts.`,
  event: (e) =>
    ` ${String(e.time)}: ${String(e.analytic)} on ${String(e.camera)}${details(e) ? ` (${details(e)})` : ''}.`,
  noDevices: 'This chat has no cameras to ask about yet: add a device to the tenant or to the chat.',
  help:
    'I answer questions about your cameras\u2019 live numbers, for example: "How many people are in front of the Front door camera now?", ' +
    '"How long is the queue?", "How many people on average in the last hour?", "What was the busiest hour today?", ' +
    '"Compare the cameras", "Any alerts?". Questions in Traditional Chinese work too.',
};

const zhNoun = (label: Label) => (label === 'vehicle' ? '輛車' : '人');

export const zh: Phrases = {
  countNow: (d, label) =>
    `現在${String(d.name)}前有${String(d[label === 'person' ? 'people' : 'vehicles'])}${zhNoun(label)}（資料時間：${String(d.dataTime)}）。`,
  countNowTotal: (total, label) => `合計${String(total)}${zhNoun(label)}。`,
  noCountData: (d) => `${String(d.name)}目前還沒有分析過的畫面，無法得知人數。`,
  queue: (d) =>
    `${String(d.name)}：排隊約${String(d.queueLength)}人` +
    (d.predictedWaitMinutes === null ? '' : `，預估等候${String(d.predictedWaitMinutes)}分鐘`) +
    (d.waitP90Minutes === null ? '' : `（九成在${String(d.waitP90Minutes)}分鐘內）`) +
    `，量測時間為${String(d.minuteStart)}起的一分鐘。`,
  noQueue: (d, lookback) =>
    `${String(d.name)}在過去${String(lookback)}分鐘內沒有排隊量測資料（是否已設定排隊區域？）。`,
  windowIntro: (w) => `${String(w.from)}至${String(w.to)}（${String(w.minutes)}分鐘）：`,
  range: (d, label) =>
    `${String(d.name)}平均有${String(d.averageCount)}${zhNoun(label)}，最多${String(d.peakCount)}${zhNoun(label)}` +
    (d.crossingsIn || d.crossingsOut ? `；進入${String(d.crossingsIn)}、離開${String(d.crossingsOut)}` : '') +
    `（${String(d.minutesWithData)}分鐘的資料）。`,
  noRangeData: (d) => `${String(d.name)}在這段時間沒有資料。`,
  busiest: (w, h, label) =>
    `${String(w.from)}至${String(w.to)}之間，最忙的時段是${String(h.day)} ${String(h.start)}–${String(h.end)}，平均有${String(h.averageCount)}${zhNoun(label)}（單一攝影機最多${String(h.peakCount)}${zhNoun(label)}）。`,
  noBusiest: (w) => `${String(w.from)}至${String(w.to)}之間沒有資料，無法判斷最忙的時段。`,
  rank: (r, label) =>
    `第${String(r.rank)}名 ${String(r.name)}：平均${String(r.averageCount)}${zhNoun(label)}，最多${String(r.peakCount)}${zhNoun(label)}。`,
  rankZone: (r, label) =>
    `第${String(r.rank)}名 ${String(r.camera)}的${String(r.zone)}區域：平均${String(r.averageCount)}${zhNoun(label)}，最多${String(r.peakCount)}${zhNoun(label)}。`,
  noZones: '這段時間沒有任何區域的資料（這些攝影機是否已設定區域？）。',
  eventsIntro: (w, total, alerts) =>
    `${String(w.from)}至${String(w.to)}共有${String(total)}個事件，其中${String(alerts)}個是警報。`,
  event: (e) =>
    `${String(e.time)}：${String(e.camera)}的${String(e.analytic)}事件${details(e) ? `（${details(e)}）` : ''}。`,
  noDevices: '這個對話還沒有可以查詢的攝影機：請先為租戶或對話加入設備。',
  help:
    '我可以回答關於攝影機即時數據的問題，例如：「現在大門攝影機前有多少人？」、「排隊要等多久？」、「過去一小時平均有多少人？」、' +
    '「今天最忙的時段是什麼時候？」、「比較各攝影機」、「有沒有警報？」。也可以用英文提問。',
};
