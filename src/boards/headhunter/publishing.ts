// Publishing on HeadHunter: publication quota, POST /vacancies, edits, archive, and the posting's
// moderation state. Board facts from docs/boards.md and hh's OpenAPI spec
// (vendor/headhunter/openapi.yaml: publish-vacancy, edit-vacancy, get-vacancy,
// add-vacancy-to-archive, get-available-vacancy-types).
import { headHunterFieldsFromJob } from './mapping.js'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError, type BoardErrorKind } from '../errors.js'
import type { BoardResponse } from '../http.js'
import type { AccountSession, BoardAccount, PostingInput, PostingRef, PostingState, PostingStatus, PublicationQuota, PublishingApi } from '../types.js'
import { boardErrorOf, parsePayload, type HeadHunterClient } from './client.js'
import { headHunterFields, headHunterPublicationTypes, type HeadHunterFields } from './fields.js'
import type { HeadHunterCredentials } from './oauth.js'
import type { HeadHunterMe } from './adapter.js'
import { boardLink } from '../links.js'

type Session = AccountSession<HeadHunterCredentials>
type Json = Record<string, unknown>

const board = 'headhunter'
const BILLING_TYPES = headHunterPublicationTypes.map(type => type.id)

/** where hh shows a vacancy when it did not tell us (alternate_url) */
const publicUrlOf = (id: string): string => `https://hh.ru/vacancy/${id}`

// hh's wire names (first segment of a bad_json_data pointer) → ours. `billing_type` is whichever of
// publicationType / fields.billingType the billing type came from.
const OUR_FIELD_BY_HH: Record<string, string> = {
  name: 'title',
  description: 'description',
  area: 'areaId',
  type: 'vacancyType',
  professional_roles: 'professionalRoleId',
  experience: 'experienceId',
  employment_form: 'employmentFormId',
  work_format: 'workFormatIds',
  work_schedule_by_days: 'workScheduleByDaysIds',
  working_hours: 'workingHoursIds',
  custom_employer_name: 'customEmployerName',
  response_url: 'responseUrl',
  salary_range: 'salary',
  salary: 'salary',
  key_skills: 'keySkills',
  address: 'addressId',
  manager: 'managerId',
  code: 'code',
  response_letter_required: 'responseLetterRequired',
  accept_handicapped: 'acceptHandicapped',
  accept_kids: 'acceptKids',
  accept_temporary: 'acceptTemporary',
  accept_incomplete_resumes: 'acceptIncompleteResumes'
}

// hh's `reason`s of bad_json_data (ErrorsVacancyAddEditBadJsonDataError), in our words where they need them
const REASON_WORDS: Record<string, string> = {
  required: 'is required',
  is_empty: 'is empty',
  is_too_short: 'is too short (hh wants at least 200 characters of text)',
  is_too_long: 'is too long',
  wrong_size: 'has the wrong number of items (hh takes exactly one professional role)',
  chosen_area_is_not_a_leaf_or_not_exist: 'must be an existing city or town (a leaf of GET /areas), not a country or region',
  email_in_description: 'must not contain an email address',
  currency_code_is_invalid: 'has a currency hh does not know',
  can_not_edit_vacancy_after_moderation: 'cannot change once hh moderated the vacancy'
}

const HhId = Type.String({ minLength: 1 })
const IdRef = Type.Object({ id: HhId })

// GET .../vacancies/available_types: only what we read
const AvailableTypes = Type.Object({
  items: Type.Array(Type.Object({
    available_publications_count: Type.Number({ minimum: 0 }),
    vacancy_billing_type: IdRef
  }))
})

// GET /vacancies/{id}: only what we read. hh's spec requires approved/archived on every vacancy.
const VacancyView = Type.Object({
  id: HhId,
  approved: Type.Boolean(),
  archived: Type.Boolean(),
  alternate_url: Type.Optional(Type.String()),
  area: Type.Optional(IdRef),
  type: Type.Optional(IdRef),
  billing_type: Type.Optional(Type.Union([IdRef, Type.Null()])),
  manager: Type.Optional(Type.Union([Type.Object({ id: Type.Optional(HhId) }), Type.Null()])),
  employer: Type.Optional(Type.Union([Type.Object({ id: Type.Optional(HhId) }), Type.Null()]))
})
type VacancyView = Static<typeof VacancyView>

