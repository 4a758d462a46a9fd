// Dictionary search: `GET /v1/integrations/{id}/dictionaries/cities?q=<text>&limit=20` (auth
// included) over a catalogue of hh's areas' size and shape, against the service in its own process,
// versus the same SQL the endpoint runs for the page, straight through pg, with the same concurrency
// and the service's pool size. hh's real areas tree is not available offline, so the catalogue is
// synthetic: about 7,000 Cyrillic names in 4 levels (countries → regions → towns → districts of the
// big towns), stored as the sandbox's board-wide `cities` copy, fresh (no refresh runs). The queries
// are what a typeahead sends: word starts, whole names, a misspelling that matches nothing, mixed
// case and ё. Legs alternate (api, bare, api, bare) after a warm-up.
import autocannon from 'autocannon'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import type { Database } from '../src/db/schema.js'
import type { DictionaryItem } from '../src/boards/types.js'
import { generateApiKey } from '../src/crypto/api-keys.js'
import { createSecretBox } from '../src/crypto/secrets.js'
import * as dictionaries from '../src/modules/dictionaries/repo.js'
import { searchName } from '../src/modules/dictionaries/search-name.js'
import { createBenchDb, dropBenchDb, report, scaled, SECRETS_KEY, sleep, spawnTs, stopChild } from './lib/harness.js'

const AREAS = scaled(7_000, 500)
const CONNECTIONS = 20
const POOL = 10
const LIMIT = 20
const SECONDS = Number(process.env.BENCH_DICTIONARY_SECONDS ?? '6')

const PREFIXES = ['Ново', 'Старо', 'Верхне', 'Нижне', 'Красно', 'Бело', 'Черно', 'Велико', 'Мало', 'Сухо', 'Кам\'яно', 'Зелено']
const ROOTS = ['горск', 'градск', 'ивановк', 'петровк', 'сосновк', 'дубровк', 'берёзовк', 'каменк', 'полянск', 'озёрск', 'ключевск', 'дніпровськ', 'київськ', 'лісов']
const ENDINGS = ['', 'а', 'ое', 'ий', 'ая', 'ево', 'ино', 'е']
const COUNTRIES = ['Россия', 'Украина', 'Казахстан', 'Беларусь', 'Узбекистан', 'Грузия', 'Армения', 'Азербайджан', 'Кыргызстан', 'Молдова']

/** a tree of `total` areas: 10 countries, ~10 regions each, towns under the regions, districts under every 7th town */
function areas (total: number): DictionaryItem[] {
  const items: DictionaryItem[] = []
  let n = 0
  const name = () => {
    const k = n++
    const base = `${PREFIXES[k % PREFIXES.length]!}${ROOTS[Math.floor(k / PREFIXES.length) % ROOTS.length]!}${ENDINGS[Math.floor(k / (PREFIXES.length * ROOTS.length)) % ENDINGS.length]!}`
    // the catalogue repeats names in other regions, as hh's does
    return k % 3 === 0 ? base : `${base} ${1 + (k % 97)}`
  }
  const regions: string[] = []
  COUNTRIES.forEach((country, c) => {
    items.push({ id: String(c + 1), name: country, parentId: null })
    for (let r = 0; r < 10; r++) {
      const id = `${c + 1}${String(r).padStart(2, '0')}`
      items.push({ id, name: `${name()} область`, parentId: String(c + 1) })
      regions.push(id)
    }
  })
  let town = 0
  while (items.length < total) {
    const region = regions[town % regions.length]!
    const id = String(10_000 + town)
    items.push({ id, name: name(), parentId: region })
    if (town % 7 === 0) {
      for (let d = 0; d < 3 && items.length < total; d++) items.push({ id: `${id}-${d}`, name: `${name()} район`, parentId: id })
    }
    town++
  }
  return items
}

// typeahead texts: starts of words, a whole name, something in the middle, no match, case and ё
const QUERIES = ['Ново', 'ново', 'горск', 'Каменка', 'берез', 'БЕРЁЗ', 'петровк', 'озерск 1', 'кам\'яно', 'Дніпровськ', 'лісове', 'район', 'ск 5', 'Россия', 'Грузия', 'Чорноморськ', 'zzz', 'вер', 'Мало', 'ключевская 4']

interface Leg { perSecond: number, p50: number, p99: number, errors: number, /** transactions the database committed per request */ transactions?: number }

/** transactions committed in the benchmark's database so far (the statistics collector's count, flushed on read) */
async function committed (pool: pg.Pool, database: string): Promise<number> {
  await pool.query('select pg_stat_force_next_flush()')
  const { rows } = await pool.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = $1', [database])
  return Number(rows[0]?.n ?? 0)
}

/** the leg, with the transactions it cost the database per request (the counter's own reads subtracted) */
async function counted (pool: pg.Pool, database: string, seconds: number, leg: () => Promise<Leg>): Promise<Leg> {
  const before = await committed(pool, database)
  const result = await leg()
  const after = await committed(pool, database)
  const requests = result.perSecond * seconds
  return { ...result, transactions: requests === 0 ? 0 : Math.round((after - before - 2) / requests * 100) / 100 }
}

async function apiLeg (port: number, key: string, paths: string[], seconds: number): Promise<Leg> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
    requests: [{ method: 'GET', setupRequest: request => ({ ...request, path: paths[Math.floor(Math.random() * paths.length)]! }) }]
  })
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts }
}

