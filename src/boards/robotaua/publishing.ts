// Publishing on Robota.ua: create the vacancy, publish it, edit, close it, and read its state.
// docs/boards.md: `POST /vacancy/add` (creates when id is 0; its body is not public),
// `POST /vacancy/state/{id}?state=Publicated|NotPublicated|Closed|Deleted`, `GET /vacancy/get/{id}`.
// The body, the moderation fields and the ticket rule follow test/fakes/robotaua.ts (ASSUMPTION).
//
// Publishing takes two calls, and the second can fail after the first created the vacancy (no
// ticket left, the board down). The contract gives publish no id of an earlier attempt, so
// before creating, publish looks on the first page of the account's vacancies (newest first) for
// a never-published one with exactly what it is about to send, and publishes that one instead:
// a retry after a failed state change, or after a create whose answer was lost, makes no second
// vacancy. Anything that differs (another title, type, salary) creates a new one, as before.
import { nothingFromJob, postingAsGiven } from '../pending.js'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardAccount, PostingInput, PostingRef, PostingState, PostingStatus, PublicationQuota, PublishingApi } from '../types.js'
import { parsePayload, type RobotauaClient, type RobotauaCredentials } from './client.js'
import { RobotauaPublicationTypeId, robotauaPublicationTypes, type RobotauaFields } from './fields.js'
import { boardLink } from '../links.js'

const board = 'robotaua'
type Session = AccountSession<RobotauaCredentials>

/** the public site the vacancy pages live on */
export const ROBOTA_SITE = 'https://robota.ua'

/** what `POST /vacancy/add` takes (ASSUMPTION, the fake): all but salary required, on update too */
interface VacancyBody {
  id: number
  name: string
  description: string
  cityId: number
  publicationType: RobotauaPublicationTypeId
  salary: number | null
}

const VacancyState = Type.Enum(['NotPublicated', 'Publicated', 'Closed', 'Deleted'])
const ModerationStatus = Type.Enum(['None', 'Pending', 'Approved', 'Rejected'])

// `POST /vacancy/add` → 200 `{id}`
const CreatedVacancy = Type.Object({ id: Type.Integer({ minimum: 1 }) })

// `GET /vacancy/get/{id}`: only what getPosting and update read
const Vacancy = Type.Object({
  state: VacancyState,
  moderationStatus: Type.Optional(Type.Union([ModerationStatus, Type.Null()])),
  moderationComment: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  publicationType: Type.Optional(Type.String())
})
type Vacancy = Static<typeof Vacancy>

// `POST /vacancy/list` → `{vacancies}`; an entry without these is simply not a twin
const VacancyList = Type.Object({ vacancies: Type.Array(Type.Unknown()) })
const ListedVacancy = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  name: Type.String(),
  description: Type.String(),
  cityId: Type.Number(),
  publicationType: Type.String(),
  salary: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  state: Type.String(),
  moderationStatus: Type.Optional(Type.Union([Type.String(), Type.Null()]))
})

const VACANCY_ID = /^[1-9]\d{0,11}$/

/** the numeric vacancy id of an externalId; anything else cannot be a Robota.ua vacancy */
export function vacancyIdOf (externalId: string): number {
  if (VACANCY_ID.test(externalId)) return Number(externalId)
  throw new BoardError({ board, kind: 'not_found', detail: `"${externalId.slice(0, 40)}" is not a Robota.ua vacancy id` })
}

function publicationTypeOf (value: string): RobotauaPublicationTypeId {
  if (Value.Check(RobotauaPublicationTypeId, value)) return value
  throw new BoardError({
    board,
    kind: 'rejected',
    field: 'publicationType',
    detail: `Robota.ua publishes only as ${robotauaPublicationTypes.map(t => t.id).join(', ')}`
  })
}

function vacancyBody (id: number, posting: PostingInput, publicationType: RobotauaPublicationTypeId): VacancyBody {
  // validated against fields.ts by the service; a missing cityId is refused by the board and named
  const fields = posting.fields as RobotauaFields
  return {
    id,
    name: posting.title,
    description: posting.description,
    cityId: fields.cityId,
    publicationType,
    salary: fields.salary ?? null
  }
}

/**
 * The vacancy page. Robota.ua's own links carry the company (`/company{employerId}/vacancy{id}`);
 * an account whose id is not the numeric employer id gets the company-less form.
 */
export function postingUrl (account: BoardAccount, id: number | string): string {
  return VACANCY_ID.test(account.externalId)
    ? `${ROBOTA_SITE}/company${account.externalId}/vacancy${id}`
    : `${ROBOTA_SITE}/ua/vacancy${id}`
}

/**
 * Robota.ua's state and moderation flag → ours. Closed wins over any moderation; a rejection shows
 * whether or not the board also took the vacancy down; a vacancy taken down after it was published
 * (NotPublicated, moderation other than None) is off the board: archived.
 */
export function postingStateOf (vacancy: Pick<Vacancy, 'state' | 'moderationStatus'>): PostingState {
  const moderation = vacancy.moderationStatus ?? 'None'
  if (vacancy.state === 'Closed') return 'archived'
  if (moderation === 'Rejected') return 'rejected'
  if (vacancy.state === 'Publicated') return moderation === 'Pending' ? 'pending_review' : 'live'
  return moderation === 'None' ? 'none' : 'archived'
}

const SITE_HOSTS = new Set(['robota.ua', 'www.robota.ua'])
// path segments a vacancy link may have before `vacancy{id}`: a language, the company
const LINK_PREFIX = /^(ua|ru|en|company\d+)$/i

