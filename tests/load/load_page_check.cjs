// Opens a `mmgate load --html` page in headless Chromium: both charts are
// drawn (SVG with marks), the tables are there, and no script error or CSP
// violation happened. usage: node load_page_check.cjs PAGE.html SCREENSHOT.png
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [page_file, shot] = process.argv.slice(2);
const problems = [];

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: {width: 1100, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
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
  } catch (e) {
    problems.push(String(e));
  } finally {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('load page ok');
})();
