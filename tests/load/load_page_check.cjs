// Opens a `mmgate load --html` page in headless Chromium: both charts are
// drawn (SVG with marks), the tables are there, and no script error or CSP
// violation happened. usage: node load_page_check.cjs PAGE.html SCREENSHOT.png
const path = require('path');
const {problems, run, watch} = require('../lib/browser.cjs');

const [page_file, shot] = process.argv.slice(2);

run('load page ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'load page');
  await page.goto('file://' + path.resolve(page_file));
  await page.waitForFunction(() => document.querySelectorAll('.chart svg').length >= 2, null,
                             {timeout: 20000});
  const charts = await page.$$eval('.chart', (els) => els.map((el) => {
    const svg = el.querySelector('svg');
    const box = svg.getBoundingClientRect();
    return box.width > 100 && box.height > 100 && svg.querySelectorAll('path').length > 2;
  }));
  if (charts.length !== 2 || !charts.every((c) => c)) problems.push(`charts: ${JSON.stringify(charts)}`);
  const text = await page.textContent('body');
  for (const want of ['Latency against offered load', 'Percentiles over time', 'from schedule',
                      'dispatch lag', 'Stages']) {
    if (!text.includes(want)) problems.push(`missing text: ${want}`);
  }
  await page.screenshot({path: shot, fullPage: true});
}, {viewport: {width: 1100, height: 900}});