// the parts of hh's error items we read; hh adds `pointer`/`reason` to bad_json_data, `items` to duplicate
const ErrorItem = Type.Object({
  type: Type.String(),
  value: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  pointer: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  items: Type.Optional(Type.Union([Type.Array(Type.Object({ id: Type.Union([Type.Number(), Type.String()]) })), Type.Null()]))
})
type ErrorItem = Static<typeof ErrorItem>

function fail (kind: BoardErrorKind, detail: string, extra: { field?: string, boardStatus?: number } = {}): BoardError {
  return new BoardError({ board, kind, detail, ...extra })
}

const errorItemsOf = (res: BoardResponse): ErrorItem[] => {
  const errors = (res.body as { errors?: unknown } | undefined)?.errors
  return Array.isArray(errors) ? errors.filter((e): e is ErrorItem => Value.Check(ErrorItem, e)) : []
}

/** what hh's refusal of a vacancy (create or edit) means, with hh's field named as ours */
function vacancyRefusal (res: BoardResponse, billingField: string): BoardError {
  const errors = errorItemsOf(res)
  const boardStatus = res.status
  if (res.status === 400) {
    // bad_json_data: `pointer` is a JSON pointer into what we sent (`/area/id`); `value` names hh's field
    const refused = errors.filter(e => e.type === 'bad_json_data' || e.type === 'vacancies').map(e => {
      const hhField = e.pointer?.split('/')[1] ?? e.value ?? ''
      const ours = hhField === 'billing_type' ? billingField : OUR_FIELD_BY_HH[hhField]
      const reason = e.reason === undefined ? 'is invalid' : REASON_WORDS[e.reason] ?? e.reason.replace(/_/g, ' ')
      return { ours, said: `${ours ?? (hhField || 'the vacancy')} ${reason} (hh: ${e.pointer ?? hhField}${e.reason === undefined ? '' : ` ${e.reason}`})` }
    })
    if (refused.length > 0) {
      const field = refused.find(r => r.ours !== undefined)?.ours
      return fail('rejected', `HeadHunter refused the vacancy: ${refused.map(r => r.said).join('; ').slice(0, 500)}`, { field, boardStatus })
    }
  }
  if (res.status === 403) {
    const vacancies = errors.find(e => e.type === 'vacancies')
    if (vacancies?.value === 'duplicate') {
      const ids = (vacancies.items ?? []).map(item => String(item.id))
      const which = ids.length === 0 ? '' : `: ${ids.slice(0, 5).join(', ')}`
      return fail('duplicate', `HeadHunter already has an active vacancy with this title in this area${which}`, { boardStatus })
    }
    if (vacancies?.value === 'unavailable_for_archived') {
      return fail('rejected', 'HeadHunter does not let an archived vacancy be edited', { boardStatus })
    }
    if (vacancies?.value === 'replacement') {
      return fail('rejected', 'HeadHunter warns that this edit makes it another vacancy (hh `replacement`: the title changed so much that moderation may block the vacancy); publish a new vacancy instead, or edit again with fields.ignoreReplacementWarning: true to go ahead', { field: 'ignoreReplacementWarning', boardStatus })
    }
    if (vacancies?.value === 'conflict_changes') {
      return fail('rejected', 'HeadHunter refuses conflicting changes in one edit (hh `conflict_changes`): the billing type and the manager change each in a request of its own, after the other fields', { boardStatus })
    }
    if (vacancies?.value === 'creation_forbidden') {
      return fail('rejected', 'HeadHunter does not let this manager publish vacancies; an admin manager of the employer can allow it', { boardStatus })
    }
  }
  // quota (not_enough_purchased_services, quota_exceeded), credentials, blocks: as every hh call
  return boardErrorOf(res)
}

const notFound = (id: string, boardStatus?: number): BoardError =>
  fail('not_found', `HeadHunter has no vacancy ${id} for this account (removed, or another employer's)`, { boardStatus })

/** the billing type to publish with: the publication type wins over fields.billingType (fields.ts) */
function billingTypeOf (posting: PostingInput, fields: HeadHunterFields): { id: string, field: string } {
  if (posting.publicationType !== null) {
    if (!BILLING_TYPES.includes(posting.publicationType)) {
      throw fail('rejected', `HeadHunter has no publication type "${posting.publicationType.slice(0, 50)}"; use one of ${BILLING_TYPES.join(', ')}`, { field: 'publicationType' })
    }
    return { id: posting.publicationType, field: 'publicationType' }
  }
  if (fields.billingType !== undefined) return { id: fields.billingType, field: 'billingType' }
  // hh requires billing_type, and all but `free` spend a bought publication: never pick one for the host
  throw fail('rejected', `HeadHunter needs a billing type: give the publication a publicationType or fields.billingType (${BILLING_TYPES.join(', ')})`, { field: 'billingType' })
}

