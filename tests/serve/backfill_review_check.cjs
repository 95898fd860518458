// The backfill's flip review in headless Chromium, by keyboard only: the
// first four flips graded A, B, neither and A, the last undone and graded B.
// Prints, as JSON on stdout, each graded flip's trace id, the decisions shown
// as A and B, and the grade that stands.
// usage: node backfill_review_check.cjs URL ARTIFACT_DIR
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [url, artifacts] = process.argv.slice(2);
const problems = [];
function check(ok, what) {
  if (!ok) problems.push(what);
}

// Polls in Node: the page's CSP forbids the eval that Playwright's
// waitForFunction predicates need.
async function until(page, fn, arg, what) {
  for (let i = 0; i < 200; ++i) {
    if (await page.evaluate(fn, arg)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

async function untilGraded(page, n) {
  await until(page, (k) => Number(document.body.dataset.graded) === k, n, n + ' graded');
}

const text = (page, id) => page.evaluate((i) => document.getElementById(i).textContent, id);

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: {width: 1280, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const graded = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(url);
    await until(page, () => document.body.dataset.ready === '1', null, 'the page');
    check(/of 6/.test(await text(page, 'progress')), `expected 6 flips: ${await text(page, 'progress')}`);
    check(await text(page, 'answer-title') === 'Decision A', 'the first decision is not titled A');
    check(await text(page, 'other-title') === 'Decision B', 'the second decision is not titled B');
    check(!(await text(page, 'rubric')).includes('candidate model gave'), 'the rubric names a side');
    const grades = await page.evaluate(() => [...document.querySelectorAll('#grades li')].map((li) => li.textContent));
    check(JSON.stringify(grades) === JSON.stringify(['1A: decision A is right', '2B: decision B is right',
                                                     '3neither: neither decision is right']),
          `grades offered: ${JSON.stringify(grades)}`);
    const tasks = (await (await page.request.get(url + 'api/tasks')).json()).tasks;
    const shown = [];
    for (let i = 0; i < 4; ++i) {
      shown.push({item: tasks[i].item, a: await text(page, 'answer'), b: await text(page, 'other')});
      check(shown[i].a === tasks[i].answer && shown[i].b === tasks[i].other_answer,
            `flip ${i}: the page shows other decisions than its task`);
      check(shown[i].a !== shown[i].b, `flip ${i}: both decisions are the same`);
      if (i === 0) await page.screenshot({path: path.join(artifacts, 'backfill-review.png'), fullPage: true});
      await page.keyboard.press(['1', '2', '3', '1'][i]);
      await untilGraded(page, i + 1);
    }
    // The last grade was a slip: undo goes back to that flip, then B.
    await page.keyboard.press('u');
    await untilGraded(page, 3);
    check(await page.evaluate(() => document.body.dataset.at) === '3', 'undo did not go back');
    await page.keyboard.press('2');
    await untilGraded(page, 4);
    const stands = ['A', 'B', 'neither', 'B'];
    shown.forEach((s, i) => graded.push(Object.assign({grade: stands[i]}, s)));
    // Reloaded, the page shows each flip's grade as the letter given.
    await page.reload();
    await until(page, () => document.body.dataset.ready === '1', null, 'the page again');
    check(await page.evaluate(() => document.body.dataset.graded) === '4', 'reloaded: not 4 graded');
    check(await text(page, 'status') === 'graded A', `reloaded: first flip shows ${await text(page, 'status')}`);
  } catch (e) {
    problems.push('exception: ' + (e.stack || e));
  } finally {
    await context.close();
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(JSON.stringify(graded));
})();
