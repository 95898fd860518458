// Shared by the headless-Chromium checks under tests/: one way to start the
// browser (Debian's chromium, a throwaway profile, nothing fetched from the
// network), to watch a page for what it must never do, and to report every
// problem found rather than the first.
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const problems = [];
function check(ok, what) {
  if (!ok) problems.push(what);
}

// Script errors, console errors (a refused resource is one: a CSP violation
// means a page needed more than it is allowed) and dialogs from injected script.
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

// Runs body(context) in a fresh browser, then exits 1 listing every problem,
// or prints okMessage (a function is called for it at the end). options:
// viewport, extra Chromium args.
function run(okMessage, body, options = {}) {
  (async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmgate-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: options.viewport || {width: 1280, height: 900},
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             ...(options.args || [])],
    });
    try {
      await body(context);
    } catch (e) {
      problems.push('exception: ' + (e.stack || e));
    } finally {
      await context.close();
      fs.rmSync(profile, {recursive: true, force: true});
    }
    if (problems.length) {
      console.error(problems.join('\n'));
      process.exit(1);
    }
    console.log(typeof okMessage === 'function' ? okMessage() : okMessage);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = {check, problems, run, watch};
