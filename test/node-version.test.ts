// One supported Node everywhere: package.json's engines, the `node` dev dependency that `npm start`,
// `npm test` and .ci/run run on whatever Node the machine has, the Dockerfile's images, and the Node
// this suite runs on.
import t from 'tap'
import { readFileSync } from 'node:fs'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }, devDependencies: Record<string, string>, scripts: Record<string, string> }
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1])
const required = major(pkg.engines.node)

t.test('engines asks for Node 24 or later, and the node dev dependency is that line', async t => {
  t.match(pkg.engines.node, /^>=\s*24(\.|$)/)
  t.equal(major(pkg.devDependencies.node ?? ''), required, 'npm scripts run on the node package of the engines line')
})

t.test('this suite runs on that Node', async t => {
  t.ok(major(process.versions.node) >= required, `node ${process.versions.node} against engines ${pkg.engines.node}`)
})

t.test('the Dockerfile builds and runs on that Node', async t => {
  const images = [...read('Dockerfile').matchAll(/^FROM\s+node:(\S+)/gm)].map(m => m[1]!)
  t.equal(images.length, 2, 'the build and the runtime stage')
  for (const image of images) t.equal(major(image), required, `node:${image}`)
})

t.test('CI puts the node dev dependency first and checks it', async t => {
  const ci = read('.ci/run')
  const install = ci.indexOf('npm ci')
  const path = ci.indexOf('export PATH="$PWD/node_modules/.bin:$PATH"')
  t.ok(install >= 0 && path > install, 'after npm ci, node_modules/.bin comes first on PATH')
  t.ok(ci.indexOf('older than package.json\'s engines') > path, 'and a Node older than engines stops the run')
})