/** the fields with their schema defaults, checked (the service checked them already; direct callers may not have) */
function fieldsOf (posting: PostingInput): HeadHunterFields {
  const fields = Value.Default(headHunterFields, structuredClone(posting.fields)) as unknown
  if (Value.Check(headHunterFields, fields)) {
    // hh's VacancyCreate: an anonymous vacancy shows another name, a direct one sends candidates elsewhere
    if (fields.vacancyType === 'anonymous' && fields.customEmployerName === undefined) {
      throw fail('rejected', 'HeadHunter needs customEmployerName for an anonymous vacancy: the name shown instead of the employer\'s (e.g. "a large bank")', { field: 'customEmployerName' })
    }
    if (fields.vacancyType === 'direct' && fields.responseUrl === undefined) {
      throw fail('rejected', 'HeadHunter needs responseUrl for a direct vacancy: the address where candidates respond', { field: 'responseUrl' })
    }
    return fields
  }
  const first = Value.Errors(headHunterFields, fields)[0]
  const missing = (first?.params as { requiredProperties?: string[] } | undefined)?.requiredProperties?.[0]
  const field = missing ?? first?.instancePath.split('/')[1]
  throw fail('rejected', `the HeadHunter fields do not fit: ${first === undefined ? 'invalid' : `${field ?? '/'} ${first.message}`}`, { field })
}

const ids = (list: string[] | undefined): Array<{ id: string }> | undefined => list?.map(id => ({ id }))

/**
 * Our optional fields as hh's VacancyCommonFields. On edit, what the host left out is cleared on hh
 * (null, [] or false), so the vacancy matches the publication; hh's experience keeps hh's value
 * instead, since hh fills a default for it.
 */
function optionalFieldsOf (fields: HeadHunterFields, mode: 'create' | 'edit'): Json {
  const body: Json = {}
  const set = (name: string, value: unknown, cleared: unknown): void => {
    if (value !== undefined) body[name] = value
    else if (mode === 'edit' && cleared !== undefined) body[name] = cleared
  }
  const { salary } = fields
  set('experience', fields.experienceId === undefined ? undefined : { id: fields.experienceId }, undefined)
  set('employment_form', fields.employmentFormId === undefined ? undefined : { id: fields.employmentFormId }, null)
  set('work_format', ids(fields.workFormatIds), [])
  set('work_schedule_by_days', ids(fields.workScheduleByDaysIds), [])
  set('working_hours', ids(fields.workingHoursIds), [])
  set('custom_employer_name', fields.customEmployerName, null)
  set('response_url', fields.responseUrl, null)
  // hh deprecated `salary` for `salary_range`; our salary is per month (fields.ts)
  set('salary_range', salary === undefined
    ? undefined
    : { ...(salary.from === undefined ? {} : { from: salary.from }), ...(salary.to === undefined ? {} : { to: salary.to }), currency: salary.currency, gross: salary.gross, mode: { id: 'MONTH' } },
  null)
  set('key_skills', fields.keySkills?.map(name => ({ name })), [])
  set('address', fields.addressId === undefined ? undefined : { id: fields.addressId }, null)
  set('code', fields.code, null)
  set('response_letter_required', fields.responseLetterRequired, false)
  set('accept_handicapped', fields.acceptHandicapped, false)
  set('accept_kids', fields.acceptKids, false)
  set('accept_temporary', fields.acceptTemporary, false)
  set('accept_incomplete_resumes', fields.acceptIncompleteResumes, false)
  return body
}

/** hh's VacancyCreate for a posting */
function createBodyOf (posting: PostingInput, fields: HeadHunterFields, billingType: string): Json {
  return {
    name: posting.title,
    description: posting.description,
    area: { id: fields.areaId },
    type: { id: fields.vacancyType },
    billing_type: { id: billingType },
    professional_roles: fields.professionalRoleId === undefined ? [] : [{ id: fields.professionalRoleId }],
    ...(fields.managerId === undefined ? {} : { manager: { id: fields.managerId } }),
    ...optionalFieldsOf(fields, 'create')
  }
}

