// The labeling page in headless Chromium, driven by keyboard only: two
// graders grade answers, one undoes a grade; the image is decoded, the audio
// clip playable, answers with markup are shown as text and run nothing.
// usage: node label_check.cjs URL ARTIFACT_DIR
const path = require('path');
const {check, run, watch} = require('../lib/browser.cjs');

const [url, artifacts] = process.argv.slice(2);

// Polls in Node: the page's CSP forbids the eval that Playwright's
// waitForFunction predicates need.
async function until(page, fn, arg, what) {
  for (let i = 0; i < 200; ++i) {
    if (await page.evaluate(fn, arg)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

async function open(context, grader) {
  const page = await context.newPage();
  watch(page, grader);
  await page.goto(url + '?grader=' + grader);
  await until(page, () => document.body.dataset.ready === '1', null, 'condition');
  return page;
}

async function graded(page) {
  return Number(await page.evaluate(() => document.body.dataset.graded));
}

// Waits until the page shows `n` graded answers.
async function untilGraded(page, n) {
  await until(page, (k) => Number(document.body.dataset.graded) === k, n, 'condition');
}

run('label page: ok', async (context) => {
  const ana = await open(context, 'ana');
  const total = await ana.evaluate(() => document.getElementById('progress').textContent);
  check(/of 6/.test(total), `ana: expected 6 answers (3 items x 2 runs), got ${total}`);
  // The first task is a chart: its image is decoded.
  const img = await ana.waitForSelector('#media img', {timeout: 10000});
  await until(ana, (el) => el.complete && el.naturalWidth > 0, img, 'condition');
  check(await img.evaluate((el) => el.naturalWidth) === 320, 'ana: image not decoded at 320 px');
  check(await ana.evaluate(() => !document.getElementById('other-box').hidden),
        'ana: the other answer is not shown beside it');
  // Grade by keyboard only: toggle a failure mode (q), grade 2; then 5, 4.
  await ana.keyboard.press('q');
  await ana.keyboard.press('2');
  await untilGraded(ana, 1);
  await ana.keyboard.press('5');
  await untilGraded(ana, 2);
  await ana.keyboard.press('4');
  await untilGraded(ana, 3);
  // Undo the last grade (back to that answer), regrade it 3, then the rest.
  await ana.keyboard.press('u');
  await untilGraded(ana, 2);
  check(await ana.evaluate(() => document.body.dataset.at) === '2', 'ana: undo did not go back');
  await ana.keyboard.press('3');
  await untilGraded(ana, 3);
  // A note by keyboard: m focuses it, Escape leaves it.
  await ana.keyboard.press('m');
  await ana.keyboard.type('looks right');
  await ana.keyboard.press('Escape');
  await ana.keyboard.press('5');
  await untilGraded(ana, 4);
  await ana.keyboard.press('1');
  await untilGraded(ana, 5);
  await ana.keyboard.press('1');
  await untilGraded(ana, 6);
  // Previous and next move without grading.
  await ana.keyboard.press('p');
  await ana.keyboard.press('p');
  await ana.keyboard.press('n');
  check(await ana.evaluate(() => document.body.dataset.at) === '4', 'ana: p/n navigation');
  // Every answer's text, hostile ones included, is shown as text.
  for (let i = 0; i < 6; ++i) {
    await ana.keyboard.press('p');
  }
  const seen = [];
  for (let i = 0; i < 6; ++i) {
    seen.push(await ana.evaluate(() => document.getElementById('answer').textContent));
    const audio = await ana.$('#media audio');
    if (audio) {
      await until(ana, (el) => el.readyState >= 1 && el.duration > 1, audio, 'condition');
      const playable = await audio.evaluate((el) => el.play().then(() => true, () => false));
      check(playable, 'ana: the audio clip does not play');
      await audio.evaluate((el) => el.pause());
      await ana.screenshot({path: path.join(artifacts, 'label-audio.png')});
    }
    await ana.keyboard.press('n');
  }
  check(seen.some((t) => t.includes('<script>window.__xss=1</script>')),
        `ana: the script answer is not shown as text: ${JSON.stringify(seen)}`);
  check(await ana.evaluate(() => document.querySelectorAll('#answer *, #other *').length) === 0,
        'ana: answer text became markup');
  check(await ana.evaluate(() => window.__xss) === undefined, 'ana: injected script ran');
  await ana.keyboard.press('p');
  await ana.screenshot({path: path.join(artifacts, 'label.png'), fullPage: true});

  // A second grader on the same answers: agreement appears on the page.
  const ben = await open(context, 'ben');
  check(await graded(ben) === 0, 'ben: sees ana\'s labels as his own');
  for (const key of ['2', '5', '3', '5']) {
    const before = await graded(ben);
    await ben.keyboard.press(key);
    await untilGraded(ben, before + 1);
  }
  await until(ben, () => Number(document.body.dataset.stats) >= 1, null, 'condition');
  const stats = await ben.textContent('#stats');
  check(/ana vs ben: quadratic kappa/.test(stats), `ben: no inter-grader kappa: ${stats}`);
  check(await ben.evaluate(() => window.__xss) === undefined, 'ben: injected script ran');
  await ben.screenshot({path: path.join(artifacts, 'label-second-grader.png'), fullPage: true});
}, {args: ['--autoplay-policy=no-user-gesture-required']});
