// Opens the per-stage pipeline page in headless Chromium: both runs' bars
// drawn for every stage, the stage table and the failing items shown, no
// script error or refused resource.
// usage: node stages_check.cjs STAGES.html ARTIFACT_DIR
const path = require('path');
const {problems, run, watch} = require('../lib/browser.cjs');

const [file, artifacts] = process.argv.slice(2);
run('pipeline stages page: ok', async (context) => {
  const page = await context.newPage();
  watch(page, 'stages page');
  await page.goto('file://' + path.resolve(file));
  const bars = await page.$$eval('.chart svg rect.bar', (rs) => rs.map((r) => {
    const b = r.getBoundingClientRect();
    return {stage: r.dataset.stage, cand: r.classList.contains('cand'), w: b.width, h: b.height};
  }));
  const stages = [...new Set(bars.map((b) => b.stage))];
  if (stages.length !== 3) problems.push(`bars for ${stages.length} stages: ${JSON.stringify(stages)}`);
  for (const s of stages) {
    const mine = bars.filter((b) => b.stage === s);
    if (mine.length !== 2) problems.push(`stage ${s}: ${mine.length} bars`);
    if (!mine.every((b) => b.w >= 1 && b.h > 10)) problems.push(`stage ${s}: an invisible bar`);
  }
  const rows = await page.$$eval('table.stages tr', (rs) => rs.length);
  if (rows !== 4) problems.push(`stage table has ${rows} rows`);
  const failing = await page.$$eval('table.failing tr', (rs) => rs.length - 1);
  if (failing !== 4) problems.push(`${failing} failing items shown, expected 4`);
  await page.screenshot({path: path.join(artifacts, 'pipeline-stages.png'), fullPage: true});
});
