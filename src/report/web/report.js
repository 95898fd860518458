// Renders mmgate's report and dashboard from the JSON data block of the page.
// Every string from a model or a dataset reaches the page as a text node or a
// chart label, never as markup; links and media sources are built here.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('mmgate-data').textContent);
  const root = document.getElementById('mmgate-root');
  const verdictColors = {domain: ['pass', 'block', 'inconclusive'],
                         range: ['#2e7d32', '#c62828', '#ef6c00']};

  // Control characters (ANSI escapes, bidi overrides) are shown as escapes,
  // as on the terminal (report/side_by_side.cc EscapeControl), so model text
  // cannot reorder or hide what is around it.
  function visible(text) {
    return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100 ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16);
    });
  }

  // h('div', {class: 'x'}, 'text', child...): element with text children.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) el.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(visible(String(c))));
    }
    return el;
  }

  function fmt(x, digits = 3) {
    return typeof x === 'number' && isFinite(x) ? x.toFixed(digits) : '–';
  }
  function signed(x) {
    return typeof x === 'number' && isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(3) : '–';
  }
  function badge(verdict) {
    return h('span', {class: 'badge ' + verdict}, String(verdict).toUpperCase());
  }
  function stratumLabel(s) {
    return s.key ? visible(s.key + '=' + s.value) : 'all';
  }

  // Vega's expression interpreter keeps charts working under a
  // Content-Security-Policy without 'unsafe-eval'.
  function chart(spec) {
    const el = h('div', {class: 'chart'});
    spec.$schema = 'https://vega.github.io/schema/vega-lite/v5.json';
    spec.config = Object.assign({view: {stroke: null}, font: 'sans-serif'}, spec.config);
    vegaEmbed(el, spec, {actions: false, renderer: 'svg', ast: true,
                         expr: vega.expressionInterpreter})
        .catch((e) => el.append(h('p', {class: 'error'}, 'chart failed: ' + e)));
    return el;
  }

  function section(title, ...children) {
    return h('section', {}, h('h2', {}, title), ...children);
  }

  function threshold(suite) {
    return suite.higher_is_better === false ? suite.margin : -suite.margin;
  }

  function stratumTable(suite, strata) {
    return h('table', {},
        h('tr', {}, ['stratum', 'n', 'baseline', 'candidate', 'delta', 'CI', 'p', 'p adj',
                     'MDE', 'status'].map((t) => h('th', {}, t))),
        strata.map((s) => h('tr', {class: s.gated === false ? 'ungated' : ''},
            h('td', {}, stratumLabel(s)), h('td', {class: 'num'}, s.n),
            h('td', {class: 'num'}, fmt(s.baseline)), h('td', {class: 'num'}, fmt(s.candidate)),
            h('td', {class: 'num'}, signed(s.delta)),
            h('td', {class: 'num'}, signed(s.ci[0]) + ' … ' + signed(s.ci[1])),
            h('td', {class: 'num'}, fmt(s.p, 3)), h('td', {class: 'num'}, fmt(s.p_adjusted, 3)),
            h('td', {class: 'num'}, fmt(s.mde)),
            // status says "not gated" or "coverage gap" where verdict would say pass.
            h('td', {}, badge(String(s.status || s.verdict).replace('_', ' ')),
              s.explained_by ? ' explained by ' + s.explained_by : '',
              s.status === 'coverage_gap' ? ' (needs ' + s.items_needed + ' items)' : ''))));
  }

  // The first `shown` reasons, the rest behind a disclosure.
  function reasonList(reasons, shown) {
    if (!reasons || !reasons.length) return null;
    const li = (r) => h('li', {}, r);
    return h('div', {}, h('ul', {}, reasons.slice(0, shown).map(li)),
        reasons.length > shown ? h('details', {}, h('summary', {}, (reasons.length - shown) + ' more reasons'),
                                   h('ul', {}, reasons.slice(shown).map(li))) : null);
  }

  // A judge-scored suite's judge and the calibration the gate read.
  function judgeLine(j) {
    if (!j) return null;
    if (!j.calibrated) {
      return h('p', {class: 'judge-calibration untrusted'}, 'judge ', j.judge,
               ': no calibration (floor ' + fmt(j.floor, 2) + '): not gated');
    }
    return h('p', {class: 'judge-calibration ' + (j.trusted ? 'trusted' : 'untrusted')},
             'judge ', j.judge, ': ', j.kappa_kind, ' κ ', h('b', {}, fmt(j.kappa)),
             ' (95% ' + fmt(j.ci[0]) + ' … ' + fmt(j.ci[1]) + '), n ' + j.n +
             ', floor ' + fmt(j.floor, 2) + ': ' + (j.trusted ? 'gated' : 'below the floor, not gated'));
  }

  // One card per suite (one modality each): never a figure across them.
  function scorecards(gate) {
    return section('Per-modality scorecards', h('div', {class: 'cards'}, gate.suites.map((s) => {
      const rows = [{label: 'delta', delta: s.delta, lo: s.ci[0], hi: s.ci[1], verdict: s.verdict}];
      return h('div', {class: 'card ' + s.verdict},
          h('h3', {}, s.modality, ' · ', s.suite, s.condition ? ' ' + s.condition : '', ' ', badge(s.verdict)),
          h('p', {class: 'muted'}, s.metric, s.higher_is_better === false ? ' (lower is better)' : '',
            ', ', s.test, ', margin ', fmt(s.margin), ', n ', s.n),
          h('div', {class: 'figures'},
              h('div', {}, h('b', {}, fmt(s.baseline)), h('br'), 'baseline'),
              h('div', {}, h('b', {}, fmt(s.candidate)), h('br'), 'candidate'),
              h('div', {}, h('b', {}, signed(s.delta)), h('br'),
                'CI ' + signed(s.ci[0]) + ' … ' + signed(s.ci[1]))),
          judgeLine(s.judge),
          chart({
            width: 240, height: 40, data: {values: rows},
            layer: [
              {mark: {type: 'rule', strokeDash: [4, 3], color: '#888'},
               encoding: {x: {datum: threshold(s)}}},
              {mark: {type: 'rule', color: '#bbb'}, encoding: {x: {datum: 0}}},
              {mark: {type: 'errorbar', ticks: true},
               encoding: {x: {field: 'lo', type: 'quantitative', title: 'delta (candidate − baseline), dashed: margin'},
                          x2: {field: 'hi'}, y: {field: 'label', type: 'nominal', title: null}}},
              {mark: {type: 'point', filled: true, size: 80},
               encoding: {x: {field: 'delta', type: 'quantitative'}, y: {field: 'label', type: 'nominal'},
                          color: {field: 'verdict', type: 'nominal', scale: verdictColors, legend: null}}}]}),
          reasonList(s.reasons, 3));
    })));
  }

  function sliceRows(s, strata) {
    return strata.map((x) => ({label: stratumLabel(x), delta: x.delta, lo: x.ci[0], hi: x.ci[1],
                               verdict: x.verdict, n: x.n}));
  }

  function deltaChart(s, rows) {
    const y = {field: 'label', type: 'nominal', sort: null, title: null};
    return chart({
      width: 420, height: {step: 18}, data: {values: rows},
      layer: [
        {mark: {type: 'rule', strokeDash: [4, 3], color: '#888'}, encoding: {x: {datum: threshold(s)}}},
        {mark: {type: 'rule', color: '#bbb'}, encoding: {x: {datum: 0}}},
        {mark: {type: 'errorbar', ticks: true},
         encoding: {y, x: {field: 'lo', type: 'quantitative', title: 'delta with interval; dashed: margin'},
                    x2: {field: 'hi'}}},
        {mark: {type: 'point', filled: true, size: 60},
         encoding: {y, x: {field: 'delta', type: 'quantitative'},
                    color: {field: 'verdict', type: 'nominal', scale: verdictColors, title: 'verdict'},
                    tooltip: [{field: 'label'}, {field: 'n'}, {field: 'delta', format: '+.3f'},
                              {field: 'lo', format: '+.3f'}, {field: 'hi', format: '+.3f'}]}}]});
  }

  function slices(gate) {
    const parts = gate.suites.filter((s) => s.slices.length).map((s) => h('div', {class: 'suite'},
        h('h3', {}, s.modality, ' · ', s.suite, ' (', s.metric, ')'),
        deltaChart(s, sliceRows(s, s.slices)),
        h('details', {}, h('summary', {}, 'table'), stratumTable(s, s.slices))));
    return parts.length ? section('Slices: differences with intervals', parts) : null;
  }

  function difficulty(gate) {
    // Tiers labelled in the dataset are the `difficulty` slice; otherwise the
    // gate estimated them from history.
    const tiers = (s) => s.difficulty.length ? s.difficulty : s.slices.filter((x) => x.key === 'difficulty');
    const parts = gate.suites.filter((s) => tiers(s).length).map((s) => {
      const rows = [];
      for (const t of tiers(s)) {
        rows.push({tier: t.value, run: 'baseline', score: t.baseline, n: t.n});
        rows.push({tier: t.value, run: 'candidate', score: t.candidate, n: t.n});
      }
      const r = s.residual_failures;
      return h('div', {class: 'suite'},
          h('h3', {}, s.modality, ' · ', s.suite, ' (', s.metric, ', tiers from ', r.source, ')'),
          chart({width: 260, height: 160, data: {values: rows},
                 mark: {type: 'line', point: true},
                 encoding: {x: {field: 'tier', type: 'ordinal', sort: ['easy', 'medium', 'hard']},
                            y: {field: 'score', type: 'quantitative', title: s.metric},
                            color: {field: 'run', type: 'nominal'},
                            tooltip: [{field: 'tier'}, {field: 'run'}, {field: 'score', format: '.3f'}, {field: 'n'}]}}),
          h('p', {class: 'muted'}, 'remaining failures: baseline ', r.baseline, ' (',
            fmt(100 * r.baseline_hard_share, 0), '% hard), candidate ', r.candidate, ' (',
            fmt(100 * r.candidate_hard_share, 0), '% hard)'),
          stratumTable(s, tiers(s)));
    });
    return parts.length ? section('Difficulty strata (the capability cliff)', parts) : null;
  }

  // Degradation curves (the gate's `curves`): the relative loss from clean per
  // severity level, baseline beside candidate, one chart per kind; dashed:
  // the policy's robustness limit.
  function curves(gate) {
    const parts = [];
    for (const s of gate.suites) {
      for (const c of s.curves || []) {
        const rows = [];
        c.points.forEach((p, i) => {
          for (const run of ['baseline', 'candidate']) {
            rows.push({level: visible(p.level), order: i, run, loss: p[run].degradation,
                       score: p[run].perturbed, clean: p[run].clean, n: p.n,
                       verdict: p.verdict || 'not gated'});
          }
        });
        const layers = [{mark: {type: 'line', point: true},
                         encoding: {x: {field: 'level', type: 'ordinal', sort: {field: 'order'},
                                        title: visible(c.kind) + ' level'},
                                    y: {field: 'loss', type: 'quantitative', axis: {format: '%'},
                                        title: 'loss from clean (' + visible(c.metric) + ')'},
                                    color: {field: 'run', type: 'nominal'},
                                    tooltip: [{field: 'run'}, {field: 'level'}, {field: 'n'},
                                              {field: 'clean', format: '.3f'}, {field: 'score', format: '.3f'},
                                              {field: 'loss', format: '.1%'}, {field: 'verdict'}]}}];
        if (typeof c.max_degradation === 'number') {
          layers.unshift({mark: {type: 'rule', strokeDash: [4, 3], color: '#888'},
                          encoding: {y: {datum: c.max_degradation}}});
        }
        parts.push(h('div', {class: 'suite'},
            h('h3', {}, s.modality, ' · ', s.suite, ' · ', visible(c.kind)),
            chart({width: 260, height: 160, data: {values: rows}, layer: layers})));
      }
    }
    return parts.length ? section('Degradation curves (loss from clean per severity)',
                                  h('div', {class: 'cards'}, parts)) : null;
  }

  function latency(cmp) {
    if (!cmp.latency || !cmp.latency.length) return null;
    const rows = [];
    for (const l of cmp.latency) {
      for (const p of ['p50', 'p90', 'p99']) {
        rows.push({suite: visible(l.modality + ' · ' + l.suite), run: l.run, percentile: p, ms: l[p], n: l.n});
      }
    }
    return section('Latency percentiles (ms, per suite)', chart({
      data: {values: rows},
      facet: {field: 'suite', type: 'nominal', title: null}, columns: 4,
      spec: {width: 160, height: 120, mark: 'bar',
             encoding: {x: {field: 'percentile', type: 'nominal', title: null},
                        xOffset: {field: 'run', type: 'nominal'},
                        y: {field: 'ms', type: 'quantitative'},
                        color: {field: 'run', type: 'nominal'},
                        tooltip: [{field: 'run'}, {field: 'percentile'}, {field: 'ms', format: '.1f'}, {field: 'n'}]}},
      resolve: {scale: {y: 'independent'}}}));
  }

  // Shown once some suite has a price: cost per query of each run.
  function cost(gate) {
    const rows = [];
    for (const s of gate.suites) {
      for (const run of ['baseline', 'candidate']) {
        const c = s.cost && s.cost[run] && s.cost[run].cost_per_query;
        if (typeof c === 'number') rows.push({suite: visible(s.modality + ' · ' + s.suite), run, cost: c});
      }
    }
    if (!rows.length) return null;
    return section('Cost per query', chart({
      width: 320, height: {step: 14}, data: {values: rows}, mark: 'bar',
      encoding: {y: {field: 'suite', type: 'nominal', title: null}, yOffset: {field: 'run', type: 'nominal'},
                 x: {field: 'cost', type: 'quantitative', title: 'cost per query'},
                 color: {field: 'run', type: 'nominal'}}}));
  }

  function answerBlock(title, side, metric) {
    if (!side) return h('div', {class: 'answer'}, h('h5', {}, title), h('p', {class: 'muted'}, 'not run'));
    return h('div', {class: 'answer'},
        h('h5', {}, title, ' · ', metric, ' ', side.error ? 'error' : fmt(side.scores[metric])),
        side.error ? h('pre', {class: 'error'}, side.error) : h('pre', {}, side.answer),
        side.details[metric] ? h('p', {class: 'muted'}, side.details[metric]) : null);
  }

  function media(m) {
    if (m.src && m.type === 'image' && m.src.startsWith('data:image/')) {
      return h('img', {src: m.src, alt: m.path, class: 'thumb'});
    }
    if (m.src && m.type === 'audio' && m.src.startsWith('data:audio/')) {
      return h('audio', {src: m.src, controls: '', preload: 'metadata'});
    }
    return h('p', {class: 'muted'}, m.type, ' ', m.path, m.note ? ' (' + m.note + ')' : '');
  }

  function itemCard(it, metric) {
    return h('div', {class: 'item'},
        h('div', {class: 'media'}, (it.media || []).map(media)),
        h('div', {},
            h('h4', {}, it.id),
            h('p', {}, h('b', {}, 'prompt: '), it.prompt),
            h('p', {}, h('b', {}, 'reference: '),
              typeof it.reference === 'string' ? it.reference : JSON.stringify(it.reference)),
            h('div', {class: 'answers'}, answerBlock('baseline', it.baseline, metric),
              answerBlock('candidate', it.candidate, metric)),
            h('p', {class: 'diff'}, h('b', {}, 'diff: '), (it.diff || []).map(([op, text]) =>
              h(op === '-' ? 'del' : op === '+' ? 'ins' : 'span', {}, text + ' ')))));
  }

  function failures(cmp) {
    if (!cmp.failures || !cmp.failures.length) return null;
    return section('Failure browser',
        h('p', {class: 'muted'}, 'Items that got worse in the candidate, for each blocked or inconclusive ' +
          'stratum, worst first; at most ' + cmp.limits.per_stratum + ' per stratum, media embedded up to ' +
          Math.round(cmp.limits.media_budget_bytes / 1e6) + ' MB.'),
        cmp.failures.map((f) => h('details', {class: 'stratum', open: f.verdict === 'block' ? '' : null},
            h('summary', {}, badge(f.verdict), ' ', f.modality, ' · ', f.suite, ' (', f.metric, ') · ', f.stratum,
              ' — ', f.worse, ' worse'),
            f.shown.map((i) => itemCard(cmp.items[i], f.metric)),
            f.more > 0 ? h('p', {class: 'more'}, f.more + ' more not shown') : null)));
  }

  // Items that errored in either run (corrupt media, a model that crashed or
  // answered garbage): their reasons, never only a count.
  function failedItems(cmp) {
    const rows = [];
    for (const side of ['baseline', 'candidate']) {
      for (const f of (cmp.failed_items || {})[side] || []) rows.push(Object.assign({side}, f));
    }
    if (!rows.length) return null;
    return section('Failed items (' + rows.length + ')',
        h('table', {},
          h('tr', {}, ['run', 'suite', 'item', 'kind', 'reason'].map((t) => h('th', {}, t))),
          rows.map((f) => h('tr', {},
              h('td', {}, f.side), h('td', {}, f.suite), h('td', {}, f.id || 'line ' + f.line),
              h('td', {}, f.kind), h('td', {}, h('pre', {class: 'error'}, f.reason))))));
  }

  // SLO checks (absolute requirements on the candidate): each with its
  // bounds, whether the baseline meets it, and met / missed / inconclusive.
  const sloBadge = {met: 'pass', missed: 'block', inconclusive: 'inconclusive', no_data: 'inconclusive'};
  function sloValue(c, x) {
    if (typeof x !== 'number' || !isFinite(x)) return '–';
    if (['schema_valid', 'hallucination', 'over_refusal', 'error_rate', 'flaky_rate'].includes(c.figure)) {
      return (100 * x).toFixed(2) + '%';
    }
    return c.figure.startsWith('latency') ? x.toFixed(0) + ' ms' : Number(x.toPrecision(4)).toString();
  }
  function sloFit(gate) {
    const rows = [];
    for (const s of gate.suites) for (const c of s.slo || []) rows.push(c);
    if (!rows.length) return null;
    return section('SLO fit (absolute requirements, decided with their uncertainty)',
        h('table', {class: 'slo'},
          h('tr', {}, ['SLO', 'kind', 'n', 'candidate', 'bounds', 'baseline', 'status'].map((t) => h('th', {}, t))),
          rows.map((c) => h('tr', {},
              h('td', {}, c.slo), h('td', {}, c.kind), h('td', {class: 'num'}, c.n),
              h('td', {class: 'num'}, sloValue(c, c.estimate)),
              h('td', {class: 'num'}, c.n ? sloValue(c, c.ci[0]) + ' … ' + sloValue(c, c.ci[1]) : '–'),
              h('td', {}, c.baseline ? sloValue(c, c.baseline.estimate) + ' (' + c.baseline.status + ')' : '–'),
              h('td', {}, h('span', {class: 'badge ' + sloBadge[c.status]}, c.status.replace('_', ' ')),
                c.status === 'inconclusive' && c.items_needed ? ' needs ~' + c.items_needed + ' items' : '')))),
        reasonList(rows.flatMap((c) => c.reasons), 4));
  }

  // Gate-then-rank: every candidate, ranked or dropped with why.
  function ranking(table) {
    if (!table || !table.length) return null;
    return section('Gate, then rank',
        h('p', {class: 'muted'}, 'Candidates that miss an SLO, regress or cannot be decided are dropped ' +
          'before ranking on quality, cost and latency (each on the worst suite).'),
        h('table', {class: 'ranking'},
          h('tr', {}, ['candidate', 'rank', 'quality', 'cost/query', 'p50 ms', 'why dropped'].map((t) => h('th', {}, t))),
          table.map((r) => h('tr', {class: r.rank ? '' : 'ungated'},
              h('td', {}, r.candidate),
              h('td', {}, r.rank ? '#' + r.rank : h('span', {class: 'badge block'}, 'dropped: ' + r.dropped)),
              h('td', {class: 'num'}, fmt(r.quality, 2)),
              h('td', {class: 'num'}, typeof r.cost_per_query === 'number' ? '$' + r.cost_per_query.toFixed(6) : '–'),
              h('td', {class: 'num'}, fmt(r.p50_latency_ms, 1)),
              h('td', {}, (r.why || []).join('; '))))));
  }

  // The production scorecard: each run's figures per suite (one modality
  // each), side by side, never pooled into one number.
  function scorecardSection(card) {
    if (!card || !card.runs || !card.runs.length) return null;
    const runs = card.runs;
    const pct = (x) => typeof x === 'number' ? (100 * x).toFixed(1) + '%' : '–';
    const usd = (x) => typeof x === 'number' ? '$' + x.toFixed(6) : '–';
    const head = h('tr', {}, h('th', {}, ''), runs.map((r) => h('th', {}, r.role + ' · ' + r.model)));
    const row = (label, cell) => h('tr', {}, h('td', {}, label), runs.map((r) => h('td', {class: 'num'}, cell(r))));
    const body = [
      row('throughput (items/s)', (r) => fmt(r.throughput_items_per_s, 2)),
      row('SLO fit (met / missed / undecided)', (r) => {
        const s = r.slo || {};
        return Object.keys(s).length ? (s.met || 0) + ' / ' + (s.missed || 0) + ' / ' +
            ((s.inconclusive || 0) + (s.no_data || 0)) : '–';
      })];
    const bars = [];
    runs[0].suites.forEach((first, i) => {
      const at = (r) => r.suites[i] || {};
      body.push(h('tr', {class: 'suite-row'}, h('th', {colspan: runs.length + 1}, first.modality + ' · ' + first.suite)));
      body.push(row(first.metric + (first.higher_is_better === false ? ' (lower is better)' : ''),
                    (r) => fmt(at(r).score)));
      body.push(row('latency p50 / p95 / p99 ms', (r) => {
        const l = at(r).latency;
        return l ? [l.p50, l.p95, l.p99].map((x) => x.toFixed(0)).join(' / ') : '–';
      }));
      body.push(row('cost per query / per correct', (r) => usd(at(r).cost_per_query) + ' / ' + usd(at(r).cost_per_correct)));
      if (first.judge) {
        body.push(row('judge cost per query (included above)', (r) => usd(at(r).judge_cost_per_query)));
      }
      body.push(row('hallucination / over-refusal', (r) => pct(at(r).hallucination_rate) + ' / ' + pct(at(r).over_refusal_rate)));
      for (const kind of Object.keys(first.degradation || {})) {
        body.push(row('worst degradation ' + kind, (r) => pct((at(r).degradation || {})[kind])));
      }
      body.push(row('schema valid (first pass)', (r) => pct(at(r).schema_valid_rate)));
      body.push(row('retries per item / templates (changed)', (r) =>
          fmt(at(r).retries_per_item, 2) + ' / ' + at(r).template_hashes + ' (' + at(r).template_changes + ')'));
      for (const r of runs) {
        bars.push({suite: visible(first.modality + ' · ' + first.suite + ' (' + first.metric + ')'),
                   run: visible(r.role + ' · ' + r.model), score: at(r).score});
      }
    });
    return section('Production scorecard (per candidate, per modality; never one number)',
        chart({data: {values: bars}, facet: {field: 'suite', type: 'nominal', title: null}, columns: 4,
               spec: {width: 160, height: 100, mark: 'bar',
                      encoding: {x: {field: 'run', type: 'nominal', title: null, axis: {labels: false}},
                                 y: {field: 'score', type: 'quantitative'},
                                 color: {field: 'run', type: 'nominal'},
                                 tooltip: [{field: 'run'}, {field: 'score', format: '.3f'}]}},
               resolve: {scale: {y: 'independent'}}}),
        h('table', {class: 'scorecard'}, head, body));
  }

  function runLine(label, r) {
    return h('p', {}, h('b', {}, label + ': '), r.run_id, ' — model ', r.model, ' (', r.model_version, ')');
  }

  function comparison(cmp) {
    const g = cmp.gate;
    return h('div', {class: 'comparison'},
        h('div', {class: 'verdict ' + g.verdict}, h('h1', {}, 'Verdict: ', String(g.verdict).toUpperCase()),
          g.meaning ? h('p', {class: 'meaning'}, g.meaning) : null,
          runLine('baseline', cmp.runs.baseline), runLine('candidate', cmp.runs.candidate),
          h('p', {class: 'muted'}, 'policy ', g.policy),
          g.causes && g.causes.length ? h('p', {}, h('b', {}, 'Causes: '),
              g.causes.map((c) => c.stratum).join(', ')) : null,
          // The same lines as the terminal and the PR comment: blocks with
          // their kind first, then what is undecided, then one coverage line.
          reasonList(g.summary || g.reasons, 12)),
        [scorecards(g), sloFit(g), slices(g), difficulty(g), curves(g), latency(cmp), cost(g), failures(cmp),
         failedItems(cmp)]);
  }

  function compareLink(baseline, candidate, text) {
    const q = new URLSearchParams({baseline, candidate});
    return h('a', {href: 'compare?' + q.toString()}, text);
  }

  function dashboard(d) {
    const runOptions = (last) => d.runs.map((r, i) => h('option', {
      value: r.run_id, selected: (last ? i === d.runs.length - 1 : i === 0) ? '' : null}, r.run_id));
    const byModality = {};
    for (const v of d.verdicts) {
      for (const s of v.suites) {
        (byModality[s.modality] = byModality[s.modality] || []).push({
          time: v.created_ms, suite: visible(s.suite), delta: s.delta, lo: s.ci[0], hi: s.ci[1],
          verdict: s.verdict, candidate: visible(v.candidate)});
      }
    }
    return h('div', {},
        h('h1', {}, 'mmgate dashboard'), h('p', {class: 'muted'}, d.database),
        section('Verdicts over time, per modality',
            Object.keys(byModality).length ? Object.entries(byModality).map(([m, rows]) => h('div', {class: 'suite'},
                h('h3', {}, m),
                chart({width: 520, height: 140, data: {values: rows},
                       encoding: {x: {field: 'time', type: 'temporal', title: null,
                                      axis: {format: '%b %d %H:%M', labelAngle: -30}}},
                       layer: [
                         {mark: {type: 'rule', color: '#bbb'}, encoding: {y: {datum: 0}}},
                         {mark: 'errorbar', encoding: {y: {field: 'lo', type: 'quantitative', title: 'delta'}, y2: {field: 'hi'}}},
                         {mark: {type: 'point', filled: true, size: 60},
                          encoding: {y: {field: 'delta', type: 'quantitative'}, shape: {field: 'suite', type: 'nominal'},
                                     color: {field: 'verdict', type: 'nominal', scale: verdictColors},
                                     tooltip: [{field: 'suite'}, {field: 'candidate'}, {field: 'delta', format: '+.3f'}]}}]}))) :
              h('p', {class: 'muted'}, 'No gate verdicts stored yet: run mmgate gate.')),
        section('Gate verdicts', h('table', {},
            h('tr', {}, ['when', 'baseline', 'candidate', 'verdict', ''].map((t) => h('th', {}, t))),
            d.verdicts.slice().reverse().map((v) => h('tr', {},
                h('td', {}, new Date(v.created_ms).toISOString()), h('td', {}, v.baseline),
                h('td', {}, v.candidate), h('td', {}, badge(v.verdict)),
                h('td', {}, compareLink(v.baseline, v.candidate, 'open')))))),
        section('Compare any two runs', h('form', {method: 'get', action: 'compare'},
            h('label', {}, 'baseline ', h('select', {name: 'baseline'}, runOptions(false))), ' ',
            h('label', {}, 'candidate ', h('select', {name: 'candidate'}, runOptions(true))), ' ',
            h('button', {type: 'submit'}, 'compare'))),
        section('Runs', h('table', {},
            h('tr', {}, ['run', 'model', 'version', 'status', 'created'].map((t) => h('th', {}, t))),
            d.runs.map((r) => h('tr', {}, h('td', {}, r.run_id), h('td', {}, r.model),
                h('td', {}, r.model_version), h('td', {}, r.status),
                h('td', {}, new Date(r.created_ms).toISOString()))))));
  }

  // mmgate load: latency against offered load (stages, or one-second windows
  // when the run has a single stage) and percentiles over time.
  function loadReport(d) {
    const ms = (x) => fmt(x, 2);
    const pctRow = (name, p) => h('tr', {}, h('td', {}, name), h('td', {class: 'num'}, p.n),
        ['p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'p999_ms', 'max_ms'].map((k) => h('td', {class: 'num'}, ms(p[k]))));
    const multi = d.stages.length > 1;
    const offered = multi ? d.stages.flatMap((s) => [
      {load: s.concurrency > 0 ? s.achieved_rate : s.target_rate, figure: 'p50 from schedule', ms: s.latency.p50_ms},
      {load: s.concurrency > 0 ? s.achieved_rate : s.target_rate, figure: 'p99 from schedule', ms: s.latency.p99_ms},
      {load: s.concurrency > 0 ? s.achieved_rate : s.target_rate, figure: 'p99 from send', ms: s.latency_from_send.p99_ms}]) :
      d.windows.flatMap((w) => [{load: w.n / d.window_s, figure: 'p50 from schedule', ms: w.p50_ms},
                                {load: w.n / d.window_s, figure: 'p99 from schedule', ms: w.p99_ms}]);
    const overTime = d.windows.flatMap((w) => [['p50', w.p50_ms], ['p90', w.p90_ms], ['p99', w.p99_ms]]
        .map(([p, v]) => ({t: w.t_s, percentile: p, ms: v})));
    return h('div', {},
        h('h1', {}, 'mmgate load: ' + d.profile), h('p', {class: 'muted'},
            `${d.requests.sent} sent, ${d.requests.ok} ok, ${d.requests.errors} errors over ${fmt(d.duration_s, 1)} s` +
            (d.requests.late ? `; ${d.requests.late} not sent in time (beyond what the client could send)` : '') +
            (d.interrupted ? ' (interrupted)' : '')),
        section('Latency against offered load', chart({width: 520, height: 240, data: {values: offered},
            mark: {type: 'line', point: true},
            encoding: {x: {field: 'load', type: 'quantitative', title: 'offered load (req/s)'},
                       y: {field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: {type: 'symlog'}},
                       color: {field: 'figure', type: 'nominal'}}})),
        section('Percentiles over time (from the schedule)', chart({width: 520, height: 200, data: {values: overTime},
            mark: 'line', encoding: {x: {field: 't', type: 'quantitative', title: 'seconds'},
                                     y: {field: 'ms', type: 'quantitative', title: 'latency (ms)'},
                                     color: {field: 'percentile', type: 'nominal'}}})),
        section('Latency', h('table', {},
            h('tr', {}, ['', 'n', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max (ms)'].map((t) => h('th', {}, t))),
            pctRow('from schedule', d.latency), pctRow('from send', d.latency_from_send),
            pctRow('time to first token', d.ttft), pctRow('inter-token', d.itl),
            pctRow('per output token', d.tpot), pctRow('dispatch lag', d.dispatch_lag))),
        section('Stages', h('table', {},
            h('tr', {}, ['stage', 'sent', 'ok', 'errors', 'scheduled /s', 'achieved /s', 'p50', 'p99', 'quality',
                         'vs first stage (paired items)']
                .map((t) => h('th', {}, t))),
            d.stages.map((s) => h('tr', {}, h('td', {}, s.label), h('td', {class: 'num'}, s.sent),
                h('td', {class: 'num'}, s.ok), h('td', {class: 'num'}, s.errors),
                h('td', {class: 'num'}, fmt(s.schedule_rate, 1)), h('td', {class: 'num'}, fmt(s.achieved_rate, 1)),
                h('td', {class: 'num'}, ms(s.latency.p50_ms)), h('td', {class: 'num'}, ms(s.latency.p99_ms)),
                h('td', {class: 'num'}, fmt(s.quality)),
                h('td', {class: 'num'}, s.paired_items ? signed(s.quality_delta) + ' (' + s.paired_items + ')' : '–'))))),
        section('Errors by kind', h('table', {}, Object.entries(d.errors_by_kind).map(([k, n]) =>
            h('tr', {}, h('td', {}, k), h('td', {class: 'num'}, n))))),
        section('Items behind the slowest 1%', h('table', {},
            h('tr', {}, ['item', 'in slowest 1%', 'requests', 'max (ms)'].map((t) => h('th', {}, t))),
            d.tail.map((t) => h('tr', {}, h('td', {}, t.item), h('td', {class: 'num'}, t.in_tail),
                h('td', {class: 'num'}, t.requests), h('td', {class: 'num'}, ms(t.max_ms)))))));
  }

  const goldsetLib = {h, chart, section, fmt, visible};
  if (data.kind === 'load') {
    root.append(loadReport(data));
  } else if (data.kind === 'goldset') {
    root.append(h('h1', {}, 'mmgate gold-set health'), mmgateGoldsetSection(data.goldset, goldsetLib));
  } else if (data.kind === 'dashboard') {
    root.append(dashboard(data));
  } else {
    if (data.home) root.append(h('p', {}, h('a', {href: data.home}, '← dashboard')));
    for (const cmp of data.comparisons) root.append(comparison(cmp));
    const rank = ranking(data.ranking_table);
    if (rank) root.append(rank);
    const card = scorecardSection(data.scorecard);
    if (card) root.append(card);
    if (data.goldset) root.append(mmgateGoldsetSection(data.goldset, goldsetLib));
  }
  document.title = data.title;
})();
