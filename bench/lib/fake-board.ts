// The benchmark's board: the candidate list of Djinni's employer API (the contract of
// test/fakes/djinni.ts: `GET /api/v2/jobs/{id}/candidates/?updated_since&offset&limit`, DRF pages
// ordered by updated_at then id, updated_since inclusive) and the job itself (`GET /api/v2/jobs/{id}/`,
// always active: each sync run ends with that posting check) over loopback, with every job's
// candidates generated page by page from bench/lib/applicants.ts, never held. It runs in a child
// process of its own, so the service's RSS and CPU are measured without it.
//   env FAKE_PER_JOB    candidates per job (every job id has that many)
//   env FAKE_LATENCY_MS delay before each answer
// Prints `{"port":N}` on stdout once listening.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { applicant, BASE_MS } from './applicants.js'

const perJob = Number(process.env.FAKE_PER_JOB ?? '100')
const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? '0')
const PATH = /^\/api\/v2\/jobs\/(\d+)\/candidates\/$/
const JOB = /^\/api\/v2\/jobs\/(\d+)\/$/
let served = 0

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://fake')
  const match = PATH.exec(url.pathname)
  const answer = (status: number, body: unknown): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }
  const job = JOB.exec(url.pathname)
  if (req.method === 'GET' && job !== null) {
    const body = { id: Number(job[1]), status: 'active', url: `https://djinni.co/jobs/${job[1]}/` }
    if (latencyMs > 0) setTimeout(() => { answer(200, body) }, latencyMs)
    else answer(200, body)
    return
  }
  if (req.method !== 'GET' || match === null) { answer(404, { detail: 'Not found.' }); return }
  const jobId = Number(match[1])
  const since = url.searchParams.get('updated_since')
  const offset = Math.max(0, Number(url.searchParams.get('offset') ?? '0') || 0)
  const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? '20') || 20))
  // candidate n was updated at BASE_MS + n: `updated_since` (inclusive) is where the list starts
  const from = since === null ? 0 : Math.max(0, Math.ceil(Date.parse(since) - BASE_MS))
  const start = from + offset
  const end = Math.min(perJob, start + limit)
  const results = []
  for (let n = start; n < end; n++) results.push(applicant(jobId, n))
  served += results.length
  const next = end < perJob ? `http://${req.headers.host ?? '127.0.0.1'}${url.pathname}?offset=${offset + limit}&limit=${limit}` : null
  const body = { count: Math.max(0, perJob - from), next, previous: null, results }
  if (latencyMs > 0) setTimeout(() => { answer(200, body) }, latencyMs)
  else answer(200, body)
})
server.keepAliveTimeout = 60_000

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n')
})
process.on('message', () => { process.send?.({ served }) })
process.on('SIGTERM', () => { server.close(); process.exit(0) })