/** the vacancy id from `Location: /vacancies/{id}` (docs/boards.md), else from the body's `id` */
function createdIdOf (res: BoardResponse): string | undefined {
  const location = res.headers.location
  const fromLocation = /\/vacancies\/(\d+)\/?(?:[?#].*)?$/.exec(Array.isArray(location) ? location[0] ?? '' : location ?? '')?.[1]
  if (fromLocation !== undefined) return fromLocation
  const id = (res.body as { id?: unknown } | undefined)?.id
  return (typeof id === 'string' || typeof id === 'number') && /^\d+$/.test(String(id)) ? String(id) : undefined
}

/**
 * hh shows only `approved` and `archived`. A vacancy its moderators refuse goes to the archive
 * unapproved (the HeadHunter fake's rejectVacancy); one the employer archives after approval stays
 * approved. So archived + unapproved reads as rejected, even for one archived while still in review.
 */
function postingStatusOf (v: VacancyView): PostingStatus {
  const url = v.alternate_url !== undefined && /^https:\/\//.test(v.alternate_url) ? v.alternate_url : publicUrlOf(v.id)
  let state: PostingState
  let reason: string | null = null
  if (v.archived && !v.approved) {
    state = 'rejected'
    reason = 'HeadHunter moderation did not approve the vacancy and moved it to the archive (hh gives no moderation comment through its API; see the vacancy in the employer account on hh)'
  } else if (v.archived) state = 'archived'
  else state = v.approved ? 'live' : 'pending_review'
  return { state, url, reason }
}

// the hosts hh serves vacancies on (docs/boards.md): hh.ru and its regional subdomains, hh.kz, hh.uz
const VACANCY_HOST = /^(?:[a-z0-9-]+\.)*hh\.(?:ru|kz|uz)$/
const VACANCY_PATH = /^\/vacancy\/(\d{1,20})\/?$/
const API_PATH = /^\/vacancies\/(\d{1,20})\/?$/

export function postingIdFrom (urlOrId: string): string | null {
  const text = urlOrId.trim()
  if (/^\d{1,20}$/.test(text)) return text
  const url = boardLink(text, VACANCY_HOST)
  if (url === null) return null
  const host = url.hostname.toLowerCase()
  // a link to the API (api.hh.ru/vacancies/{id}) names the vacancy too
  const match = (host === 'api.hh.ru' ? API_PATH : VACANCY_PATH).exec(url.pathname)
  return match?.[1] ?? null
}

export type HeadHunterPublishing = Omit<PublishingApi<HeadHunterCredentials>, 'publicationFields' | 'publicationTypes'>

export function createHeadHunterPublishing ({ client, readMe }: { client: HeadHunterClient, readMe: (session: Session) => Promise<HeadHunterMe> }): HeadHunterPublishing {
  const vacancyPath = (id: string): string => `/vacancies/${encodeURIComponent(id)}`

  /** the vacancy as hh shows it to this account; 'not_found' when gone or another employer's */
  async function readVacancy (session: Session, account: BoardAccount, id: string): Promise<VacancyView> {
    const res = await client.send(session, { method: 'GET', path: vacancyPath(id) })
    if (res.status === 404) throw notFound(id, 404)
    if (res.status < 200 || res.status >= 300) throw boardErrorOf(res)
    const vacancy = parsePayload(VacancyView, res.body, 'vacancy (GET /vacancies/{id})')
    // hh shows any employer's public vacancy to anyone: the account's own only count
    const employerId = vacancy.employer?.id
    if (employerId !== undefined && employerId !== account.externalId) throw notFound(id)
    return vacancy
  }

  /** an edit PUT of /vacancies/{id}; hh answers 204. `ignoreReplacement`: the host confirmed hh's `replacement` warning */
  async function putVacancy (session: Session, id: string, json: Json, billingField: string, ignoreReplacement = false): Promise<void> {
    const res = await client.send(session, { method: 'PUT', path: vacancyPath(id), json, query: ignoreReplacement ? { ignore_replacement_warning: 'true' } : undefined })
    if (res.status === 404) throw notFound(id, 404)
    if (res.status < 200 || res.status >= 300) throw vacancyRefusal(res, billingField)
  }

  return {
    fieldsFromJob: headHunterFieldsFromJob,

    /** the VacancyCreate body `publish` sends (without a billing type when none is chosen yet) */
    previewPayload (posting): Json {
      const fields = Value.Default(headHunterFields, structuredClone(posting.fields)) as HeadHunterFields
      const billing = posting.publicationType ?? fields.billingType
      const body = createBodyOf(posting, fields, billing ?? '')
      if (billing === undefined) delete body.billing_type
      return body
    },

    postingIdFrom,

    async availablePublications (session): Promise<PublicationQuota[]> {
      const me = await readMe(session)
      // hh counts publications per manager: an employer_integration token has none, so nothing is counted
      if (me.managerId === null) return BILLING_TYPES.map(id => ({ publicationType: id, available: null }))
      const path = `/employers/${encodeURIComponent(me.employerId)}/managers/${encodeURIComponent(me.managerId)}/vacancies/available_types`
      const { items } = await client.getJson(session, path, AvailableTypes, 'publication types (GET /employers/{id}/managers/{id}/vacancies/available_types)')
      // hh lists only the types the manager may use, possibly one billing type in several offers
      return BILLING_TYPES.map(id => ({
        publicationType: id,
        available: items.filter(item => item.vacancy_billing_type.id === id).reduce((sum, item) => sum + item.available_publications_count, 0)
      }))
    },

    async publish (session, _account, posting): Promise<PostingRef> {
      const fields = fieldsOf(posting)
      const billing = billingTypeOf(posting, fields)
      let res: BoardResponse
      try {
        // not retried after a 5xx or a timeout (http.ts): hh may have created the vacancy
        res = await client.send(session, { method: 'POST', path: '/vacancies', json: createBodyOf(posting, fields, billing.id) })
      } catch (error) {
        // (the failure may also be the token renewal before the POST, hence "if")
        if (error instanceof BoardError && (error.kind === 'unavailable' || error.kind === 'timeout')) {
          throw fail(error.kind, `${error.message}; if the vacancy reached HeadHunter it may exist there: publishing again is then refused as a duplicate, naming it`, { boardStatus: error.boardStatus })
        }
        throw error
      }
      if (res.status < 200 || res.status >= 300) throw vacancyRefusal(res, billing.field)
      const id = createdIdOf(res)
      if (id === undefined) {
        throw fail('bad_response', `HeadHunter answered ${res.status} to the new vacancy without its id (no Location /vacancies/{id}); the vacancy may exist on hh`, { boardStatus: res.status })
      }
      session.log.info({ board, vacancyId: id, billingType: billing.id }, 'HeadHunter vacancy published')
      // hh's spec: every vacancy goes through manual moderation, so it starts unapproved
      return { externalId: id, url: publicUrlOf(id), state: 'pending_review' }
    },

    async update (session, account, externalId, posting): Promise<void> {
      const fields = fieldsOf(posting)
      const billing = billingTypeOf(posting, fields)
      const current = await readVacancy(session, account, externalId)
      if (current.archived) throw fail('rejected', `HeadHunter does not let an archived vacancy be edited (${externalId})`)
      // hh's VacancyEdit has no area or type: they are fixed once published
      if (current.area !== undefined && current.area.id !== fields.areaId) {
        throw fail('rejected', `HeadHunter does not let a published vacancy move to another area (${current.area.id} → ${fields.areaId}); archive it and publish anew`, { field: 'areaId' })
      }
      if (current.type !== undefined && current.type.id !== fields.vacancyType) {
        throw fail('rejected', `HeadHunter does not let a published vacancy change its type (${current.type.id} → ${fields.vacancyType}); archive it and publish anew`, { field: 'vacancyType' })
      }
      await putVacancy(session, externalId, {
        name: posting.title,
        description: posting.description,
        professional_roles: [{ id: fields.professionalRoleId }],
        ...optionalFieldsOf(fields, 'edit')
      }, billing.field, fields.ignoreReplacementWarning === true)
      // hh's spec (edit-vacancy): billing_type and manager go in requests of their own; billing only upgrades
      if (current.billing_type?.id !== undefined && current.billing_type.id !== billing.id) {
        await putVacancy(session, externalId, { billing_type: { id: billing.id } }, billing.field)
      }
      if (fields.managerId !== undefined && current.manager?.id !== fields.managerId) {
        await putVacancy(session, externalId, { manager: { id: fields.managerId } }, billing.field)
      }
    },

    async archive (session, account, externalId): Promise<void> {
      // BoardAccount.externalId is the employer id (checkAccount)
      const path = `/employers/${encodeURIComponent(account.externalId)}/vacancies/archived/${encodeURIComponent(externalId)}`
      const res = await client.send(session, { method: 'PUT', path })
      if (res.status === 404) throw notFound(externalId, 404)
      if (res.status < 200 || res.status >= 300) throw boardErrorOf(res)
    },

    async getPosting (session, account, externalId): Promise<PostingStatus> {
      return postingStatusOf(await readVacancy(session, account, externalId))
    }
  }
}
