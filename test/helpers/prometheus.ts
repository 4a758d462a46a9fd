// Reading Prometheus' text format the way a scraper does: samples by name and labels, and the
// metric names a registry declares (its `# TYPE` lines).

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseSamples (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`not a Prometheus sample: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/** the value of the one sample with this name and at least these labels; undefined when there is none */
export function valueOf (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = parseSamples(text).filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value
}

/** every name a query may use: each declared metric, and a histogram's or summary's series names */
export function exposedNames (text: string): Set<string> {
  const names = new Set<string>()
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!)
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(name! + suffix)
    if (type === 'summary') for (const suffix of ['_count', '_sum']) names.add(name! + suffix)
  }
  return names
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/**
 * The metric names a PromQL expression reads: every identifier that is not a function (followed by
 * `(`), a keyword, a label (inside `{}` or a `by`/`without`/`on`/`ignoring` list), a string, or a
 * duration.
 */
export function metricNamesIn (expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ')
    .replace(/\$\w+|\$\{[^}]*\}/g, ' ') // Grafana variables
  const names = new Set<string>()
  for (const match of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match
    if (call !== undefined || KEYWORDS.has(name!.toLowerCase()) || /^\d/.test(name!)) continue
    names.add(name!)
  }
  return [...names]
}
