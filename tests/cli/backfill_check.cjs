// Opens the backfill flip view in headless Chromium and checks what a person
// would see: a bar with its interval for each category, the flip matrices,
// the contested list, and a hostile category name shown as text (no script
// ran, none was allowed).
// usage: node backfill_check.cjs FLIPS.html ARTIFACT_DIR
const fs = require('fs');
const path = require('path');
const {check, run, watch} = require('../lib/browser.cjs');

const [file, artifacts] = process.argv.slice(2);

run('flip view ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'flip view');
  await page.goto('file://' + path.resolve(file));
  const bars = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
    const svg = f.querySelector('svg');
    const box = svg.getBoundingClientRect();
    return {caption: f.querySelector('figcaption').innerText,
            bars: svg.querySelectorAll('rect.bar').length,
            whiskers: svg.querySelectorAll('line.ci').length,
            w: box.width, h: box.height};
  }));
  const byCat = bars.find((b) => b.caption === 'flip rate by category');
  check(byCat && byCat.bars >= 5 && byCat.whiskers === byCat.bars && byCat.w > 100 && byCat.h > 50,
        `category chart: ${JSON.stringify(byCat)}`);
  check(bars.some((b) => b.caption.startsWith('negative-flip rate by category') && b.bars > 0),
        `negative-flip chart missing: ${JSON.stringify(bars.map((b) => b.caption))}`);
  const widths = await page.$$eval('figure.chart rect.bar', (r) => r.map((x) => x.getBoundingClientRect().width));
  check(widths.every((w) => w >= 1), `a bar has no width: ${widths}`);
  const matrices = await page.$$eval('table.matrix', (t) => t.length);
  check(matrices >= 5, `flip matrices: ${matrices}`);
  const flipCells = await page.$$eval('table.matrix td.flip', (t) => t.length);
  check(flipCells > 0, 'no flip cell in any matrix');
  const rows = await page.$$eval('table.contested tr', (r) => r.map((x) => x.innerText));
  check(rows.length > 5 && /fraud/.test(rows[1]), `contested list: ${JSON.stringify(rows.slice(0, 3))}`);
  const hostile = await page.evaluate(() => document.body.innerText.includes('<img src=x onerror=window.__xss=1>'));
  check(hostile, 'the hostile category is not shown as text');
  check(await page.evaluate(() => window.__xss) === undefined, 'injected script ran');
  check(await page.$$eval('img, script', (e) => e.length) === 0, 'markup was injected');
  fs.mkdirSync(artifacts, {recursive: true});
  await page.screenshot({path: path.join(artifacts, 'backfill-flips.png'), fullPage: true});
});
