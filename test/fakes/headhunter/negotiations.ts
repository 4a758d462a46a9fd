// Responses on hh (negotiations): the collections of a vacancy, each paged, items carrying their
// resume and the actions that move them (docs/boards.md, HeadHunter: Responses and Outcomes), a
// response's messages (the first one is the cover letter), and the responses a test seeds.
import type { FakeRequest } from '../fake-server.js'
import { ACTION_ARGUMENTS, ACTIONS_IN, APPLICANT_STATES, COLLECTIONS, collectionById } from './dictionaries.js'
import { employerAuth, type Auth } from './oauth.js'
import { newPerson, resumeCommon } from './resumes.js'
import { pageParams, paged, query, type On } from './routing.js'
import { formatPhone, hhTime, Reply, type Employer, type FakeVacancy, type HeadHunterState, type Message, type Negotiation } from './state.js'
import { ownVacancy, vacancyOrThrow } from './vacancies.js'

export interface ResponseSeed {
  firstName?: string
  lastName?: string
  middleName?: string | null
  email?: string | null
  phone?: { country: string, city: string, number: string } | null
  birthDate?: string | null
  title?: string
  skills?: string[]
  coverLetter?: string | null
  /** the candidate hid or deleted the resume: the item's `resume` is null */
  hiddenResume?: boolean
  /** the same person (resume) applying again, e.g. to a second vacancy */
  resumeId?: string
  collection?: string
  hasUpdates?: boolean
  createdAt?: Date
  updatedAt?: Date
  /** fields hh does not document, sent as part of the item (as a board adds a field before its docs catch up) */
  extra?: Record<string, unknown>
}

export interface SeededResponse {
  negotiationId: string
  resumeId: string
  vacancyId: string
  collection: string
  firstName: string
  lastName: string
  middleName: string | null
  email: string | null
  phone: { country: string, city: string, number: string, formatted: string } | null
  coverLetter: string | null
  hiddenResume: boolean
}

/**
 * The orders a collection offers (spec examples: `order_types` of get-negotiations). The default,
 * `last_change_time_except_employer_inbox`, is "by creation and the applicant's activity": the
 * employer's own moves do not lift a response.
 */
const ORDER_TYPES: Array<{ id: string, name: string, key: (n: Negotiation) => number }> = [
  { id: 'last_change_time_except_employer_inbox', name: 'По дате создания и активности соискателя', key: n => n.activityAt },
  { id: 'created_at', name: 'По дате отклика', key: n => n.createdAt }
]

/** what the response offers now: its state's actions, narrowed where a test said so (as hh narrows them per vacancy) */
const actionsOf = (n: Negotiation): string[] => ACTIONS_IN(n.collection).filter(id => n.offerOnly === undefined || n.offerOnly.includes(id))

function negotiationItem (state: HeadHunterState, n: Negotiation): Record<string, unknown> {
  const person = state.people.get(n.resumeId)!
  const here = collectionById(n.collection)!
  return {
    id: n.id,
    state: { id: n.applicantState, name: APPLICANT_STATES[n.applicantState] },
    employer_state: { id: here.id, name: here.name },
    created_at: hhTime(n.createdAt),
    updated_at: hhTime(n.updatedAt),
    has_updates: n.hasUpdates,
    viewed_by_opponent: n.viewedByEmployer || n.collection !== 'response',
    messaging_status: 'ok',
    source: 'NEGOTIATION',
    counters: { messages: n.messages.length, unread_messages: n.hasUpdates ? 1 : 0 },
    url: `${state.apiUrl}/negotiations/${n.id}`,
    messages_url: `${state.apiUrl}/negotiations/${n.id}/messages`,
    resume: person.hidden ? null : resumeCommon(state, person, n),
    actions: actionsOf(n).map(id => collectionById(id)!).map(c => ({
      id: c.id,
      name: c.name,
      url: `${state.apiUrl}/negotiations/${c.id}/${n.id}`,
      method: 'PUT',
      enabled: true,
      hidden: false,
      arguments: [{ id: 'message', required: false, required_arguments: [] }],
      resulting_employer_state: { id: c.id, name: c.name },
      sub_actions: [],
      templates: []
    })),
    templates: [],
    professional_roles: null,
    funnel_stage: null,
    test_result: null,
    ...n.extra
  }
}

function messageItem (m: Message): Record<string, unknown> {
  return {
    id: m.id,
    author: { participant_type: m.author },
    created_at: hhTime(m.createdAt),
    editable: false,
    read: true,
    state: { id: m.state, name: m.state === 'text' ? 'Текст' : m.state === 'invitation' ? 'Приглашение' : 'Отказ' },
    text: m.text,
    viewed_by_me: true,
    viewed_by_opponent: true,
    address: null,
    assessments: []
  }
}

