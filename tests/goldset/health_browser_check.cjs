// Opens the gold-set health page and the gate's HTML report in headless
// Chromium: the three health charts are drawn (SVG with marks), the age
// chart shows the cadence, the tables hold what `goldset health --json`
// says, hostile slice text runs nothing, and no page or console error.
// usage: node health_browser_check.cjs HEALTH.html GATE.html HEALTH.json ARTIFACT_DIR
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [healthFile, gateFile, jsonFile, artifacts] = process.argv.slice(2);
const health = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
const problems = [];
function check(ok, what) {
  if (!ok) problems.push(what);
}

function watch(page, label) {
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label}: console error: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`${label}: a dialog fired: ${d.message()}`);
    d.dismiss();
  });
}

async function checkSection(page, label) {
  await page.waitForFunction(() => document.querySelectorAll('.goldset .chart svg').length >= 3, null,
                             {timeout: 20000});
  const charts = await page.$$eval('.goldset .chart', (els) => els.map((el) => {
    const svg = el.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {ok: box.width > 20 && box.height > 20 && svg.querySelectorAll('path, line, rect').length > 0,
            text: svg ? svg.textContent : ''};
  }));
  check(charts.length === 3, `${label}: ${charts.length} health charts, expected 3`);
  check(charts.every((c) => c.ok), `${label}: an empty health chart`);
  check(/cadence 30 days/.test(charts[0].text), `${label}: the age chart does not show the cadence`);
  check(/label age \(days\)/.test(charts[0].text), `${label}: the age chart has no age axis`);
  for (const suite of ['charts', 'forms']) {
    check(charts[1].text.includes(suite), `${label}: the discrimination chart lacks ${suite}`);
  }
  const coverage = await page.$$eval('table.goldset-coverage tr', (rows) => rows.map((r) => r.innerText));
  check(coverage.length === health.below_min_n.length + 1,
        `${label}: ${coverage.length - 1} strata below min_n shown, expected ${health.below_min_n.length}`);
  check(coverage.some((r) => r.includes('kind=rare<img src=x onerror=window.__xss=1>')),
        `${label}: the hostile slice value is not shown as text: ${JSON.stringify(coverage)}`);
  const refresh = await page.$$eval('table.goldset-refresh tr', (rows) => rows.length);
  check(refresh === Math.min(20, health.refresh.length) + 1, `${label}: ${refresh - 1} items to refresh shown`);
  const text = await page.$eval('.goldset', (el) => el.innerText);
  check(text.includes(`${health.stale} labels older than the cadence`), `${label}: no stale count in ${text}`);
  check(await page.evaluate(() => window.__xss === undefined), `${label}: injected markup ran`);
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmgate-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: {width: 1100, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  watch(page, 'health');
  await page.goto('file://' + path.resolve(healthFile));
  await checkSection(page, 'health');
  await page.screenshot({path: path.join(artifacts, 'goldset_health.png'), fullPage: true});
  const gate = await browser.newPage();
  watch(gate, 'gate report');
  await gate.goto('file://' + path.resolve(gateFile));
  await gate.waitForSelector('.comparison', {timeout: 20000});
  await checkSection(gate, 'gate report');
  await gate.screenshot({path: path.join(artifacts, 'gate_report_goldset.png'), fullPage: true});
  await browser.close();
  fs.rmSync(profile, {recursive: true, force: true});
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('goldset health pages: ok');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