async function bareLeg (pool: pg.Pool, queries: CompiledQuery[], seconds: number): Promise<Leg> {
  const latencies: number[] = []
  let errors = 0
  const until = performance.now() + seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const started = performance.now()
      const query = queries[Math.floor(Math.random() * queries.length)]!
      try {
        await pool.query(query.sql, query.parameters as unknown[])
      } catch {
        errors++
      }
      latencies.push(performance.now() - started)
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  latencies.sort((a, b) => a - b)
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors }
}

async function main (): Promise<void> {
  const bench = await createBenchDb('dictionary')
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: bench.url, max: 2 }) }) })
  let server: Awaited<ReturnType<typeof spawnTs>> | undefined
  try {
    const tenant = await db.insertInto('tenants').values({ name: 'bench dictionary' }).returning('id').executeTakeFirstOrThrow()
    const apiKey = generateApiKey()
    await db.insertInto('api_keys').values({ tenant_id: tenant.id, role: 'tenant', name: 'bench', prefix: apiKey.prefix, key_hash: apiKey.hash }).execute()
    const sealed = createSecretBox(SECRETS_KEY).seal({ accountName: 'bench' })
    const integration = await db.insertInto('integrations').values({
      tenant_id: tenant.id, board: 'sandbox', name: 'bench', status: 'active', credentials: sealed.data, credentials_key_id: sealed.keyId,
      credentials_public: JSON.stringify({ accountName: 'bench' }), account_external_id: 'sandbox-bench', account_name: 'bench', account_email: null
    }).returning('id').executeTakeFirstOrThrow()
    const tree = areas(AREAS)
    await dictionaries.storeVersion(db, { board: 'sandbox', name: 'cities', integrationId: null }, tree, { etag: '"bench"', lastModified: null }, new Date())
    await sql`vacuum analyze dictionary_items`.execute(db)
    const levels = (() => {
      const byId = new Map(tree.map(i => [i.id, i]))
      const depth = (i: DictionaryItem): number => i.parentId === null ? 1 : 1 + depth(byId.get(i.parentId)!)
      return Math.max(...tree.map(depth))
    })()

    // the SQL of the endpoint's page, exactly as the repo builds it, one statement per query text
    const compiled = QUERIES.map(q => dictionaries.pageQuery({ board: 'sandbox', name: 'cities', integrationId: null }, { q: searchName(q), limit: LIMIT + 1 }).compile(db))
    const matches = await Promise.all(compiled.map(async query => (await db.executeQuery(query)).rows.length))
    const paths = QUERIES.map(q => `/v1/integrations/${integration.id}/dictionaries/cities?q=${encodeURIComponent(q)}&limit=${LIMIT}`)

    server = await spawnTs('lib/service.ts', { BENCH_DB_URL: bench.url, BENCH_ENV: JSON.stringify({ DATABASE_POOL_MAX: String(POOL), LOG_LEVEL: 'warn' }) })
    const port = server.hello.port as number
    const check = await fetch(`http://127.0.0.1:${port}${paths[0]!}`, { headers: { authorization: `Bearer ${apiKey.key}` } })
    if (check.status !== 200) throw new Error(`the endpoint answered ${check.status}: ${await check.text()}`)
    const pool = new pg.Pool({ connectionString: bench.url, max: POOL })

    await apiLeg(port, apiKey.key, paths, 2)
    await bareLeg(pool, compiled, 2)
    const api: Leg[] = []
    const bare: Leg[] = []
    for (let round = 0; round < 2; round++) {
      api.push(await counted(pool, bench.name, SECONDS / 2, async () => await apiLeg(port, apiKey.key, paths, SECONDS / 2)))
      await sleep(300)
      bare.push(await counted(pool, bench.name, SECONDS / 2, async () => await bareLeg(pool, compiled, SECONDS / 2)))
      await sleep(300)
    }
    await pool.end()
    const mean = (legs: Leg[], k: keyof Leg) => Math.round(legs.reduce((s, l) => s + (l[k] ?? 0), 0) / legs.length * 100) / 100
    const apiRate = mean(api, 'perSecond')
    const bareRate = mean(bare, 'perSecond')
    report({
      benchmark: 'dictionary',
      areas: tree.length,
      levels,
      queries: QUERIES.length,
      matchesPerQuery: matches,
      connections: CONNECTIONS,
      seconds: SECONDS,
      api: { perSecond: apiRate, p50: mean(api, 'p50'), p99: Math.max(...api.map(l => l.p99)), errors: api.reduce((s, l) => s + l.errors, 0), transactions: mean(api, 'transactions'), legs: api },
      bare: { perSecond: bareRate, p50: mean(bare, 'p50'), p99: Math.max(...bare.map(l => l.p99)), errors: bare.reduce((s, l) => s + l.errors, 0), transactions: mean(bare, 'transactions'), legs: bare },
      ratio: Number((apiRate / bareRate).toFixed(3)),
      targets: {
        ratio: { want: '>= 0.7', met: apiRate / bareRate >= 0.7 },
        errors: { met: api.every(l => l.errors === 0) }
      }
    })
  } finally {
    if (server !== undefined) await stopChild(server.child)
    await db.destroy()
    await dropBenchDb(bench.name)
  }
}

await main()
process.exit(0)
