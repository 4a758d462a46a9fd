// Start-up on the embedded database (PGlite, no DATABASE_URL): the built server (`npm start`
// runs `node dist/src/server.js`) from spawn until /health/ready answers 200. The first start makes
// the database (initdb, migrations, the admin and secrets keys); later starts open it.
import { spawn, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { report, ROOT, SERVICE_NODE_FLAGS, sleep } from './lib/harness.js'

const LATER_STARTS = 3

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

async function startToReady (dataDir: string): Promise<{ ms: number, rssMb: number }> {
  const port = await freePort()
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development' }
  delete env.DATABASE_URL
  delete env.ADMIN_API_KEY
  delete env.SECRETS_KEY
  const started = performance.now()
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(ROOT, 'dist/src/server.js')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready`)
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(res => res.status === 200, () => false)
      if (ready) break
      if (performance.now() - started > 120_000) throw new Error('the server was not ready within 2 minutes')
      await sleep(5)
    }
    const ms = performance.now() - started
    const rssKb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)]).toString().trim())
    return { ms: Math.round(ms), rssMb: Math.round(rssKb / 1024) }
  } finally {
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
}

async function main (): Promise<void> {
  // what `npm start` runs
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'jobsync-bench-startup-'))
  try {
    const first = await startToReady(dataDir)
    const later = []
    for (let i = 0; i < LATER_STARTS; i++) later.push(await startToReady(dataDir))
    const sorted = later.map(l => l.ms).sort((a, b) => a - b)
    report({
      benchmark: 'startup',
      first,
      later: { medianMs: sorted[Math.floor(sorted.length / 2)], runs: later }
    })
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

await main()
process.exit(0)
