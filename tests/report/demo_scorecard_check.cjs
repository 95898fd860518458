// Opens the demo's HTML report in headless Chromium and checks the
// production scorecard: both models side by side, one block per modality,
// every dimension's row, the chart drawn, no script error.
// usage: node demo_scorecard_check.cjs REPORT.html ARTIFACT_DIR
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [reportFile, artifacts] = process.argv.slice(2);
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: {width: 1280, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await page.goto('file://' + path.resolve(reportFile));
    const table = await page.waitForSelector('table.scorecard', {timeout: 20000});
    const heads = await table.$$eval('tr:first-child th', (th) => th.map((t) => t.innerText));
    check(heads.length === 3 && heads[1] === 'baseline · baseline' && heads[2] === 'candidate · candidate',
          `scorecard columns: ${JSON.stringify(heads)}`);
    const blocks = await table.$$eval('tr.suite-row th', (th) => th.map((t) => t.innerText));
    for (const modality of ['document', 'table', 'chart', 'image', 'audio']) {
      check(blocks.some((b) => b.startsWith(modality + ' · ')), `no ${modality} block: ${JSON.stringify(blocks)}`);
    }
    const text = await table.evaluate((t) => t.innerText);
    for (const row of ['throughput (items/s)', 'SLO fit', 'latency p50 / p95 / p99 ms', 'worst degradation',
                       'cost per query / per correct', 'hallucination / over-refusal',
                       'schema valid (first pass)', 'retries per item / templates (changed)']) {
      check(text.includes(row), `scorecard row missing: ${row}`);
    }
    // The figures are the runs' own: latencies are numbers, not dashes.
    const latencies = await table.$$eval('tr', (rows) => rows
        .filter((r) => r.cells[0] && r.cells[0].innerText === 'latency p50 / p95 / p99 ms')
        .map((r) => [...r.cells].slice(1).map((c) => c.innerText)));
    check(latencies.length >= 5 && latencies.every((r) => r.every((c) => /^\d+ \/ \d+ \/ \d+$/.test(c))),
          `latency cells: ${JSON.stringify(latencies)}`);
    // The judge-scored suite shows its judge's calibration beside it: kappa
    // with its interval, n and the floor (the demo's rules judge, calibrated
    // on labels derived from the gold set).
    check(text.includes('judge cost per query (included above)'), 'no judge cost row');
    const judged = await page.$$eval('.card p.judge-calibration', (p) => p.map((x) => x.innerText));
    check(judged.length === 1 && /^judge evidence-judge: quadratic κ \d\.\d{3} \(95% \d\.\d{3} … \d\.\d{3}\), n \d+, floor 0\.60: gated$/.test(judged[0]),
          `judge calibration beside the suite: ${JSON.stringify(judged)}`);
    const section = await page.$('section:has(table.scorecard)');
    await page.waitForFunction((s) => s.querySelector('.chart svg'), section, {timeout: 20000});
    check(await section.$$eval('.chart svg rect, .chart svg path', (e) => e.length) > 5, 'scorecard chart empty');
    await section.screenshot({path: path.join(artifacts, 'demo-scorecard.png')});
    console.log('scorecard columns: ' + heads.slice(1).join(', ') + '; blocks: ' + blocks.join(', '));
  } catch (e) {
    problems.push('exception: ' + e.stack);
  } finally {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('demo scorecard: ok');
})();
