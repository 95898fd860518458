// Opens the HTML report and the dashboard in headless Chromium and checks
// what a person would see: charts drawn, an image and an audio player in the
// failure browser, hostile text shown as text with no script run.
// usage: node browser_check.cjs REPORT.html DASHBOARD_URL ARTIFACT_DIR
const path = require('path');
const {check, run, watch} = require('../lib/browser.cjs');

const [reportFile, dashboardUrl, artifacts] = process.argv.slice(2);

async function chartsDrawn(page, label, min) {
  await page.waitForFunction((n) => document.querySelectorAll('.chart svg').length >= n, min,
                             {timeout: 20000});
  // Every chart is an SVG with marks in it and a real size.
  const charts = await page.$$eval('.chart', (els) => els.map((el) => {
    const svg = el.querySelector('svg');
    if (!svg) return {ok: false};
    const box = svg.getBoundingClientRect();
    return {ok: box.width > 20 && box.height > 20 &&
                svg.querySelectorAll('path, line, rect').length > 0};
  }));
  check(charts.length >= min, `${label}: ${charts.length} charts, expected at least ${min}`);
  check(charts.every((c) => c.ok), `${label}: an empty chart`);
  return charts.length;
}

// The SLO table and the production scorecard: both runs side by side, per
// modality, with the scorecard's chart drawn.
async function sloAndScorecard(page, label, runs) {
  const slo = await page.$$eval('table.slo tr', (rows) => rows.map((r) => r.innerText));
  check(slo.length >= 2 && slo.slice(1).every((r) => /latency_p95/.test(r) && /met/.test(r)),
        `${label}: SLO table: ${JSON.stringify(slo)}`);
  const heads = await page.$$eval('table.scorecard tr:first-child th', (th) => th.map((t) => t.innerText));
  for (const run of runs) {
    check(heads.some((t) => t.includes(run)), `${label}: scorecard lacks ${run}: ${JSON.stringify(heads)}`);
  }
  const text = await page.$eval('table.scorecard', (t) => t.innerText);
  for (const row of ['throughput (items/s)', 'SLO fit', 'latency p50 / p95 / p99 ms',
                     'cost per query / per correct', 'hallucination / over-refusal',
                     'schema valid (first pass)', 'retries per item']) {
    check(text.includes(row), `${label}: scorecard row missing: ${row}`);
  }
  const card = await page.$('section:has(table.scorecard)');
  check(card && await card.$('.chart svg') !== null, `${label}: scorecard chart not drawn`);
  if (card) await card.screenshot({path: path.join(artifacts, label + '-scorecard.png')});
}

async function noScriptRan(page, label) {
  const xss = await page.evaluate(() => window.__xss);
  check(xss === undefined, `${label}: injected script ran (window.__xss = ${xss})`);
  check(await page.$$eval('a[href^="javascript:"]', (a) => a.length) === 0,
        `${label}: a javascript: link was made`);
  check(await page.$$eval('img[src="x"], script:not([type]):not([src])', (e) => e.length) <= 2,
        `${label}: injected elements in the page`);
}

async function failureBrowser(page, label) {
  await page.$$eval('details', (ds) => ds.forEach((d) => d.setAttribute('open', '')));
  const img = await page.waitForSelector('details.stratum img.thumb', {timeout: 10000});
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, img);
  check(await img.evaluate((el) => el.naturalWidth) > 100, `${label}: thumbnail not decoded`);
  const audio = await page.waitForSelector('details.stratum audio[controls]', {timeout: 10000});
  await page.waitForFunction((el) => el.readyState >= 1 && el.duration > 0.5, audio,
                             {timeout: 10000});
  const text = await page.evaluate(() => document.body.innerText);
  for (const s of ['<script>window.__xss=1</script>', 'onerror=', 'javascript:window.__xss=1',
                   'chart-1<script>']) {
    check(text.includes(s), `${label}: hostile text not shown as text: ${s}`);
  }
  // ANSI and bidi controls appear as visible escapes, never raw.
  check(!/[\u001b\u0007\u202a-\u202e\u2066-\u2069]/.test(text), `${label}: raw control characters`);
  check(text.includes('\\x1b[31mred') && text.includes('\\u202egnp.exe'),
        `${label}: control characters not shown as escapes`);
  check(text.includes('more not shown') || text.includes('worse'), `${label}: no failure counts`);
}

run('browser checks: ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'report');
  await page.goto('file://' + path.resolve(reportFile));
  await page.waitForSelector('.verdict', {timeout: 20000});
  const verdict = await page.textContent('.verdict h1');
  check(/BLOCK/.test(verdict), `report: verdict shown first should be BLOCK, got ${verdict}`);
  // The banner says what kind of block it is and lists the blocking reasons first.
  const meaning = await page.textContent('.verdict .meaning');
  check(/do not roll forward: a regression against the baseline/.test(meaning),
        `report: the banner does not say what kind of block: ${meaning}`);
  const first = await page.textContent('.verdict li');
  check(/^blocked \(regression\): /.test(first), `report: first banner reason is not a block: ${first}`);
  const n = await chartsDrawn(page, 'report', 6);
  await failureBrowser(page, 'report');
  await sloAndScorecard(page, 'report', ['baseline · base', 'candidate · cand']);
  await noScriptRan(page, 'report');
  await page.screenshot({path: path.join(artifacts, 'report.png'), fullPage: true});
  await page.screenshot({path: path.join(artifacts, 'report-top.png')});
  const firstFailure = await page.$('details.stratum');
  await firstFailure.screenshot({path: path.join(artifacts, 'report-failure.png')});
  const audioItem = await page.$('.item:has(audio)');
  await page.waitForFunction((el) => el.querySelector('audio').duration > 0, audioItem);
  await audioItem.screenshot({path: path.join(artifacts, 'report-audio-item.png')});
  const sections = await page.$$('section:has(.chart)');
  for (let i = 0; i < sections.length; ++i) {
    await sections[i].screenshot({path: path.join(artifacts, `report-section-${i}.png`)});
  }
  console.log(`report: ${n} charts`);

  const dash = await context.newPage();
  watch(dash, 'dashboard');
  await dash.goto(dashboardUrl);
  await dash.waitForSelector('h1', {timeout: 20000});
  await chartsDrawn(dash, 'dashboard', 2);
  const body = await dash.evaluate(() => document.body.innerText);
  check(body.includes('base') && body.includes('cand'), 'dashboard: runs not listed');
  await dash.screenshot({path: path.join(artifacts, 'dashboard.png'), fullPage: true});
  await Promise.all([dash.waitForNavigation(), dash.click('text=open')]);
  await dash.waitForSelector('.verdict', {timeout: 20000});
  await chartsDrawn(dash, 'dashboard comparison', 6);
  await failureBrowser(dash, 'dashboard comparison');
  await noScriptRan(dash, 'dashboard comparison');
  await dash.screenshot({path: path.join(artifacts, 'dashboard-compare.png'), fullPage: true});
});
