import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Page } from 'playwright-core';
import { defaultConsoleDir } from '../../src/infra/http/console-static';
import { findSampleFeed } from '../../src/modules/catalog/sync/sample-feed-setup.service';
import { launchBrowser, SCREENSHOT_DIR, seriousAccessibilityViolations, TestBrowser } from '../support/browser';
import { FeedServer } from '../support/feed-server';
import { configureUpstream, runSync, SyncRun, waitForRun } from '../support/sync';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

/**
 * The web console in Debian's Chromium against the real API, worker, PostgreSQL and Redis.
 * It serves the build in dist/console: `npm run test:e2e` builds it first (npm run build:console).
 */
jest.setTimeout(120_000);

const SAMPLE_FEED_DIR = join(__dirname, '..', '..', 'config', 'sample-feed');

describe('web console', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let adminToken: string;
  let feed: FeedServer;
  /** Page errors and CSP refusals seen by any tab: the console must run clean under its CSP. */
  const pageProblems: string[] = [];
  const auditor = { username: `auditor-${randomBytes(3).toString('hex')}`, password: `pw-${randomBytes(12).toString('hex')}` };
  const groupName = `Ring ${randomBytes(3).toString('hex')}`;
  let groupId: string;
  let approvedTitles: string[] = [];

  const url = (path: string) => `${app.http.baseUrl}/console${path}`;

  async function newTab(): Promise<Page> {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(message.text());
    });
    return page;
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(url('/'));
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  }

  /** Waits for the page's data, checks it with axe-core and saves a screenshot to look at. */
  async function checkPage(page: Page, name: string, fullPage = true): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
    // Nothing wider than the window: narrow windows scroll tables inside their own box.
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
    const violations = await seriousAccessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }

  async function openSection(page: Page, label: string, heading = label): Promise<void> {
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(join(defaultConsoleDir(), 'index.html'))) throw new Error('dist/console is not built: run `npm run build:console` (npm run test:e2e does)');
    app = await startTestApp({ withWorker: true, env: { PATCHGATE_SYNC_RETRY_DELAY_MS: '100' } });
    adminToken = await app.login();
    // The sample sync, as local mode's first start makes it.
    await configureUpstream(app, adminToken, { kind: 'feed', url: pathToFileURL(findSampleFeed()!).href });
    const run = await runSync(app, adminToken);
    expect(run.status).toBe('succeeded');
    const created = await app.http.post('/api/v1/users', { ...auditor, role: 'auditor' }, { token: adminToken });
    expect(created.status).toBe(201);
    feed = await FeedServer.start();
    feed.serveDirectory(SAMPLE_FEED_DIR);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    feed?.releaseAll();
    await feed?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  it('serves the console at /console with its CSP, and the SPA on any path below it', async () => {
    const index = await app.http.get('/console/updates/some-update');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    const asset = index.text.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const script = await app.http.get(asset!, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // The build's brotli copy, for a client that accepts it (fetch decodes it).
    expect(script.headers.get('content-encoding')).toBe('br');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.text).toContain('createRoot');
    // A missing asset is a 404, not the page: a stale tab must not run HTML as a script.
    const missing = await app.http.get('/console/assets/gone-0000.js');
    expect(missing.status).toBe(404);
    const bare = await fetch(`${app.http.baseUrl}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/console/']);
  });

  it('logs in and shows the sample sync in the sync log', async () => {
    const page = await newTab();
    await logIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await checkPage(page, '01-overview');
    await openSection(page, 'Sync');
    const runs = (await app.http.get('/api/v1/sync/runs', { token: adminToken })).body.items as SyncRun[];
    const sample = runs[0];
    const row = page.getByRole('row').filter({ hasText: `${sample.newUpdates} new` });
    await row.getByText('succeeded').waitFor();
    await checkPage(page, '05-sync');
    await row.getByRole('button', { name: /Details/ }).click();
    await page.getByRole('dialog').getByText(sample.upstream.url).waitFor();
    await page.keyboard.press('Escape');
    // The settings form is built from the OpenAPI schema: every upstream kind is offered, and it saves.
    await page.locator('[id="sync-upstream.kind"]').click();
    for (const kind of ['feed', 'patchgate', 'apt']) await page.getByRole('option', { name: kind, exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[id="sync-schedule"]').fill('0 4 1 1 *'); // 1 January only: no scheduled run during the test
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const config = (await app.http.get('/api/v1/sync/config', { token: adminToken })).body as { schedule: string; upstream: { url: string } };
    expect(config).toMatchObject({ schedule: '0 4 1 1 *', upstream: { url: sample.upstream.url } });
    // Choosing a kind shows that kind's fields: apt has sources (each a fieldset), a keyring box, no URL.
    await page.locator('[id="sync-upstream.kind"]').click();
    await page.getByRole('option', { name: 'apt', exact: true }).click();
    await page.locator('textarea[id="sync-upstream.keyring"]').waitFor();
    expect(await page.locator('[id="sync-upstream.url"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Add source' }).click();
    for (const field of ['url', 'suites', 'components']) await page.locator(`[id="sync-upstream.sources.0.${field}"]`).waitFor();
    await page.close();
  });

  it('approves two updates for a new group with a deadline, and finds the entries in the approval log', async () => {
    const page = await newTab();
    await logIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    // A new group, made in the console.
    await openSection(page, 'Groups and computers');
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill(groupName);
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('list', { name: 'Computer groups' }).getByText(groupName).waitFor();
    await checkPage(page, '03-groups');
    const groups = (await app.http.get('/api/v1/groups?limit=500', { token: adminToken })).body.items as { id: string; name: string }[];
    groupId = groups.find((g) => g.name === groupName)!.id;

    await openSection(page, 'Updates');
    await page.getByRole('search').getByLabel('Classification').click();
    await page.getByRole('option', { name: 'security', exact: true }).click();
    const listed = (await app.http.get('/api/v1/updates?classification=security&declined=false&state=active&limit=100', { token: adminToken })).body.items as { title: string }[];
    approvedTitles = listed.slice(0, 2).map((u) => u.title);
    expect(approvedTitles).toHaveLength(2);
    for (const title of approvedTitles) await page.getByRole('checkbox', { name: `Select ${title}`, exact: true }).check();
    await checkPage(page, '02-updates');
    await page.getByRole('button', { name: 'Approve selected (2)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Groups').click();
    await page.getByRole('option', { name: new RegExp(groupName) }).click();
    await page.keyboard.press('Escape');
    const deadline = new Date(Date.now() + 7 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    // The deadline input is in the viewer's zone (the browser runs in Europe/Berlin).
    const berlin = new Date(deadline.toLocaleString('en-US', { timeZone: 'Europe/Berlin' }));
    const local = `${berlin.getFullYear()}-${pad(berlin.getMonth() + 1)}-${pad(berlin.getDate())}T${pad(berlin.getHours())}:${pad(berlin.getMinutes())}`;
    await dialog.getByLabel('Deadline (your time zone)').fill(local);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('2 decisions for 1 group').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, '02b-approve-preview.png') });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const result = dialog.getByTestId('approval-result');
    await result.waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, '02c-approve-result.png') });
    const logged = await app.http.get(`/api/v1/audit/approvals?groupId=${groupId}`, { token: adminToken });
    const entries = logged.body.items as { seq: number; newDecision: string; deadline: string; updateTitle: string }[];
    expect(entries.map((e) => [e.newDecision, e.updateTitle]).sort()).toEqual(approvedTitles.map((t) => ['install', t]).sort());
    // The minute the viewer typed, as a UTC instant.
    for (const e of entries) expect(Math.abs(new Date(e.deadline).getTime() - deadline.getTime())).toBeLessThan(60_000);
    for (const e of entries) await result.getByRole('cell', { name: String(e.seq), exact: true }).waitFor();

    // The approval log, filtered by the new group, lists exactly those entries.
    await dialog.getByRole('link', { name: 'Open the approval log' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await page.getByRole('search').getByLabel('Group', { exact: true }).click();
    await page.getByRole('option', { name: new RegExp(groupName) }).click();
    const logTable = page.getByRole('table', { name: 'Approval log' });
    for (const title of approvedTitles) await logTable.getByRole('row').filter({ hasText: title }).getByText('none → install').waitFor();
    expect(await logTable.getByRole('row').count()).toBe(1 + entries.length);
    await checkPage(page, '06-logs');

    // Export of the filtered selection: the same bytes as the API's own export of that selection.
    for (const format of ['csv', 'ndjson'] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export ${format.toUpperCase()}` }).click()]);
      const exported = await readFile((await download.path())!, 'utf8');
      const fromApi = await fetch(`${app.http.baseUrl}/api/v1/audit/approvals?groupId=${groupId}&order=desc&format=${format}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(fromApi.status).toBe(200);
      expect(exported).toBe(await fromApi.text());
      expect(exported.trim().split('\n')).toHaveLength(format === 'csv' ? 1 + entries.length : entries.length);
    }

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const chain = page.getByTestId('chain-result');
    await chain.getByText('The chain is intact').waitFor();
    const verified = (await app.http.get('/api/v1/audit/verify', { token: adminToken })).body as { checked: number };
    await chain.getByText(`${verified.checked} entries checked`).waitFor();

    // The update's page shows, per group, what the offer does with the decision (the API's offerState).
    const approvals = (await app.http.get(`/api/v1/approvals?groupId=${groupId}&limit=10`, { token: adminToken })).body.items as { updateId: string; offerState: string }[];
    expect(approvals).toHaveLength(approvedTitles.length);
    await page.goto(url(`/updates/${approvals[0].updateId}`));
    await page.getByRole('row').filter({ hasText: groupName }).getByText(approvals[0].offerState, { exact: true }).waitFor();
    await page.close();
  });

  it("an auditor's view has no approve action, and an approval it tries is refused by the API", async () => {
    const page = await newTab();
    await logIn(page, auditor.username, auditor.password);
    const nav = page.getByRole('navigation', { name: 'Console sections' });
    await nav.getByRole('link', { name: 'Logs' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Users and tokens' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Rules' }).count()).toBe(0);
    // A page asks only for what it shows: the catalog page, one page of updates.
    const asked: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/')) asked.push(path);
    });
    await openSection(page, 'Updates');
    await page.getByRole('link').filter({ hasText: approvedTitles[0] }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect([...new Set(asked)]).toEqual(['/api/v1/updates']);
    expect(await page.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await checkPage(page, '08-updates-auditor');
    await page.getByRole('link', { name: approvedTitles[0], exact: true }).click();
    await page.getByRole('heading', { name: approvedTitles[0], level: 1 }).waitFor();
    await page.getByRole('table', { name: /Each group's decision/ }).getByRole('row').filter({ hasText: groupName }).getByText('install').waitFor();
    expect(await page.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    await checkPage(page, '04-update');
    // The same request the approver's console sends, with the auditor's login.
    const refused = await page.evaluate(async ([updateGroup]) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      const session = JSON.parse(storage.getItem('patchgate.session') ?? '{}') as { token?: string };
      const response = await fetch('/api/v1/approvals/bulk', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ items: [{ updateId: updateGroup.updateId, groupId: updateGroup.groupId, decision: 'decline', reason: 'auditor tries' }] }),
      });
      return { status: response.status, type: response.headers.get('content-type') };
    }, [{ updateId: page.url().split('/').pop()!, groupId }] as const);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    await openSection(page, 'Logs');
    await checkPage(page, '09-logs-auditor');
    await page.close();
  });

  it("shows a running sync's progress advancing, page by page", async () => {
    await configureUpstream(app, adminToken, { kind: 'feed', url: feed.url('index.json') });
    // The upstream holds one page at a time; the console must show each committed page as it comes.
    let held: string | null = '/page-0002.json';
    feed.answerWith((request) => (request.path === held ? { hang: true } : undefined));
    const page = await newTab();
    await logIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await openSection(page, 'Sync');
    await page.getByRole('button', { name: 'Start a sync now' }).click();
    const progress = page.getByTestId('sync-progress');
    const pagesShown = async (pages: number) => page.waitForSelector(`[data-testid="sync-progress"][data-pages="${pages}"]`, { timeout: 30_000 });
    await pagesShown(1);
    const itemsAfterOne = Number(await progress.getAttribute('data-items'));
    await page.screenshot({ path: join(SCREENSHOT_DIR, '05b-sync-progress.png') });
    held = '/page-0003.json';
    feed.releaseAll();
    await pagesShown(2);
    const itemsAfterTwo = Number(await progress.getAttribute('data-items'));
    expect(itemsAfterOne).toBeGreaterThan(0);
    expect(itemsAfterTwo).toBeGreaterThan(itemsAfterOne);
    held = null;
    feed.releaseAll();
    const runs = (await app.http.get('/api/v1/sync/runs?limit=1', { token: adminToken })).body.items as SyncRun[];
    const finished = await waitForRun(app, adminToken, runs[0].id);
    expect(finished.status).toBe('succeeded');
    await progress.waitFor({ state: 'detached' });
    await page.close();
  });

  it('lists API tokens and revokes one; offers role and disable actions per user', async () => {
    const name = `console-revoke-${randomBytes(4).toString('hex')}`;
    const created = await app.http.post('/api/v1/api-tokens', { name, role: 'auditor' }, { token: adminToken });
    expect(created.status).toBe(201);
    const page = await newTab();
    page.on('dialog', (d) => void d.accept());
    await logIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await openSection(page, 'Users and tokens');
    await page.getByLabel(`Role of ${TEST_ADMIN.username}`).waitFor();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText('active').waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor();
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    const tokens = (await app.http.get('/api/v1/api-tokens?limit=100', { token: adminToken })).body.items as { id: string; revokedAt: string | null }[];
    expect(tokens.find((t) => t.id === (created.body as { id: string }).id)?.revokedAt).toEqual(expect.any(String));
    await page.close();
  });

  it('every other page passes the accessibility checks, at 1280×800, in a narrow window and in dark mode', async () => {
    const page = await newTab();
    await logIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    const computers = await page.context().request.get(`${app.http.baseUrl}/api/v1/computers?limit=1`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(computers.status()).toBe(200);
    for (const [label, heading, name] of [
      ['Rules', 'Approval rules', '10-rules'],
      ['Content', 'Content', '11-content'],
      ['Maintenance', 'Maintenance', '12-maintenance'],
      ['Users and tokens', 'Users and tokens', '13-users'],
    ] as const) {
      await openSection(page, label, heading);
      await checkPage(page, name);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('/updates'));
    await page.getByRole('heading', { name: 'Updates', level: 1 }).waitFor();
    await checkPage(page, '20-updates-narrow', false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await openSection(page, 'Overview');
    await checkPage(page, '21-overview-narrow', false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url('/'));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await checkPage(page, '22-overview-dark');
    await page.goto(url('/logs'));
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await checkPage(page, '23-logs-dark');
    await page.close();
  });
});
