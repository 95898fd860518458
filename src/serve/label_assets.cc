// The labeling page: static HTML and one script, served from the same origin
// (the CSP allows nothing else). Every text from the dataset or a model is
// set with textContent.
#include "serve/label_page.h"

namespace mmgate::serve {

const std::string& LabelPageHtml() {
  static const std::string html = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>mmgate label</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1f24; }
header { background: #1b1f24; color: #fff; padding: 8px 16px; display: flex; gap: 24px; }
main { display: grid; grid-template-columns: minmax(300px, 1fr) minmax(320px, 1fr); gap: 16px; padding: 16px; }
section { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; }
h2 { font-size: 13px; text-transform: uppercase; color: #57606a; margin: 6px 0; }
#media img { max-width: 100%; border: 1px solid #d0d7de; }
#media audio { width: 100%; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 6px 8px; border-radius: 4px; }
.key { display: inline-block; min-width: 1.4em; text-align: center; border: 1px solid #8c959f; border-radius: 3px; font: 12px monospace; margin-right: 6px; }
li.on { font-weight: 600; color: #0969da; }
li.chosen { background: #dafbe1; }
#note { width: 100%; height: 4em; }
#status { color: #57606a; }
footer { padding: 0 16px 16px; color: #57606a; }
</style></head>
<body>
<header><span>mmgate label</span><span>grader: <b id="grader"></b></span>
<span id="progress"></span><span id="status"></span></header>
<main>
<div>
<section><h2>Input</h2><div id="media"></div>
<h2>Prompt</h2><div id="prompt" class="text"></div>
<h2>Reference</h2><div id="refs" class="text"></div></section>
</div>
<div>
<section><h2 id="answer-title">Answer</h2><div id="answer" class="text"></div>
<div id="other-box" hidden><h2 id="other-title">The other answer (for comparison; graded on its own)</h2>
<div id="other" class="text"></div></div></section>
<section><h2>Grade (worst first)</h2><ol id="grades"></ol>
<h2>Failure modes (toggle)</h2><ul id="modes"></ul>
<h2>Note <span class="key">m</span></h2><textarea id="note"></textarea></section>
<section><h2>Rubric</h2><div id="rubric" class="text"></div></section>
</div>
</main>
<footer><div>Keys: <span class="key">1</span>..<span class="key">9</span> grade and next,
<span class="key">n</span>/<span class="key">&rarr;</span> next, <span class="key">p</span>/<span class="key">&larr;</span>
previous, <span class="key">u</span> undo the last grade, <span class="key">Esc</span> leave the note.</div>
<div>Agreement between graders: <span id="stats">none yet</span></div></footer>
<script src="label.js"></script>
</body></html>
)html";
  return html;
}

const std::string& LabelPageScript() {
  static const std::string js = R"js('use strict';
(function () {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') || '';
  const graderParam = params.get('grader') || '';
  const MODE_KEYS = 'qwertyiosdfghjklzxcvb';
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers['X-Mmgate-Token'] = token;
  let tasks = [], grader = '', at = 0, modes = new Set();
  const history = [];
  const $ = (id) => document.getElementById(id);
  function url(path) {
    const u = new URLSearchParams();
    if (token) u.set('token', token);
    if (graderParam) u.set('grader', graderParam);
    const s = u.toString();
    return path + (s ? '?' + s : '');
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function keyed(key, text) {
    const li = el('li');
    li.appendChild(el('span', key, 'key'));
    li.appendChild(document.createTextNode(text));
    return li;
  }
  function done() { return tasks.filter((t) => t.label).length; }
  function show() {
    const t = tasks[at];
    $('progress').textContent = 'answer ' + (at + 1) + ' of ' + tasks.length +
        ' (' + done() + ' graded)';
    document.body.dataset.at = String(at);
    document.body.dataset.graded = String(done());
    const media = $('media');
    media.replaceChildren();
    for (const m of t.media) {
      if (m.type === 'image') {
        const img = el('img');
        img.alt = 'the item\'s image';
        img.src = url(m.url);
        media.appendChild(img);
      } else if (m.type === 'audio') {
        const a = el('audio');
        a.controls = true;
        a.preload = 'auto';
        a.src = url(m.url);
        media.appendChild(a);
      }
    }
    $('prompt').textContent = t.prompt;
    $('refs').textContent = t.references.join('\n');
    $('answer-title').textContent = t.compare ? 'Decision A' :
        t.position ? 'Answer ' + t.position + ' of 2' : 'Answer';
    $('other-title').textContent = t.compare ? 'Decision B' :
        'The other answer (for comparison; graded on its own)';
    $('answer').textContent = t.answer;
    $('other-box').hidden = t.other_answer === undefined;
    $('other').textContent = t.other_answer === undefined ? '' : t.other_answer;
    $('rubric').textContent = t.rubric;
    modes = new Set(t.label ? t.label.failure_modes : []);
    $('note').value = t.label ? t.label.note : '';
    const grades = $('grades');
    grades.replaceChildren();
    t.grades.forEach((g, i) => {
      const li = keyed(String(i + 1), g.grade + (g.what ? ': ' + g.what : ''));
      if (t.label && t.label.grade === g.grade) li.className = 'chosen';
      grades.appendChild(li);
    });
    drawModes();
    $('status').textContent = t.label ? 'graded ' + t.label.grade : '';
  }
  function drawModes() {
    const t = tasks[at];
    const list = $('modes');
    list.replaceChildren();
    t.failure_modes.forEach((m, i) => {
      const li = keyed(MODE_KEYS[i] || '', m.name + ': ' + m.what);
      if (modes.has(m.name)) li.className = 'on';
      list.appendChild(li);
    });
  }
  async function post(path, body) {
    const r = await fetch(url(path), { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error((await r.json()).error || r.statusText);
    return r.json();
  }
  async function grade(i) {
    const t = tasks[at];
    if (i >= t.grades.length) return;
    const label = { grade: t.grades[i].grade, failure_modes: [...modes], note: $('note').value };
    try {
      await post('api/label', Object.assign({ index: t.index, grader }, label));
    } catch (e) {
      $('status').textContent = 'not saved: ' + e.message;
      return;
    }
    t.label = label;
    history.push(at);
    if (at + 1 < tasks.length) at += 1;
    show();
    stats();
  }
  async function undo() {
    if (!history.length) return;
    at = history.pop();
    const t = tasks[at];
    try {
      await post('api/undo', { index: t.index, grader });
    } catch (e) {
      $('status').textContent = 'undo failed: ' + e.message;
      return;
    }
    delete t.label;
    show();
    stats();
  }
  async function stats() {
    const r = await fetch(url('api/stats'), { headers });
    const j = await r.json();
    const out = j.pairs.map((p) => p.graders.join(' vs ') + ': ' + p.kappa_kind +
        ' kappa ' + (p.kappa === null ? 'n/a' : p.kappa.toFixed(3)) +
        ', raw ' + p.raw_agreement.toFixed(3) + ' on ' + p.n + ' answers');
    $('stats').textContent = out.length ? out.join('; ') : 'none yet';
    document.body.dataset.stats = String(j.pairs.length);
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.target === $('note')) {
      if (ev.key === 'Escape') $('note').blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !tasks.length) return;
    const t = tasks[at];
    if (/^[1-9]$/.test(ev.key)) {
      grade(Number(ev.key) - 1);
    } else if (ev.key === 'n' || ev.key === 'ArrowRight') {
      if (at + 1 < tasks.length) { at += 1; show(); }
    } else if (ev.key === 'p' || ev.key === 'ArrowLeft') {
      if (at > 0) { at -= 1; show(); }
    } else if (ev.key === 'u') {
      undo();
    } else if (ev.key === 'm') {
      ev.preventDefault();
      $('note').focus();
    } else {
      const i = MODE_KEYS.indexOf(ev.key);
      if (i >= 0 && i < t.failure_modes.length) {
        const name = t.failure_modes[i].name;
        if (modes.has(name)) modes.delete(name); else modes.add(name);
        drawModes();
      }
    }
  });
  fetch(url('api/tasks'), { headers }).then((r) => r.json()).then((j) => {
    tasks = j.tasks;
    grader = j.grader;
    $('grader').textContent = grader;
    if (tasks.length) show();
    stats();
    document.body.dataset.ready = '1';
  });
})();
)js";
  return js;
}

}  // namespace mmgate::serve
