import { describe, expect, it } from 'vitest';
import { matchDevices, understand } from '../../src/domain/analyst/understand.js';

const devices = [
  { deviceId: 'cam-1', name: '大門', labels: [] },
  { deviceId: 'cam-2', name: 'Lobby camera', labels: [] },
  { deviceId: 'cam-3', name: 'Lobby camera 2', labels: [] },
];

describe('understanding questions', () => {
  it.each([
    ['How many people are in front of camera 大門 now?', 'counts_now', 'en'],
    ['how many people are at the lobby camera right now', 'counts_now', 'en'],
    ['現在大門攝影機前有多少人？', 'counts_now', 'zh'],
    ['大門現在有幾個人', 'counts_now', 'zh'],
    ['How long is the queue?', 'queue', 'en'],
    ['排隊要等多久？', 'queue', 'zh'],
    ['How many people were there in the last hour?', 'range', 'en'],
    ['過去三十分鐘平均有多少人？', 'range', 'zh'],
    ['What was the busiest hour today?', 'busiest', 'en'],
    ['今天最忙的時段是什麼時候？', 'busiest', 'zh'],
    ['Compare the cameras over the past 2 hours', 'compare', 'en'],
    ['比較各攝影機', 'compare', 'zh'],
    ['Any alerts in the last 10 minutes?', 'events', 'en'],
    ['最近有什麼事件？', 'events', 'zh'],
    ['What is the wait?', 'queue', 'en'],
    ['等候時間？', 'queue', 'zh'],
    ['哪個攝影機人最多', 'compare', 'zh'],
    ['有沒有警報？', 'events', 'zh'],
    ['Any events?', 'events', 'en'],
    ['how many cars now?', 'counts_now', 'en'],
    ['現在有幾台車？', 'counts_now', 'zh'],
    ['Compare the zones of the lobby', 'compare_zones', 'en'],
    ['比較各區域的人數', 'compare_zones', 'zh'],
    ['hello', 'help', 'en'],
  ])('%s → %s (%s)', (prompt, intent, lang) => {
    expect(understand(prompt, devices)).toMatchObject({ intent, lang });
  });

  it('reads time windows in both languages', () => {
    expect(understand('average in the last 45 minutes', devices).lastMinutes).toBe(45);
    expect(understand('average over the past hour', devices).lastMinutes).toBe(60);
    expect(understand('compare the last 3 days', devices).lastMinutes).toBe(3 * 1440);
    expect(understand('過去三十分鐘平均有多少人？', devices).lastMinutes).toBe(30);
    expect(understand('最近一小時平均幾人', devices).lastMinutes).toBe(60);
    expect(understand('過去十五分鐘', devices).lastMinutes).toBe(15);
    expect(understand('過去2個小時', devices).lastMinutes).toBe(120);
    expect(understand('今天平均有多少人', devices).today).toBe(true);
    expect(understand('how many people now', devices).lastMinutes).toBeUndefined();
  });

  it('tells people from vehicles', () => {
    expect(understand('how many cars are there now?', devices).label).toBe('vehicle');
    expect(understand('現在有幾台車？', devices).label).toBe('vehicle');
    expect(understand('how many people now?', devices).label).toBe('person');
  });

  it('finds devices by name, name without "camera", or id, preferring the longest name', () => {
    expect(matchDevices('現在大門攝影機前有多少人？', devices).map((d) => d.deviceId)).toEqual(['cam-1']);
    expect(matchDevices('people at the LOBBY now?', devices).map((d) => d.deviceId)).toEqual(['cam-2']);
    expect(matchDevices('people at lobby camera 2', devices).map((d) => d.deviceId)).toEqual(['cam-3']);
    expect(matchDevices('how many at cam-2', devices).map((d) => d.deviceId)).toEqual(['cam-2']);
    expect(matchDevices('how many people now', devices)).toEqual([]);
  });
});
