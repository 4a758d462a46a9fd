// The service compiled once for tests that run it as processes of its own (the kill test, the
// replicas test): emit only (`npm run typecheck` checks the types), into a directory of this run
// under node_modules/.cache (other work in the checkout may be building dist/), removed at teardown.
import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

/** compiles the service into a fresh directory; its `src/server.js` is what a test spawns */
export async function buildService (t: { teardown: (fn: () => Promise<void>) => void }, name: string): Promise<string> {
  const buildDir = path.join(REPO_ROOT, 'node_modules', '.cache', `jobsync-${name}-${process.pid}`)
  t.teardown(async () => { await rm(buildDir, { recursive: true, force: true }) })
  await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noCheck', '--outDir', buildDir], { cwd: REPO_ROOT })
  // under node_modules the nearest package.json would not say "module"
  await writeFile(path.join(buildDir, 'package.json'), JSON.stringify({ type: 'module' }))
  await mkdir(path.join(buildDir, 'data'), { recursive: true })
  return buildDir
}