const vacancyForNegotiations = (state: HeadHunterState, req: FakeRequest, e: { employer: Employer }): FakeVacancy | Reply => {
  const vid = query(req, 'vacancy_id')
  if (vid === undefined) return state.badArgument('vacancy_id')
  return ownVacancy(state, e.employer, vid) ?? state.notFound()
}

export function negotiationRoutes (state: HeadHunterState, on: On): void {
  on('GET', '/negotiations', (req, _p, auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const v = vacancyForNegotiations(state, req, e)
    if (v instanceof Reply) return v
    const inVacancy = [...state.negotiations.values()].filter(n => n.vacancyId === v.id)
    const orderTypes = (c: string): Array<Record<string, string>> => ORDER_TYPES.map(o => ({
      id: o.id, name: o.name, url: `${state.apiUrl}/negotiations/${c}?vacancy_id=${v.id}&order_by=${o.id}`
    }))
    return new Reply(200, {
      collections: COLLECTIONS.map(c => ({
        id: c.id,
        name: c.name,
        description: c.name,
        url: `${state.apiUrl}/negotiations/${c.id}?vacancy_id=${v.id}`,
        counters: {
          total: inVacancy.filter(n => n.collection === c.id).length,
          with_updates: inVacancy.filter(n => n.collection === c.id && n.hasUpdates).length
        },
        order_types: orderTypes(c.id),
        sub_collections: []
      })),
      generated_collections: [],
      employer_states: COLLECTIONS.map(c => ({ id: c.id, name: c.name }))
    })
  })

  on('GET', '/negotiations/{collection}', (req, [collection], auth) => {
    // `/negotiations/{id}` (a number) is one response; a name is a collection (spec, get-negotiation-item)
    if (/^\d+$/.test(collection!)) return oneNegotiation(collection!, auth)
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    // hh's paid API access (spec: 403 ErrorsCommonBadAuthorizationPaymentMethodErrors on this list)
    if (!e.account.paidApiAccess) return state.apiError(403, [{ type: 'api_access_payment', value: 'action_must_be_payed' }])
    const v = vacancyForNegotiations(state, req, e)
    if (v instanceof Reply) return v
    if (collectionById(collection!) === undefined) return state.notFound()
    // hh: "Максимальное значение — 50"
    const p = pageParams(state, req, 20, 50)
    if (p instanceof Reply) return p
    const order = ORDER_TYPES.find(o => o.id === (query(req, 'order_by') ?? ORDER_TYPES[0]!.id))
    if (order === undefined) return state.badArgument('order_by')
    const list = [...state.negotiations.values()]
      .filter(n => n.vacancyId === v.id && n.collection === collection)
      .sort((a, b) => order.key(b) - order.key(a) || Number(b.id) - Number(a.id))
    return new Reply(200, {
      ...paged(list.map(n => negotiationItem(state, n)), p.page, p.perPage),
      ordered_by: { id: order.id, name: order.name }
    })
  })

  function oneNegotiation (nid: string, auth: Auth): Reply {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const n = state.negotiations.get(nid)
    if (n === undefined || ownVacancy(state, e.employer, n.vacancyId) === undefined) return state.notFound()
    return new Reply(200, negotiationItem(state, n))
  }

  on('PUT', '/negotiations/{collection}/{nid}', (req, [collection, nid], auth) => {
    // the spec (change-negotiation-action) declares no requestBody; its prose: arguments go as form fields
    if (req.rawBody !== '' && !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const v = `${req.method} ${req.path}: action arguments must be application/x-www-form-urlencoded, got "${String(req.headers['content-type'] ?? 'none')}"`
      state.violations.push(v)
      return state.apiError(400, [{ type: 'spec_violation', value: v }])
    }
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const n = state.negotiations.get(nid!)
    if (n === undefined || ownVacancy(state, e.employer, n.vacancyId) === undefined) return state.notFound()
    const target = collectionById(collection!)
    if (target === undefined) return state.notFound()
    const fields = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string | string[]>
    for (const name of Object.keys(fields)) if (!ACTION_ARGUMENTS.has(name)) return state.badArgument(name)
    // only an action the response offers now (its `actions`) moves it
    if (!actionsOf(n).includes(target.id)) return state.apiError(403, [{ type: 'negotiations', value: 'wrong_state' }])
    if (state.vacancies.get(n.vacancyId)!.archived) return state.apiError(403, [{ type: 'negotiations', value: 'invalid_vacancy' }])
    const flat = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))
    const message = flat.message ?? null
    state.stateChanges.push({ negotiationId: n.id, vacancyId: n.vacancyId, from: n.collection, to: target.id, message, fields: flat, at: hhTime(state.now()) })
    n.collection = target.id
    n.applicantState = target.applicantState
    n.updatedAt = state.now()
    if (message !== null && message !== '') {
      n.messages.push({ id: String(++state.seq.message + 700_000_000), author: 'employer', text: message, createdAt: state.now(), state: target.applicantState === 'discard' ? 'discard' : target.applicantState === 'invitation' ? 'invitation' : 'text' })
    }
    return new Reply(204)
  })

  on('GET', '/negotiations/{nid}/messages', (req, [nid], auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const n = state.negotiations.get(nid!)
    if (n === undefined || ownVacancy(state, e.employer, n.vacancyId) === undefined) return state.notFound()
    const p = pageParams(state, req, 20, 50)
    if (p instanceof Reply) return p
    // oldest first: the first message of a response is its cover letter
    return new Reply(200, paged(n.messages.map(messageItem), p.page, p.perPage))
  })
}

