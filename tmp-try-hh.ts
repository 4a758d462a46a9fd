import assert from 'node:assert/strict'
import { startHeadHunterFake } from './test/fakes/headhunter.js'

const t0 = performance.now()
const hh = await startHeadHunterFake({ checkResponses: true, tokenTtlSeconds: 3600 })
console.log(`start (spec load) ${(performance.now() - t0).toFixed(0)}ms`)
const UA = 'JobSync/1.0 (dev@jobsync.example)'
const log: string[] = []
async function call (method: string, path: string, opts: { token?: string, form?: Record<string, string>, json?: unknown, ua?: string | null, base?: string } = {}) {
  const headers: Record<string, string> = {}
  if (opts.ua !== null) headers['HH-User-Agent'] = opts.ua ?? UA
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined
  if (opts.form) { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(opts.form).toString() }
  if (opts.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(opts.json) }
  const res = await fetch(`${opts.base ?? hh.apiUrl}${path}`, { method, headers, body })
  const text = await res.text()
  const data = text === '' ? undefined : JSON.parse(text)
  log.push(`${method} ${path} → ${res.status}`)
  return { status: res.status, data, headers: res.headers }
}

// accounts
const emp = hh.addEmployerAccount({ employerName: 'ООО «Ромашка»', managerName: 'Ирина Сидорова', hasAdminRights: true, managers: [{ name: 'Олег Рекрутов' }, { name: 'Анна Подборова', position: 'Рекрутер' }] })
const app = hh.addApplicantAccount()

