// The process as a user starts it: embedded database, admin key printed once, ready, SIGTERM.
import t from 'tap'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

interface Started { child: ChildProcessWithoutNullStreams, stdout: () => string, url: string }

async function startServer (dataDir: string): Promise<Started> {
  // port 0: the system picks a free port (a random fixed one once collided with another test's
  // connection), and the address comes from the server's own "listening" log line
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stdout}`)
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
    if (url !== undefined) {
      try {
        const res = await fetch(`${url}/health/ready`)
        if (res.status === 200) return { child, stdout: () => stdout, url }
      } catch {}
    }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error(`server not ready in time: ${stdout}`)
}

async function stop (child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  child.kill('SIGTERM')
  return await exited
}

t.test('first start on the embedded database prints an admin key once; it works; SIGTERM exits cleanly', async t => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'jobsync-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))

  const first = await startServer(dataDir)
  const key = /jsk_[a-z0-9]{10}_[A-Za-z0-9_-]{43}/.exec(first.stdout())?.[0]
  t.ok(key, 'the admin key is printed')
  const created = await fetch(`${first.url}/v1/admin/tenants`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Acme' })
  })
  t.equal(created.status, 201, 'the printed key is an admin key')
  t.equal(await stop(first.child), 0, 'graceful exit on SIGTERM')
  t.match(first.stdout(), /shutting down/)

  const second = await startServer(dataDir)
  t.notMatch(second.stdout(), /jsk_/, 'later starts do not print a key')
  const tenants = await fetch(`${second.url}/v1/admin/tenants`, { headers: { authorization: `Bearer ${key}` } })
  t.equal(tenants.status, 200, 'the data and the key survived the restart')
  t.equal(((await tenants.json()) as { items: unknown[] }).items.length, 1)
  t.equal(await stop(second.child), 0)
})
