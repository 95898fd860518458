// The labeling page on a mined run in headless Chromium: the mined chart is
// decoded, the audio clip playable, the logged answer shown (as text: the
// one with a script tag runs nothing), and a grade by keyboard is stored.
// usage: node mined_label_check.cjs URL ARTIFACT_DIR
const path = require('path');
const {check, run, watch} = require('../lib/browser.cjs');

const [url, artifacts] = process.argv.slice(2);

// Polls in Node: the page's CSP forbids the eval waitForFunction needs.
async function until(page, fn, arg, what) {
  for (let i = 0; i < 200; ++i) {
    if (await page.evaluate(fn, arg)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

run('mined label page: ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'label page');
  await page.goto(url + '?grader=ana');
  await until(page, () => document.body.dataset.ready === '1', null, 'the page');
  const total = await page.evaluate(() => document.getElementById('progress').textContent);
  check(/of 3/.test(total), `expected 3 mined answers, got ${total}`);
  const seen = [];
  let image = false, audio = false;
  for (let i = 0; i < 3; ++i) {
    seen.push(await page.evaluate(() => document.getElementById('answer').textContent));
    const img = await page.$('#media img');
    if (img) {
      await until(page, (el) => el.complete && el.naturalWidth > 0, img, 'the image');
      image = image || (await img.evaluate((el) => el.naturalWidth)) === 240;
      if (seen[i] === 'answer img-1') {
        await page.screenshot({path: path.join(artifacts, 'mined-label.png'), fullPage: true});
        await page.keyboard.press('1');  // grade the logged answer 1 (wrong)
        await until(page, () => document.body.dataset.graded === '1', null, 'the grade');
        await page.keyboard.press('p');
      }
    }
    const clip = await page.$('#media audio');
    if (clip) {
      await until(page, (el) => el.readyState >= 1 && el.duration > 1, clip, 'the audio');
      audio = await clip.evaluate((el) => el.play().then(() => true, () => false));
      await clip.evaluate((el) => el.pause());
    }
    await page.keyboard.press('n');
  }
  check(image, 'no mined image decoded at 240 px');
  check(audio, 'the mined audio clip does not play');
  check(seen.includes('answer img-1'), `logged answer not shown: ${JSON.stringify(seen)}`);
  check(seen.includes('<script>window.__xss=1</script>'), 'script answer not shown as text');
  check(await page.evaluate(() => window.__xss) === undefined, 'an injected script ran');
}, {args: ['--autoplay-policy=no-user-gesture-required']});
