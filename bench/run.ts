// `npm run bench`: every benchmark in a process of its own, one after the other, then a table and
// bench/results.json with the machine they ran on. BENCH_ONLY=ingest,api picks some; BENCH_SCALE
// shrinks the data (0.1 for a quick run). Nothing here asserts: a missed target is a row that says so.
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { benchNodeFlags, SCALE, SERVER_URL } from './lib/harness.js'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'

const ALL = ['ingest', 'api', 'scheduler', 'startup', 'dictionary', 'hh-sync', 'delivery'] as const
type Name = typeof ALL[number]
const only = (process.env.BENCH_ONLY ?? '').split(',').map(s => s.trim()).filter(s => s !== '')
const chosen = ALL.filter(name => only.length === 0 || only.includes(name))

async function runOne (name: Name): Promise<Record<string, any>> {
  const child = spawn(process.execPath, [...benchNodeFlags(), '--import', 'tsx', fileURLToPath(new URL(`./${name}.ts`, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let last = ''
  for await (const line of createInterface({ input: child.stdout })) if (line.trim().startsWith('{')) last = line
  const code = await new Promise<number | null>(resolve => { child.once('exit', resolve); if (child.exitCode !== null) resolve(child.exitCode) })
  if (code !== 0 || last === '') return { benchmark: name, error: `exited with ${code}` }
  return JSON.parse(last) as Record<string, any>
}

const yesNo = (target: { met: boolean } | undefined) => target === undefined ? '' : target.met ? 'met' : 'MISSED'
const n = (value: number | undefined, digits = 0) => value === undefined ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function rows (r: Record<string, any>): string[][] {
  if (r.error !== undefined) return [[r.benchmark, 'failed', r.error, '', '']]
  switch (r.benchmark) {
    case 'ingest': return [
      ['ingest', `bare INSERT … ON CONFLICT, ${n(r.applications)} rows`, `${n(r.bare.perSecond)} rows/s`, '', ''],
      ['ingest', 'sync through scheduler → runner → adapter → storePage', `${n(r.sync.perSecond)} applications/s`, '≥ 15,000/s', yesNo(r.targets.rate)],
      ['ingest', 'sync ÷ bare', n(r.ratio, 3), '≥ 0.6', yesNo(r.targets.ratio)],
      ['ingest', 'peak RSS growth during the sync', `${n(r.rss.growthMb)} MB`, '< 150 MB', yesNo(r.targets.rss)],
      ['ingest', 'applications / candidates / events stored', `${n(r.check.applications)} / ${n(r.check.candidates)} / ${n(r.check.events)}`, `${n(r.applications)} / ${n(r.check.expectedCandidates)} / ${n(r.applications)}`, yesNo(r.targets.correct)]
    ]
    case 'api': return [
      ['api', `bare pg, feed SQL, ${r.connections} concurrent, ${n(r.applications)} rows`, `${n(r.bare.perSecond)} pages/s, p99 ${n(r.bare.p99, 1)} ms`, '', ''],
      ['api', 'GET /v1/applications (auth included)', `${n(r.api.perSecond)} req/s, p50 ${n(r.api.p50, 1)} ms`, '', yesNo(r.targets.errors)],
      ['api', 'API ÷ bare', n(r.ratio, 3), '≥ 0.7', yesNo(r.targets.ratio)],
      ['api', 'API p99', `${n(r.api.p99, 1)} ms`, '≤ 25 ms', yesNo(r.targets.p99)]
    ]
    case 'scheduler': return [
      ['scheduler', `one replica, ${n(r.publications)} publications / ${n(r.tenants)} tenants, ${r.latencyMs} ms pages`, `${n(r.one.perSecond, 1)} publications/s (${n(r.one.ms / 1000, 1)} s)`, '', ''],
      ['scheduler', 'three replicas', `${n(r.three.perSecond, 1)} publications/s (${n(r.three.ms / 1000, 1)} s)`, '', ''],
      ['scheduler', 'three ÷ one', n(r.speedup, 2), '≥ 2.5', yesNo(r.targets.speedup)],
      ['scheduler', 'double syncs (runs / publication > 1, overlapping runs)', `${r.one.doubled + r.three.doubled}, ${r.one.overlapping + r.three.overlapping}`, '0', yesNo(r.targets.noDoubleSyncs)],
      ['scheduler', `claim of 20 due among ${n(r.claim.at10k.publications)} vs ${n(r.claim.at100k.publications)}`, `${n(r.claim.at10k.medianMs, 2)} ms vs ${n(r.claim.at100k.medianMs, 2)} ms`, 'flat', yesNo(r.targets.claimFlat)],
      ['scheduler', 'posting-check claim of 20 due among as many not due', `${n(r.postingCheckClaim?.at10k.medianMs, 2)} ms vs ${n(r.postingCheckClaim?.at100k.medianMs, 2)} ms`, 'flat', yesNo(r.targets.postingCheckClaimFlat)]
    ]
    case 'hh-sync': return [
      ['hh-sync', `HeadHunter: first run over ${n(r.stored)} responses`, `${n(r.firstRun.requests)} hh requests`, '', ''],
      ...(r.runs as Array<{ fresh: number, requests: number, transferred: number }>).map(x =>
        ['hh-sync', `HeadHunter: a run with ${x.fresh} new over ${n(r.stored)} stored`, `${n(x.requests)} hh requests (${x.transferred} transferred)`, 'follows the new, not the stored', yesNo(r.targets.followsNew)])
    ]
    case 'dictionary': return [
      ['dictionary', `bare pg, search SQL, ${r.connections} concurrent, ${n(r.areas)} areas in ${r.levels} levels`, `${n(r.bare.perSecond)} queries/s, p99 ${n(r.bare.p99, 1)} ms`, '', ''],
      ['dictionary', 'GET /v1/integrations/{id}/dictionaries/cities?q= (auth included)', `${n(r.api.perSecond)} req/s, p50 ${n(r.api.p50, 1)} ms`, '', yesNo(r.targets.errors)],
      ['dictionary', 'API ÷ bare', n(r.ratio, 3), '≥ 0.7', yesNo(r.targets.ratio)]
    ]
    case 'delivery': return [
      ['delivery', `bare undici, ${n(r.events)} POSTs of ${n(r.bytesPerEvent)} B, ${r.connections} connections`, `${n(r.bare.perSecond)} requests/s`, '', ''],
      ['delivery', 'webhook backlog of one endpoint sent by the started dispatcher', `${n(r.service.perSecond)} events/s (${n(r.service.ms / 1000, 1)} s)`, 'all delivered', yesNo(r.targets.delivered)],
      ['delivery', 'dispatcher ÷ bare', n(r.ratio, 3), '', '']
    ]
    case 'startup': return [
      ['startup', 'embedded (PGlite): first start to ready', `${n(r.first.ms)} ms`, '', ''],
      ['startup', 'embedded (PGlite): later start to ready (median)', `${n(r.later.medianMs)} ms`, '', '']
    ]
    default: return []
  }
}

function table (all: string[][]): string {
  const head = ['benchmark', 'measure', 'result', 'target', '']
  const widths = head.map((h, i) => Math.max(h.length, ...all.map(r => (r[i] ?? '').length)))
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |'
  return [line(head), '|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|', ...all.map(line)].join('\n')
}

const started = new Date()
const results: Record<string, any>[] = []
for (const name of chosen) {
  process.stderr.write(`bench: ${name}…\n`)
  results.push(await runOne(name))
}

const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: SERVER_URL, max: 1 }) }) })
const postgres = await sql<{ version: string }>`select version()`.execute(db).then(r => r.rows[0]?.version, () => undefined)
await db.destroy()

const out = {
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  scale: SCALE,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}`, postgres },
  results
}
await writeFile(fileURLToPath(new URL('./results.json', import.meta.url)), JSON.stringify(out, null, 2) + '\n')
process.stdout.write(`\n${table(results.flatMap(rows))}\n\n${out.machine.cpus} CPUs, Node ${out.machine.node}, scale ${SCALE}, ${out.durationSeconds} s; details in bench/results.json\n`)