// ---------- what a test does on the board ----------

export function addResponses (state: HeadHunterState, vacancyId: string, seeds: number | ResponseSeed[], collection = 'response'): SeededResponse[] {
  const { seq } = state
  const v = vacancyOrThrow(state, vacancyId)
  if (collectionById(collection) === undefined) throw new Error(`HeadHunter fake: no collection ${collection}`)
  const list: ResponseSeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds
  const created: SeededResponse[] = []
  let batchFirstEmail: string | null = null
  list.forEach((seed, k) => {
    let person = seed.resumeId !== undefined ? state.people.get(seed.resumeId) : undefined
    if (seed.resumeId !== undefined && person === undefined) throw new Error(`HeadHunter fake: no resume ${seed.resumeId}`)
    if (person === undefined) {
      person = newPerson(state, ++seq.person, seed, batchFirstEmail, k)
      state.people.set(person.resumeId, person)
    }
    if (k === 0) batchFirstEmail = person.email
    const id = String(3_000_000_000 + ++seq.negotiation)
    const createdAt = seed.createdAt?.getTime() ?? state.now() - (list.length - 1 - k) * 1000
    const i = seq.negotiation
    const coverLetter = seed.coverLetter !== undefined
      ? seed.coverLetter
      : i % 3 === 2 ? null : `Здравствуйте! Меня заинтересовала вакансия «${String(v.fields.name)}». ${person.skills.length} года работаю с ${person.skills.slice(0, 2).join(' и ')}. Буду рад(а) обсудить детали.`
    const col = seed.collection ?? collection
    const n: Negotiation = {
      id,
      vacancyId,
      resumeId: person.resumeId,
      collection: col,
      applicantState: collectionById(col)!.applicantState,
      createdAt,
      updatedAt: seed.updatedAt?.getTime() ?? createdAt,
      activityAt: seed.updatedAt?.getTime() ?? createdAt,
      viewedByEmployer: false,
      hasUpdates: seed.hasUpdates ?? true,
      messages: coverLetter === null ? [] : [{ id: String(700_000_000 + ++seq.message), author: 'applicant', text: coverLetter, createdAt, state: 'text' }],
      extra: seed.extra ?? {}
    }
    state.negotiations.set(id, n)
    created.push({
      negotiationId: id,
      resumeId: person.resumeId,
      vacancyId,
      collection: col,
      firstName: person.firstName,
      lastName: person.lastName,
      middleName: person.middleName,
      email: person.email,
      phone: person.phone === null ? null : { ...person.phone, formatted: formatPhone(person.phone) },
      coverLetter,
      hiddenResume: person.hidden
    })
  })
  return created
}

/** the response offers only these of its state's actions (null: all of them) */
export function offerOnly (state: HeadHunterState, negotiationId: string, actionIds: string[] | null): void {
  const n = state.negotiations.get(negotiationId)
  if (n === undefined) throw new Error(`HeadHunter fake: no negotiation ${negotiationId}`)
  n.offerOnly = actionIds ?? undefined
}

/** a new message from the candidate: updated_at now, has_updates true */
export function touchResponse (state: HeadHunterState, negotiationId: string, message?: string): void {
  const n = state.negotiations.get(negotiationId)
  if (n === undefined) throw new Error(`HeadHunter fake: no negotiation ${negotiationId}`)
  n.updatedAt = state.now()
  n.activityAt = state.now()
  n.hasUpdates = true
  if (message !== undefined) n.messages.push({ id: String(700_000_000 + ++state.seq.message), author: 'applicant', text: message, createdAt: state.now(), state: 'text' })
}
