// Photos for the host: streamed through from a board that serves them through the account (the
// sandbox, as hh does), capped by PHOTO_MAX_BYTES, never cached by a shared cache; 404 where there
// is none, with the link where a board gives only a plain one; board failures as problems. And
// resume files from any board that serves them, whatever link the application kept.
import t from 'tap'
import { Readable } from 'node:stream'
import { BoardError } from '../../src/boards/errors.js'
import type { BoardFile } from '../../src/boards/types.js'
import { problemOf } from '../helpers/app.js'
import { sandboxApp, sandboxVariant, type SandboxApp } from '../helpers/posting-life.js'

interface AppView { id: string, externalId: string, photoUrl: string | null }

async function applications (s: SandboxApp, applicants = 3): Promise<AppView[]> {
  const pub = await s.publish({ applicants })
  await s.settle()
  return (await s.call('GET', `/v1/applications?publicationId=${pub.id}&limit=200`)).json().items
}

const file = (body: Buffer | string, contentType: string, contentLength: number | null = Buffer.byteLength(body)): BoardFile =>
  ({ stream: Readable.from([Buffer.from(body)]), contentType, contentLength, fileName: null })

t.test('the sandbox serves its photos through the account: the image, privately; 404 where there is none', async t => {
  const s = await sandboxApp(t)
  const items = await applications(s)
  const withPhoto = items.filter(a => a.photoUrl !== null)
  const without = items.find(a => a.photoUrl === null)!
  t.equal(withPhoto.length, 2)

  const res = await s.call('GET', `/v1/applications/${withPhoto[0]!.id}/photo`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/png')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.same(res.rawPayload.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'a PNG')
  t.equal(Number(res.headers['content-length']), res.rawPayload.length)

  const none = await s.call('GET', `/v1/applications/${without.id}/photo`)
  t.equal(none.statusCode, 404)
  t.match(problemOf(none), { code: 'JOBSYNC_ERR_NOT_FOUND', detail: /has no photo/ })
  t.notOk('photoUrl' in problemOf(none))

  t.equal((await s.call('GET', '/v1/applications/00000000-0000-4000-8000-000000000000/photo')).statusCode, 404)
  t.equal((await s.call('GET', '/v1/applications/not-a-uuid/photo')).statusCode, 400)
  const stranger = await s.tenant()
  const foreign = await s.app.inject({ method: 'GET', url: `/v1/applications/${withPhoto[0]!.id}/photo`, headers: { authorization: `Bearer ${stranger.key}` } })
  t.equal(foreign.statusCode, 404, "not another tenant's")
})

t.test('a board that gives only a plain link: 404 with the link, never a redirect', async t => {
  const s = await sandboxApp(t, { boards: sandboxVariant(() => ({ openPhoto: undefined }), { photoFiles: false }) })
  const item = (await applications(s)).find(a => a.photoUrl !== null)!
  const res = await s.call('GET', `/v1/applications/${item.id}/photo`)
  t.equal(res.statusCode, 404)
  t.equal(res.headers.location, undefined)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_NOT_FOUND', photoUrl: item.photoUrl, detail: /only as a link: photoUrl/ })
})

t.test('PHOTO_MAX_BYTES, an answer that is not an image, and board failures', async t => {
  let answer: () => Promise<BoardFile | null> = async () => null
  const s = await sandboxApp(t, {
    env: { PHOTO_MAX_BYTES: '2048' },
    boards: sandboxVariant(() => ({ openPhoto: async () => await answer() }))
  })
  const item = (await applications(s)).find(a => a.photoUrl !== null)!
  const url = `/v1/applications/${item.id}/photo`

  answer = async () => file('x'.repeat(4096), 'image/jpeg')
  t.match(problemOf(await s.call('GET', url)), { status: 502, code: 'JOBSYNC_ERR_PHOTO_TOO_LARGE', detail: /4096 bytes, over the 2048-byte limit \(PHOTO_MAX_BYTES\)/ })
  answer = async () => file('x'.repeat(4096), 'image/jpeg', null)
  const cut = await s.call('GET', url)
  t.ok(cut.rawPayload.length <= 2048, `a photo that turns out larger is cut off (${cut.rawPayload.length} bytes passed)`)

  answer = async () => file('<script>alert(1)</script>', 'text/html; charset=utf-8')
  const html = await s.call('GET', url)
  t.equal(html.statusCode, 200)
  t.equal(html.headers['content-type'], 'application/octet-stream', 'not served as a page of ours')

  answer = async () => null
  t.match(problemOf(await s.call('GET', url)), { status: 404, detail: /has no photo/ }, 'the board says there is none')

  answer = async () => { throw new BoardError({ board: 'sandbox', kind: 'unavailable', boardStatus: 503, detail: 'down' }) }
  t.match(problemOf(await s.call('GET', url)), { status: 502, code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', board: 'sandbox' })
  answer = async () => { throw new BoardError({ board: 'sandbox', kind: 'rate_limited', boardStatus: 429, detail: 'slow down' }) }
  t.match(problemOf(await s.call('GET', url)), { status: 429, code: 'JOBSYNC_ERR_BOARD_RATE_LIMITED' })
  answer = async () => { throw new BoardError({ board: 'sandbox', kind: 'invalid_credentials', boardStatus: 401, detail: 'revoked' }) }
  t.match(problemOf(await s.call('GET', url)), { status: 422, code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' })
  t.equal((await s.call('GET', `/v1/integrations/${s.integrationId}`)).json().status, 'invalid_credentials', 'dead credentials mark the integration')
})

t.test('a board that serves resume files is asked whatever link the application kept; no file means the text', async t => {
  const asked: Array<string | null> = []
  const s = await sandboxApp(t, {
    boards: sandboxVariant(() => ({
      async openResume (_session, _account, application) {
        asked.push(application.resumeUrl)
        return application.externalId.endsWith('-0') ? file('%PDF-1.4 resume', 'application/pdf') : null
      }
    }), { resumeFiles: true })
  })
  const items = await applications(s, 2)
  const withFile = items.find(a => a.externalId.endsWith('-0'))!
  const res = await s.call('GET', `/v1/applications/${withFile.id}/resume`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.body, /^%PDF-1\.4/)
  t.same(asked, [null], 'asked though the application kept no resume link')

  const textOnly = items.find(a => !a.externalId.endsWith('-0'))!
  const text = await s.call('GET', `/v1/applications/${textOnly.id}/resume`)
  t.equal(text.headers['content-type'], 'text/plain; charset=utf-8')
  t.match(text.body, /years of experience/)
})
