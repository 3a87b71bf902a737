import type { Scene } from '@sightline/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './support/chromium.js';
import { type BrowserStack, startBrowserStack } from './support/stack.js';

let env: BrowserStack;
let browser: Browser;
let page: Page;
const requestedUrls: string[] = [];
/** The analysis stream's requests with the headers Chromium sent (cookie, authorization). */
const streamRequests: Array<{ url: string; headers: Record<string, string> }> = [];
const sessionRequests: string[] = [];

beforeAll(async () => {
  env = await startBrowserStack();
  browser = await launchChromium();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  page.on('request', (request) => {
    requestedUrls.push(request.url());
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/v1/sessions')) sessionRequests.push(`${request.method()} ${pathname}`);
    if (pathname === '/api/v1/devices/analysis/stream/all') {
      void request.allHeaders().then((headers) => streamRequests.push({ url: request.url(), headers }));
    }
  });
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const tile = () => page.locator(`[data-device-id="${env.deviceId}"]`);
let signedIn = false;
/** Later steps need the signed-in page: fail them at once, pointing at the first failure. */
const needSignIn = () => {
  if (!signedIn) throw new Error('not signed in: see the first test');
};

describe('the operator dashboard in Chromium against the real stack', () => {
  it('signs in by opening an HttpOnly cookie session: the key is kept nowhere in the browser', async () => {
    await page.goto(env.origin);
    await page.getByLabel('API key').fill(env.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tile().waitFor({ state: 'visible' });
    const storage = await page.evaluate(() => ({
      session: Object.keys(sessionStorage).length,
      local: Object.keys(localStorage).length,
      // HttpOnly: no script sees the session cookie.
      cookies: document.cookie,
    }));
    expect(storage).toEqual({ session: 0, local: 0, cookies: '' });
    const cookies = await browser.context.cookies(env.origin);
    expect(cookies.map((c) => c.name)).toEqual(['sl_session']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0]!.value).toMatch(/^ss_/);
    expect(sessionRequests).toEqual([
      'GET /api/v1/sessions/current',
      'POST /api/v1/sessions',
      'GET /api/v1/sessions/current',
    ]);
    await page.locator('.link-pill[data-state="open"]', { hasText: 'Analysis' }).waitFor({ timeout: 30_000 });
    expect(requestedUrls.some((u) => u.includes('ticket='))).toBe(false);
    expect(requestedUrls.filter((u) => u.includes(env.apiKey))).toEqual([]);
    signedIn = true;
  });

  it('streams analysis results over EventSource with the session cookie alone', async () => {
    needSignIn();
    const sessionCookie = (await browser.context.cookies(env.origin))[0]!;
    await expect.poll(() => streamRequests.length).toBeGreaterThan(0);
    const first = streamRequests[0]!;
    expect(first.headers.cookie).toBe(`sl_session=${sessionCookie.value}`);
    expect(first.headers.authorization).toBeUndefined();
    expect(new URL(first.url).searchParams.has('ticket')).toBe(false);
    // Results arrive: the tile's people count is filled from the analysis stream.
    await expect
      .poll(async () => ((await tile().getByTestId('people-count').textContent()) ?? '').trim(), {
        timeout: 60_000,
        interval: 250,
      })
      .toMatch(/^\d+$/);
  });

  it('a camera tile renders a real frame with detection boxes', async () => {
    needSignIn();
    const canvas = tile().locator('canvas');
    await page.waitForFunction(
      (id) => {
        const c = document.querySelector<HTMLCanvasElement>(`[data-device-id="${id}"] canvas`);
        return Number(c?.dataset.rendered ?? 0) > 0 && Number(c?.dataset.boxes ?? 0) > 0;
      },
      env.deviceId,
      { timeout: 60_000 },
    );
    // A real photo, not a blank canvas: the pixels vary, and the canvas has the frame's size.
    const pixels = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let sq = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
        sum += y;
        sq += y * y;
      }
      return { width: c.width, height: c.height, std: Math.sqrt(sq / n - (sum / n) ** 2) };
    });
    expect(pixels.width).toBe(640);
    expect(pixels.height).toBe(480);
    expect(pixels.std).toBeGreaterThan(10);
    expect(await tile().locator('.tile-stats').textContent()).toMatch(/fps/);
    await browser.screenshot('01-grid');
  });

  it('the people count changes as frames arrive', async () => {
    needSignIn();
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = ((await tile().getByTestId('people-count').textContent()) ?? '').trim();
          if (/^\d+$/.test(text)) seen.add(text);
          return seen.size;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(2);
  });

  it('draws zones, shows a validation error at the element, saves, and the saved zone is used', async () => {
    needSignIn();
    await tile()
      .getByRole('button', { name: `Open ${env.deviceName}` })
      .click();
    await page.getByRole('button', { name: 'Edit scene' }).click();
    const canvas = page.locator('canvas.editor-canvas');
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const at = (fx: number, fy: number) =>
      canvas.click({ position: { x: box.width * fx, y: box.height * fy } });

    await page.getByRole('button', { name: 'Draw zone' }).click();
    for (const [x, y] of [
      [0.02, 0.02],
      [0.98, 0.02],
      [0.98, 0.98],
      [0.02, 0.98],
    ] as const)
      await at(x, y);
    await page.keyboard.press('Enter');
    // A bow tie: its edges cross, which the gateway refuses naming zones[1].
    await page.getByRole('button', { name: 'Draw zone' }).click();
    for (const [x, y] of [
      [0.3, 0.3],
      [0.6, 0.6],
      [0.6, 0.3],
      [0.3, 0.6],
    ] as const)
      await at(x, y);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Save scene' }).click();
    const elementError = page.locator('[data-element="zones[1]"] .element-error');
    await elementError.waitFor();
    expect(await elementError.textContent()).toMatch(/zones\[1\]\.polygon.*cross/);
    await browser.screenshot('02-scene-validation-error');

    await page.locator('[data-element="zones[1]"] button').click();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    // A tripwire across the walkway, counted as "in" from its right side.
    await page.getByRole('button', { name: 'Draw line' }).click();
    await at(0.5, 0.1);
    await at(0.5, 0.9);
    await page.getByRole('button', { name: 'Flip direction' }).click();
    await page.getByRole('button', { name: 'Save scene' }).click();
    await page.locator('#editor-status', { hasText: 'Saved' }).waitFor();

    const res = await fetch(`${env.stack.urls['stream-gateway']}/api/v1/devices/${env.deviceId}/scene`, {
      headers: { authorization: `Bearer ${env.apiKey}` },
    });
    const scene = (await res.json()) as Scene;
    expect(scene.version).toBe(1);
    expect(scene.zones?.map((z) => z.id)).toEqual(['zone-1']);
    expect(scene.zones?.[0]?.polygon).toHaveLength(4);
    expect(scene.lines?.map((l) => [l.id, l.inFrom])).toEqual([['line-1', 'right']]);
    await browser.screenshot('03-scene-saved');

    // Used: analytics places people in the new zone, and the device view counts them there.
    await page.getByRole('button', { name: '← Back to camera' }).click();
    const zonePeople = page.locator('[data-zone-id="zone-1"] [data-testid="zone-people"]');
    await expect
      .poll(async () => Number((await zonePeople.textContent().catch(() => '0')) || 0), {
        timeout: 60_000,
        interval: 250,
      })
      .toBeGreaterThan(0);
    await browser.screenshot('04-device-view-zone');
  });

  it('asks the chat and the answer streams in', async () => {
    needSignIn();
    await page
      .getByLabel('Ask about your cameras')
      .fill(`How many people are in front of camera ${env.deviceName} now?`);
    await page.getByRole('button', { name: 'Ask' }).click();
    const answer = page.locator('li.msg.assistant').last();
    await page.locator('li.msg.assistant[data-done]').last().waitFor({ timeout: 60_000 });
    expect(await answer.getAttribute('data-done')).toBe('true');
    expect(Number(await answer.getAttribute('data-chunks'))).toBeGreaterThan(1);
    expect(await answer.textContent()).toMatch(/\d/);
    await browser.screenshot('05-chat');
  });

  it('fits a phone screen and is usable from the keyboard', async () => {
    needSignIn();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${env.origin}/#/`);
    await tile().locator('canvas[data-rendered]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await browser.screenshot('06-phone');
    // Tab reaches the camera's open button; Enter opens its large view.
    const open = tile().getByRole('button', { name: `Open ${env.deviceName}` });
    for (let i = 0; i < 20 && !(await open.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Edit scene' }).waitFor();
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('logged no console errors during the run', () => {
    // The errors the run provokes on purpose: the 400 of the invalid scene save, and the 401 of
    // the first page load asking whether a session exists before anyone signed in.
    const provoked = [
      /status of 400 \(Bad Request\) \(.*\/api\/v1\/devices\/[^/]+\/scene\)$/,
      /status of 401 \(Unauthorized\) \(.*\/api\/v1\/sessions\/current\)$/,
    ];
    expect(browser.errors.filter((e) => !provoked.some((p) => p.test(e)))).toEqual([]);
    for (const pattern of provoked) expect(browser.errors.filter((e) => pattern.test(e))).toHaveLength(1);
  });

  // After the console check: while the gateway is down Chromium logs the refused connections.
  it('reconnects after the gateway restarts and resumes the analysis stream from its last event id', async () => {
    needSignIn();
    const analysisPill = page.locator('.link-pill', { hasText: 'Analysis' });
    await env.stack.kill('stream-gateway');
    await page
      .locator('.link-pill[data-state="reconnecting"]', { hasText: 'Analysis' })
      .waitFor({ timeout: 30_000 });
    await browser.screenshot('07-gateway-down');
    const before = requestedUrls.length;
    await env.stack.start('stream-gateway');
    await page.locator('.link-pill[data-state="open"]', { hasText: 'Analysis' }).waitFor({ timeout: 60_000 });
    expect(await analysisPill.getAttribute('data-state')).toBe('open');
    const resumed = requestedUrls
      .slice(before)
      .filter((u) => u.includes('/api/v1/devices/analysis/stream/all?'))
      .map((u) => new URL(u).searchParams);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.at(-1)!.get('lastEventId')).toMatch(new RegExp(`^${env.tenantId}-\\d+$`));
    // And live results flow again.
    const people = page.locator('[data-testid="people-now"]');
    const seen = new Set<string>();
    await expect
      .poll(async () => seen.add((await people.textContent()) ?? '').size, { timeout: 60_000, interval: 250 })
      .toBeGreaterThanOrEqual(2);
  });

  it('signs out: the session ends on the server and the cookie is gone', async () => {
    needSignIn();
    const sessionCookie = (await browser.context.cookies(env.origin))[0]!;
    const closed = page.waitForResponse(
      (res) => res.request().method() === 'DELETE' && res.url().endsWith('/api/v1/sessions/current'),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await closed).status()).toBe(204);
    await page.getByLabel('API key').waitFor();
    expect(await browser.context.cookies(env.origin)).toEqual([]);
    // The old cookie value is refused even if someone kept it.
    const res = await fetch(`${env.stack.urls['stream-gateway']}/api/v1/devices/analysis/stream/all`, {
      headers: { cookie: `sl_session=${sessionCookie.value}` },
    });
    expect(res.status).toBe(401);
  });

  it('was served by the gateway at / with the dashboard security headers', async () => {
    const res = await fetch(`${env.stack.urls['stream-gateway']}/`);
    expect(res.headers.get('content-security-policy') ?? '').toContain("frame-ancestors 'none'");
    expect(env.servedByGateway).toBe(true);
  });
});
