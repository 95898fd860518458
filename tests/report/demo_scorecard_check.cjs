// Opens the demo's HTML report in headless Chromium and checks the
// production scorecard: both models side by side, one block per modality,
// every dimension's row, the chart drawn, no script error.
// usage: node demo_scorecard_check.cjs REPORT.html ARTIFACT_DIR
const path = require('path');
const {check, run, watch} = require('../lib/browser.cjs');

const [reportFile, artifacts] = process.argv.slice(2);

run('demo scorecard: ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'report');
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
});
