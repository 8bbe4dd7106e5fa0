/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The report end to end in a real headless Chromium: it renders from file:// with no console
// errors and no requests beyond the file itself, every plot is there, and it prints.

import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPricing } from '../model/index.js';
import { writeReport } from '../reports/index.js';
import { syntheticMeasured, syntheticSimulated } from '../reports/testing/synthetic-results.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const pricing = loadPricing(path.join(ROOT, 'scenarios/pricing/aws-us-east-1.yaml'));
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
});

async function open(file: string, viewport: { width: number; height: number }) {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors, requests };
}

describe('HTML report in a real browser', () => {
  it('renders every plot with no errors and no network requests, on a desk and on a phone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-e2e-'));
    const file = path.join(dir, 'report.html');
    await writeReport(file, { simulated: [syntheticSimulated({ pricing })], measured: [syntheticMeasured()], pricing, seedTable: true });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);

    const { page, errors, requests } = await open(file, { width: 1280, height: 900 });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    const plots = await page.$$eval('[data-plot]', (nodes) => nodes.map((n) => ({ id: n.getAttribute('data-plot'), svg: n.querySelectorAll('svg').length, empty: n.querySelector('.empty') !== null })));
    const expected = ['throughput', 'latency', 'utilisation', 'hub-frames', 'hub-writes', 'hub-cpu', 'claude-tokens', 'claude-429', 'ollama-wait', 'ollama-vram', 'uplink', 'costs', 'cost-trend', 'frontier', 'usl', 'predicted-throughput', 'predicted-latency'];
    expect(plots.map((p) => p.id).sort()).toEqual([...expected].sort());
    for (const p of plots) expect(p, `plot ${p.id}`).toMatchObject({ empty: false });
    for (const p of plots) expect(p.svg, `plot ${p.id}`).toBeGreaterThan(0);
    // Plots fit their column: nothing wider than the page.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('[data-headline]').count()).toBe(7);
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output/report.png'), fullPage: false });
    await page.screenshot({ path: path.join(ROOT, 'test-output/report-full.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.close();

    const phone = await open(file, { width: 390, height: 844 });
    expect(phone.errors).toEqual([]);
    const phoneOverflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(phoneOverflow).toBeLessThanOrEqual(0);
    await phone.page.screenshot({ path: path.join(ROOT, 'test-output/report-phone.png') });
    await phone.page.close();
  });

  it('shows a note instead of failing when a document has one point and few metrics', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-e2e-'));
    const file = path.join(dir, 'one.html');
    const doc = syntheticSimulated({ machines: [1], agentsPerMachine: [2], omitMetrics: ['throughput.tasks', 'latency.task.p95'] });
    await writeReport(file, { simulated: [doc] });
    const { page, errors, requests } = await open(file, { width: 1024, height: 800 });
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
    const empties = await page.$$eval('[data-plot] .empty', (nodes) => nodes.map((n) => n.textContent));
    expect(empties.some((t) => t?.includes('throughput.tasks'))).toBe(true);
    expect(empties.some((t) => t?.includes('cost lines'))).toBe(true);
    await page.close();
  });
});
