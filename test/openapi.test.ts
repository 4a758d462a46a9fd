import t from 'tap'
import { readFile } from 'node:fs/promises'
import { generateOpenApi } from '../src/openapi-document.js'
import { build } from './helpers/app.js'

t.test('the committed openapi/openapi.json is up to date', async t => {
  const committed = await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
  const generated = await generateOpenApi()
  t.ok(committed === generated, 'openapi/openapi.json differs from the routes: run `npm run openapi` and commit it')
})

t.test('the document is OpenAPI 3.1 with shared problem schema', async t => {
  const { app } = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.components.schemas.Problem, 'Problem is a component')
  t.ok(doc.paths['/v1/admin/tenants'].post, 'admin routes are documented')
  const problem = doc.paths['/v1/admin/tenants'].post.responses['400'].content['application/problem+json']
  t.ok(problem, 'errors are documented as problem+json')
})

t.test('/docs renders the interactive docs', async t => {
  const { app } = await build(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /swagger-ui/i)
})