/** `https://robota.ua/company123/vacancy456789`, `robota.ua/ua/vacancy456789/?utm=…`, `456789` → the id */
export function postingIdFrom (urlOrId: string): string | null {
  const text = urlOrId.trim()
  if (VACANCY_ID.test(text)) return text
  const url = boardLink(text, SITE_HOSTS)
  if (url === null) return null
  const segments = url.pathname.split('/').filter(s => s !== '')
  const id = /^vacancy(\d+)$/i.exec(segments.pop() ?? '')?.[1]
  if (id === undefined || !VACANCY_ID.test(id) || !segments.every(s => LINK_PREFIX.test(s))) return null
  return id
}

export function createRobotauaPublishing (client: RobotauaClient): Omit<PublishingApi<RobotauaCredentials>, 'publicationFields' | 'publicationTypes'> {
  async function readVacancy (session: Session, id: number): Promise<Vacancy> {
    const { response } = await client.call(session, { method: 'GET', path: `/vacancy/get/${id}` })
    const vacancy = parsePayload(Vacancy, response.body, `vacancy (GET /vacancy/get/${id})`)
    // the fake answers 404 for Deleted; a board that shows it is just as gone
    if (vacancy.state === 'Deleted') throw new BoardError({ board, kind: 'not_found', detail: `Robota.ua: vacancy ${id} was deleted`, boardStatus: response.status })
    return vacancy
  }

  // setting a state is idempotent (the fake spends a ticket only on a change *to* Publicated), so a
  // state change lost to a 5xx or a timeout is resent by http.ts instead of failing the publish
  async function setState (session: Session, id: number, state: 'Publicated' | 'Closed'): Promise<void> {
    await client.call(session, { method: 'POST', path: `/vacancy/state/${id}`, query: { state }, idempotent: true })
  }

  /** the newest never-published vacancy of the account with exactly `body`'s content, or null */
  async function findUnpublishedTwin (session: Session, body: VacancyBody): Promise<number | null> {
    const { response } = await client.call(session, { method: 'POST', path: '/vacancy/list', json: { page: 0 }, idempotent: true })
    const { vacancies } = parsePayload(VacancyList, response.body, 'vacancy list (POST /vacancy/list)')
    for (const entry of vacancies) {
      if (!Value.Check(ListedVacancy, entry)) continue
      if (entry.state === 'NotPublicated' && (entry.moderationStatus ?? 'None') === 'None' &&
        entry.name === body.name && entry.description === body.description && entry.cityId === body.cityId &&
        entry.publicationType === body.publicationType && (entry.salary ?? null) === body.salary) return entry.id
    }
    return null
  }

  return {
    fieldsFromJob: nothingFromJob,
    previewPayload: postingAsGiven,

    // docs/boards.md names no endpoint for the tickets left: publish answers 'quota' when none is
    async availablePublications (): Promise<PublicationQuota[]> {
      return []
    },

    async publish (session, account, posting): Promise<PostingRef> {
      if (posting.publicationType === null) {
        throw new BoardError({ board, kind: 'rejected', field: 'publicationType', detail: 'Robota.ua needs a publication type (every one of them is paid)' })
      }
      const body = vacancyBody(0, posting, publicationTypeOf(posting.publicationType))
      let id = await findUnpublishedTwin(session, body)
      if (id !== null) {
        session.log.info({ board, vacancyId: id }, 'Robota.ua: publishing the unpublished vacancy an earlier attempt left')
      } else {
        // not idempotent: a 5xx may have created it (the twin search finds it on the next attempt)
        const { response } = await client.call(session, { method: 'POST', path: '/vacancy/add', json: body })
        id = parsePayload(CreatedVacancy, response.body, 'answer to POST /vacancy/add').id
      }
      try {
        await setState(session, id, 'Publicated')
      } catch (error) {
        if (!(error instanceof BoardError)) throw error
        session.log.warn({ board, vacancyId: id, kind: error.kind, boardStatus: error.boardStatus }, 'Robota.ua vacancy created but not published; publishing it again reuses it')
        throw new BoardError({
          board,
          kind: error.kind,
          boardStatus: error.boardStatus,
          field: error.field,
          retryAfterMs: error.retryAfterMs,
          detail: `${error.message}. Vacancy ${id} was created on Robota.ua but stays unpublished; publishing again with the same title, description, fields and type publishes it instead of creating another`
        })
      }
      session.log.info({ board, vacancyId: id }, 'Robota.ua vacancy published')
      // the fake holds every publication for moderation (Publicated → moderation Pending)
      return { externalId: String(id), url: postingUrl(account, id), state: 'pending_review' }
    },

    async update (session, _account, externalId, posting): Promise<void> {
      const id = vacancyIdOf(externalId)
      // the board replaces every field, type included: without one, keep the vacancy's own
      let publicationType: RobotauaPublicationTypeId
      if (posting.publicationType !== null) {
        publicationType = publicationTypeOf(posting.publicationType)
      } else {
        const current = (await readVacancy(session, id)).publicationType
        publicationType = publicationTypeOf(current ?? '')
      }
      // editing an existing vacancy creates nothing: safe to resend after a 5xx
      await client.call(session, { method: 'POST', path: '/vacancy/add', json: vacancyBody(id, posting, publicationType), idempotent: true })
    },

    async archive (session, _account, externalId): Promise<void> {
      await setState(session, vacancyIdOf(externalId), 'Closed')
    },

    async getPosting (session, account, externalId): Promise<PostingStatus> {
      const id = vacancyIdOf(externalId)
      const vacancy = await readVacancy(session, id)
      const state = postingStateOf(vacancy)
      const comment = vacancy.moderationComment?.trim() ?? ''
      return {
        state,
        url: state === 'none' ? null : postingUrl(account, id),
        reason: state === 'rejected' && comment !== '' ? comment : null
      }
    },

    postingIdFrom
  }
}