// OAuth: code
const code = hh.issueAuthCode(emp.key)
const form = { grant_type: 'authorization_code', client_id: hh.clientId, client_secret: hh.clientSecret, code, redirect_uri: 'https://jobsync.example/oauth/hh' }
let r = await call('POST', '/oauth/token', { form, base: hh.oauthUrl, ua: null })
assert.equal(r.status, 200); assert.equal(r.data.token_type, 'bearer'); assert.equal(r.data.expires_in, 3600)
let tok = r.data
r = await call('POST', '/oauth/token', { form, base: hh.oauthUrl })
assert.deepEqual(r.data, { error: 'invalid_grant', error_description: 'code has already been used' })
r = await call('POST', '/token', { form: { ...form, client_secret: 'nope' } })
assert.equal(r.data.error, 'invalid_client')
// refresh too early
r = await call('POST', '/token', { form: { grant_type: 'refresh_token', refresh_token: tok.refresh_token } })
assert.equal(r.status, 400); assert.deepEqual(r.data, { error: 'invalid_grant', error_description: 'token not expired' })
// expiry → 403 token_expired → refresh ok → reuse refused
hh.expireAccessTokens(emp.key)
r = await call('GET', '/me', { token: tok.access_token })
assert.equal(r.status, 403); assert.deepEqual(r.data.errors, [{ type: 'oauth', value: 'token_expired' }]); console.log('expired:', JSON.stringify(r.data))
r = await call('POST', '/token', { form: { grant_type: 'refresh_token', refresh_token: tok.refresh_token } })
assert.equal(r.status, 200)
const old = tok; tok = r.data
r = await call('POST', '/token', { form: { grant_type: 'refresh_token', refresh_token: old.refresh_token } })
assert.deepEqual(r.data, { error: 'invalid_grant', error_description: 'token has already been refreshed' })
assert.equal(hh.refreshCount, 1); assert.equal(hh.refreshAttempts, 3)
// /me both kinds
r = await call('GET', '/me', { token: tok.access_token })
assert.equal(r.status, 200); assert.equal(r.data.employer.id, emp.employerId); assert.equal(r.data.manager.has_admin_rights, true)
console.log('me employer:', JSON.stringify(r.data))
const appTok = hh.issueTokens(app.key)
r = await call('GET', '/me', { token: appTok.access_token })
assert.equal(r.status, 200); assert.equal(r.data.employer, null); assert.equal(r.data.auth_type, 'applicant')
r = await call('GET', `/employers/${emp.employerId}/managers`, { token: appTok.access_token })
assert.equal(r.status, 403); console.log('applicant on employer endpoint:', JSON.stringify(r.data))
// unknown / revoked
r = await call('GET', '/me', { token: 'NOPE' }); assert.deepEqual(r.data.errors, [{ type: 'oauth', value: 'bad_authorization' }])
// managers
r = await call('GET', `/employers/${emp.employerId}/managers?page=0&per_page=2`, { token: tok.access_token })
assert.equal(r.status, 200); assert.equal(r.data.found, 3); assert.equal(r.data.pages, 2); assert.equal(r.data.items.length, 2)
// available types
hh.setAvailable(emp.key, 'standard', 1)
hh.setAvailable(emp.key, 'premium', 0)
r = await call('GET', `/employers/${emp.employerId}/managers/${emp.managerId}/vacancies/available_types`, { token: tok.access_token })
assert.equal(r.status, 200); console.log('available_types:', r.data.items.map((i: any) => `${i.vacancy_billing_type.id}=${i.available_publications_count}`).join(' '))
// publish
const description = '<p>Мы ищем опытного backend-разработчика в команду платформы найма.</p><ul><li>Node.js, TypeScript, PostgreSQL</li><li>проектирование API и интеграций с внешними сервисами</li><li>код-ревью и наставничество</li></ul><p>Удалёнка или офис в Москве.</p>'
const vac = { name: 'Backend-разработчик (Node.js)', description, area: { id: '1' }, type: { id: 'open' }, billing_type: { id: 'standard' }, professional_roles: [{ id: '96' }], key_skills: [{ name: 'Node.js' }] }
r = await call('POST', '/vacancies', { token: tok.access_token, json: { ...vac, description: '<p>коротко</p>', area: { id: '113' } } })
assert.equal(r.status, 400); console.log('bad_json_data:', JSON.stringify(r.data))
r = await call('POST', '/vacancies', { token: tok.access_token, json: vac })
assert.equal(r.status, 201); const vid = r.data.id; assert.equal(r.headers.get('location'), `/vacancies/${vid}`)
r = await call('POST', '/vacancies', { token: tok.access_token, json: vac })
assert.equal(r.status, 403); console.log('quota:', JSON.stringify(r.data))
hh.setAvailable(emp.key, 'standard', 5)
r = await call('POST', '/vacancies', { token: tok.access_token, json: vac })
assert.equal(r.status, 403); assert.equal(r.data.errors[0].value, 'duplicate'); console.log('duplicate:', JSON.stringify(r.data))
r = await call('POST', '/vacancies', { token: tok.access_token, json: { ...vac, billing_type: { id: 'standard_plus' } } })
assert.equal(r.data.errors[0].value, 'not_enough_purchased_services')
hh.setManagerQuota(emp.key, 'standard', 0)
r = await call('POST', '/vacancies', { token: tok.access_token, json: { ...vac, name: 'Другая' } })
assert.equal(r.data.errors[0].value, 'quota_exceeded')
hh.setManagerQuota(emp.key, 'standard', null)
// vacancy state
r = await call('GET', `/vacancies/${vid}`, { token: tok.access_token })
assert.equal(r.status, 200); assert.equal(r.data.approved, false); assert.equal(r.data.archived, false)
hh.approveVacancy(vid)
r = await call('GET', `/vacancies/${vid}`, { token: tok.access_token }); assert.equal(r.data.approved, true)
r = await call('PUT', `/vacancies/${vid}`, { token: tok.access_token, json: { name: 'Backend-разработчик (Node.js, TS)' } }); assert.equal(r.status, 204)
// drafts
r = await call('POST', '/vacancies/drafts', { token: tok.access_token, json: { name: 'Черновик', area: { id: '2' } } })
assert.equal(r.status, 201); const did = r.data.id; console.log('draft:', JSON.stringify(r.data))
r = await call('GET', `/vacancies/drafts/${did}`, { token: tok.access_token }); assert.equal(r.status, 200)
r = await call('POST', `/vacancies/drafts/${did}/publish`, { token: tok.access_token }); assert.equal(r.status, 400); console.log('draft publish 400:', JSON.stringify(r.data))
r = await call('POST', '/vacancies/drafts', { token: tok.access_token, json: { ...vac, name: 'Из черновика' } })
r = await call('POST', `/vacancies/drafts/${r.data.id}/publish`, { token: tok.access_token }); assert.equal(r.status, 201); console.log('draft publish:', JSON.stringify(r.data))
// negotiations
const seeded = hh.addResponses(vid, 23)
hh.addResponses(vid, [{ email: seeded[0]!.email, firstName: 'Анна', lastName: 'Дубликатова', phone: { country: '7', city: '999', number: '1112233' } }, { resumeId: seeded[1]!.resumeId }], 'consider')
console.log('seeded sample:', seeded.slice(0, 8).map(s => `${s.lastName} ${s.firstName} ${s.email} ${s.phone?.formatted ?? '-'}${s.hiddenResume ? ' HIDDEN' : ''}`).join('\n  '))
r = await call('GET', `/negotiations?vacancy_id=${vid}`, { token: tok.access_token })
assert.equal(r.status, 200); console.log('collections:', r.data.collections.map((c: any) => `${c.id}:${c.counters.total}`).join(' '))
const url = new URL(r.data.collections[0].url)
let all: any[] = []
for (let page = 0; ; page++) {
  r = await call('GET', `${url.pathname}${url.search}&page=${page}&per_page=10`, { token: tok.access_token })
  assert.equal(r.status, 200); all.push(...r.data.items)
  if (page + 1 >= r.data.pages) break
}
assert.equal(all.length, 23); assert.equal(new Set(all.map(i => i.id)).size, 23)
console.log('nulls:', all.filter(i => i.resume === null).length)
r = await call('GET', `/negotiations/response?vacancy_id=${vid}&per_page=51`, { token: tok.access_token })
assert.equal(r.status, 400); console.log('per_page 51:', JSON.stringify(r.data))
// resume & quota
hh.setResumeViewQuota(emp.key, 2)
const withResume = all.filter(i => i.resume !== null)
for (const [k, item] of withResume.slice(0, 3).entries()) {
  r = await call('GET', new URL(item.resume.url).pathname, { token: tok.access_token })
  if (k < 2) { assert.equal(r.status, 200); if (k === 0) console.log('resume:', JSON.stringify({ first_name: r.data.first_name, last_name: r.data.last_name, middle_name: r.data.middle_name, birth_date: r.data.birth_date, contact: r.data.contact, photo: r.data.photo, skill_set: r.data.skill_set, title: r.data.title })) }
  else { assert.equal(r.status, 429); console.log('quota spent:', JSON.stringify(r.data)) }
}
r = await call('GET', new URL(withResume[0].resume.url).pathname, { token: tok.access_token }); assert.equal(r.status, 200) // re-view is free
hh.setPaidResumeAccess(emp.key, false)
r = await call('GET', new URL(withResume[0].resume.url).pathname, { token: tok.access_token }); assert.equal(r.status, 403); console.log('unpaid:', JSON.stringify(r.data))
// messages
const withLetter = seeded.find(s => s.coverLetter !== null)!
r = await call('GET', `/negotiations/${withLetter.negotiationId}/messages`, { token: tok.access_token })
assert.equal(r.data.items[0].text, withLetter.coverLetter)
// state change
const item = all[0]
const act = item.actions.find((a: any) => a.id === 'discard')
r = await call(act.method, new URL(act.url).pathname, { token: tok.access_token, form: { message: 'Спасибо за отклик, но...' } })
assert.equal(r.status, 204); assert.equal(hh.stateChanges.length, 1); assert.equal(hh.collectionOf(item.id), 'discard')
r = await call('PUT', new URL(act.url).pathname, { token: tok.access_token, form: { foo: 'x' } }); assert.equal(r.status, 400)
// archive
r = await call('PUT', `/employers/${emp.employerId}/vacancies/archived/${vid}`, { token: tok.access_token }); assert.equal(r.status, 204)
r = await call('GET', `/vacancies/${vid}`, { token: tok.access_token }); assert.equal(r.data.archived, true)
hh.removeVacancy(vid); r = await call('GET', `/vacancies/${vid}`, { token: tok.access_token }); assert.equal(r.status, 404)
// blocked employer
hh.blockEmployer(emp.employerId)
r = await call('GET', `/employers/${emp.employerId}/managers`, { token: tok.access_token }); assert.equal(r.status, 403); console.log('blocked:', JSON.stringify(r.data))
hh.unblockEmployer(emp.employerId)
// revoked
hh.revokeTokens(emp.key)
r = await call('GET', '/me', { token: tok.access_token }); assert.deepEqual(r.data.errors, [{ type: 'oauth', value: 'token_revoked' }])
// bad UA
r = await call('GET', '/me', { token: tok.access_token, ua: 'node' }); assert.equal(r.status, 400); console.log('bad UA:', JSON.stringify(r.data))
// spec violations
assert.equal(hh.violations.length, 0)
r = await call('GET', `/employers/${emp.employerId}/managers?per_page=500&sort=name`, { token: tok.access_token }); assert.equal(r.status, 400); console.log('violation:', JSON.stringify(r.data))
assert.throws(() => hh.assertNoViolations(), /broke hh's OpenAPI spec/)
console.log('violations:', hh.violations)
console.log('responseViolations:', hh.responseViolations.length, hh.responseViolations.slice(0, 40))

// timing of per-request validation
const { checkRequestAgainstSpec } = await import('./test/fakes/headhunter-spec.js')
const samples = [
  { method: 'GET', path: `/negotiations/response`, query: new URLSearchParams(`vacancy_id=${vid}&page=1&per_page=50`), headers: { 'hh-user-agent': UA }, body: undefined },
  { method: 'POST', path: '/vacancies', query: new URLSearchParams(), headers: { 'hh-user-agent': UA, 'content-type': 'application/json' }, body: vac, contentType: 'application/json' },
  { method: 'POST', path: '/token', query: new URLSearchParams(), headers: {}, body: { grant_type: 'refresh_token', refresh_token: 'x' }, contentType: 'application/x-www-form-urlencoded' }
]
for (const s of samples) {
  const t = performance.now(); for (let i = 0; i < 1000; i++) checkRequestAgainstSpec(s)
  console.log(`validate ${s.method} ${s.path}: ${((performance.now() - t) / 1000 * 1000).toFixed(1)}µs/request`)
}
console.log(`${log.length} calls ok`)
await hh.close()
