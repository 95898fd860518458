// The gold set's health (`mmgate goldset health --html`, and the gate's HTML
// report when mmgate.yaml has a goldset: section): label age against the
// release cadence, the items the last runs no longer tell apart per suite,
// and the strata short of min_n. Embedded before report.js in the same
// script, which calls it with its own element and chart helpers.
function mmgateGoldsetSection(g, lib) {
  const {h, chart, section, fmt, visible} = lib;
  const cadence = g.cadence_days;
  const aged = g.ages.filter((a) => a[1] !== null);
  const oldest = aged.reduce((m, a) => Math.max(m, a[1]), 0);
  const top = Math.max(cadence * 1.25, oldest * 1.05);
  const ageRows = aged.map((a) => ({suite: visible(a[0]), age: a[1],
                                    state: a[1] > cadence ? 'older than the cadence' : 'within the cadence'}));
  const ageChart = chart({
    width: 520, height: 180,
    layer: [
      {data: {values: ageRows}, mark: 'bar',
       encoding: {x: {field: 'age', type: 'quantitative', bin: {maxbins: 30, extent: [0, top]},
                      title: 'label age (days)', scale: {domain: [0, top]}},
                  y: {aggregate: 'count', type: 'quantitative', title: 'items'},
                  color: {field: 'suite', type: 'nominal'},
                  tooltip: [{field: 'suite'}, {aggregate: 'count', type: 'quantitative', title: 'items'}]}},
      {data: {values: [{cadence}]}, mark: {type: 'rule', color: '#c62828', strokeDash: [4, 3], size: 2},
       encoding: {x: {field: 'cadence', type: 'quantitative'}}},
      {data: {values: [{cadence, label: 'cadence ' + cadence + ' days'}]},
       mark: {type: 'text', align: 'left', dx: 4, dy: -4, color: '#c62828', baseline: 'bottom'},
       encoding: {x: {field: 'cadence', type: 'quantitative'}, y: {value: 12}, text: {field: 'label'}}}]});
  const kinds = ['mixed', 'all_pass', 'all_fail', 'undecided'];
  const discChart = chart({
    width: 520, height: {step: 22}, data: {values: g.ages.map((a) => ({suite: visible(a[0]), kind: a[2]}))},
    mark: 'bar',
    encoding: {y: {field: 'suite', type: 'nominal', title: null},
               x: {aggregate: 'count', type: 'quantitative', title: 'items'},
               color: {field: 'kind', type: 'nominal', title: 'last runs',
                       scale: {domain: kinds, range: ['#2e7d32', '#f9a825', '#c62828', '#9e9e9e']}},
               tooltip: [{field: 'suite'}, {field: 'kind'}, {aggregate: 'count', type: 'quantitative'}]}});
  const stratum = (c) => visible(c.key === null ? c.suite + ' (all)' : c.suite + ': ' + c.key + '=' + c.value);
  const below = g.below_min_n.map((c) => ({stratum: stratum(c), n: c.n, min_n: c.min_n}));
  const coverage = below.length ? [
    chart({width: 520, height: {step: 22}, data: {values: below},
           encoding: {y: {field: 'stratum', type: 'nominal', title: null, sort: null}},
           layer: [{mark: 'bar', encoding: {x: {field: 'n', type: 'quantitative', title: 'items (tick: min_n)'},
                                            tooltip: [{field: 'stratum'}, {field: 'n'}, {field: 'min_n'}]}},
                   {mark: {type: 'tick', color: '#c62828', thickness: 2},
                    encoding: {x: {field: 'min_n', type: 'quantitative'}}}]}),
    h('table', {class: 'goldset-coverage'},
      h('tr', {}, ['stratum', 'items', 'min_n', 'short by'].map((t) => h('th', {}, t))),
      g.below_min_n.map((c) => h('tr', {}, h('td', {}, stratum(c)), h('td', {class: 'num'}, c.n),
                                 h('td', {class: 'num'}, c.min_n), h('td', {class: 'num'}, c.short_by))))] :
    h('p', {class: 'muted'}, 'Every suite and gated slice has at least min_n items.');
  const refresh = g.refresh.length ? h('table', {class: 'goldset-refresh'},
      h('tr', {}, ['priority', 'suite', 'item', 'age (days)', 'last runs', 'why'].map((t) => h('th', {}, t))),
      g.refresh.map((r) => h('tr', {}, h('td', {class: 'num'}, fmt(r.priority, 2)), h('td', {}, r.suite),
                             h('td', {}, r.item), h('td', {class: 'num'}, fmt(r.age_days, 0)),
                             h('td', {}, r.discrimination), h('td', {}, r.why.join('; '))))) :
    h('p', {class: 'muted'}, 'No item needs a refresh.');
  return h('div', {class: 'goldset'},
      section('Gold-set health',
          h('p', {}, `${g.items} items; cadence ${cadence} days; the last ${g.runs.length} runs that scored items. ` +
                     `${g.stale} labels older than the cadence, ${g.never_run} items never run; ` +
                     `${g.all_pass} passed and ${g.all_fail} failed by every run, ${g.mixed} mixed, ` +
                     `${g.undecided} scored by fewer than 2 runs.`),
          h('h3', {}, 'Label age against the release cadence'), ageChart,
          h('h3', {}, 'Do the last runs still tell the items apart?'), discChart,
          h('h3', {}, `Strata below min_n (${g.below_min_n.length})`), coverage,
          h('h3', {}, `Refresh first (${g.refresh.length} of ${g.refresh_total})`), refresh));
}
