// ops/ reads only what /metrics exposes: every metric named by the Grafana dashboard's queries and
// by the Prometheus alert rules is one the service declares, and every alert says in README.md what
// to do when it fires.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { build } from '../helpers/app.js'
import { exposedNames, metricNamesIn } from '../helpers/prometheus.js'
import { METRIC_NAMES } from '../../src/metrics/registry.js'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

interface Rule { alert: string, expr: string, annotations?: { runbook?: string } }
const rules = (parse(read('ops/prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(g => g.rules)

interface Panel { title?: string, targets?: Array<{ expr?: string }>, panels?: Panel[] }
const panelQueries = (panels: Panel[]): Array<{ where: string, expr: string }> => panels.flatMap(p => [
  ...(p.targets ?? []).flatMap(target => target.expr === undefined ? [] : [{ where: `panel "${p.title ?? ''}"`, expr: target.expr }]),
  ...panelQueries(p.panels ?? [])
])
const dashboard = panelQueries((JSON.parse(read('ops/grafana/jobsync.json')) as { panels: Panel[] }).panels)

t.test('the name reader finds metrics, not functions, labels, keywords or durations', async t => {
  t.same(metricNamesIn('sum by (board, le) (rate(jobsync_a_bucket{status=~"5..|timeout"}[5m])) / ignoring(x) sum(jobsync_b) > bool 0.5 offset 1h'), ['jobsync_a_bucket', 'jobsync_b'])
  t.same(metricNamesIn('histogram_quantile(0.95, sum without (pod) (rate(http_x_bucket[$__rate_interval])))'), ['http_x_bucket'])
})

t.test('every metric ops/ queries is one /metrics exposes', async t => {
  const { app } = await build(t)
  const exposed = exposedNames((await app.inject('/metrics')).body)
  for (const name of METRIC_NAMES) t.ok(exposed.has(name), `/metrics declares ${name}`)

  t.ok(rules.length >= 8, 'the alert rules are read')
  t.ok(dashboard.length >= 10, 'the dashboard queries are read')
  const queries = [...rules.map(r => ({ where: `alert ${r.alert}`, expr: r.expr })), ...dashboard]
  const used = new Set<string>()
  for (const { where, expr } of queries) {
    const names = metricNamesIn(expr)
    t.ok(names.length > 0, `${where} reads a metric`)
    for (const name of names) {
      used.add(name)
      t.ok(exposed.has(name), `${where}: ${name} is exposed`)
    }
  }
  // and a name /metrics does not have is caught
  t.notOk(metricNamesIn('rate(jobsync_not_a_metric_total[5m])').every(name => exposed.has(name)))
  for (const name of METRIC_NAMES) t.ok([...used].some(u => u === name || u.startsWith(`${name}_`)), `the dashboard or an alert shows ${name}`)
})

t.test('every alert has a section in the README saying what to do', async t => {
  const readme = read('README.md')
  for (const rule of rules) {
    t.match(rule.annotations?.runbook, `README.md#${rule.alert.toLowerCase()}`, `${rule.alert} links its section`)
    t.match(readme, new RegExp(`^#### ${rule.alert}$`, 'm'), `README.md has a section ${rule.alert}`)
  }
})
