// Publishing on Robota.ua: create the vacancy, publish it, edit, close it, re-activate it, and read
// its state. docs/boards.md: `POST /vacancy/add` (creates when id is 0; its body is not public),
// `POST /vacancy/state/{id}?state=Publicated|NotPublicated|Closed|Deleted`, `GET /vacancy/get/{id}`.
// The body, the moderation fields, the term and the ticket rule follow test/fakes/robotaua.ts (ASSUMPTION).
//
// Publishing takes two calls, and the second can fail after the first created the vacancy (no
// ticket left, the board down). The contract gives publish no id of an earlier attempt, so
// before creating, publish looks on the first page of the account's vacancies (newest first) for
// a never-published one with exactly what it is about to send, and publishes that one instead:
// a retry after a failed state change, or after a create whose answer was lost, makes no second
// vacancy. Anything that differs (another title, type, salary) creates a new one, as before.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import { kyivLocalToInstant } from '../kyiv-time.js'
import type { AccountSession, BoardAccount, BoardPostingState, PostingInput, PostingRef, PostingStatus, PublicationQuota, PublishingApi } from '../types.js'
import { parsePayload, type RobotauaClient, type RobotauaCredentials } from './client.js'
import { RobotauaPublicationTypeId, robotauaPublicationTypes, type RobotauaEmploymentType, type RobotauaFields, type RobotauaWorkType } from './fields.js'
import { robotauaFieldsFromJob } from './mapping.js'
import { boardLink } from '../links.js'

const board = 'robotaua'
type Session = AccountSession<RobotauaCredentials>

/** the public site the vacancy pages live on */
export const ROBOTA_SITE = 'https://robota.ua'

/**
 * What `POST /vacancy/add` takes (ASSUMPTION, the fake; `employmentTypes`/`workTypes` third-party):
 * all but salary and the lists required, on update too. It replaces every field, so the lists go
 * out empty rather than absent, and a dropped value is dropped on the board as well.
 */
interface VacancyBody {
  id: number
  name: string
  description: string
  cityId: number
  publicationType: RobotauaPublicationTypeId
  salary: number | null
  rubricIds: number[]
  employmentTypes: RobotauaEmploymentType[]
  workTypes: RobotauaWorkType[]
}

const VacancyState = Type.Enum(['NotPublicated', 'Publicated', 'Closed', 'Deleted'])
const ModerationStatus = Type.Enum(['None', 'Pending', 'Approved', 'Rejected'])

// `POST /vacancy/add` → 200 `{id}`
const CreatedVacancy = Type.Object({ id: Type.Integer({ minimum: 1 }) })

// `GET /vacancy/get/{id}`: only what getPosting and update read; `endDate` (Kyiv local time) is
// until when the publication runs (ASSUMPTION, the fake)
const Vacancy = Type.Object({
  state: VacancyState,
  moderationStatus: Type.Optional(Type.Union([ModerationStatus, Type.Null()])),
  moderationComment: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  publicationType: Type.Optional(Type.String()),
  endDate: Type.Optional(Type.Union([Type.String(), Type.Null()]))
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
  rubricIds: Type.Optional(Type.Union([Type.Array(Type.Number()), Type.Null()])),
  employmentTypes: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
  workTypes: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
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
    salary: fields.salary ?? null,
    rubricIds: fields.rubricIds ?? [],
    employmentTypes: fields.employmentTypes ?? [],
    workTypes: fields.workTypes ?? []
  }
}

/** the same values, whatever their order: a list the board sent back against one we would send */
const sameList = (sent: readonly unknown[], listed: readonly unknown[] | null | undefined): boolean => {
  const theirs = listed ?? []
  return sent.length === theirs.length && sent.every(value => theirs.includes(value))
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

/** the end of the vacancy's term as an instant (ms), or null where the board gives none it can read */
function endOf (vacancy: Pick<Vacancy, 'endDate'>): number | null {
  const text = vacancy.endDate?.trim() ?? ''
  return text === '' ? null : kyivLocalToInstant(text)
}

/**
 * Robota.ua's state and moderation flag → ours. Deleted (by the employer on the site, or the board)
 * is removed; Closed wins over any moderation, and a Closed vacancy whose term is over was closed by
 * the board at its end: expired (docs/boards.md, Robota.ua: Publishing, assumption); a rejection
 * shows whether or not the board also took the vacancy down; a vacancy taken back to a draft after
 * it was published (NotPublicated, moderation other than None) is off the board: archived.
 */
export function postingStateOf (vacancy: Pick<Vacancy, 'state' | 'moderationStatus' | 'endDate'>, now = Date.now()): BoardPostingState {
  const moderation = vacancy.moderationStatus ?? 'None'
  if (vacancy.state === 'Deleted') return 'removed'
  if (vacancy.state === 'Closed') {
    const end = endOf(vacancy)
    return end !== null && end <= now ? 'expired' : 'archived'
  }
  if (moderation === 'Rejected') return 'rejected'
  if (vacancy.state === 'Publicated') return moderation === 'Pending' ? 'pending_review' : 'live'
  return moderation === 'None' ? 'none' : 'archived'
}

/** what the board says of the vacancy, in our terms */
export function postingStatusOf (vacancy: Vacancy, account: BoardAccount, id: number, now = Date.now()): PostingStatus {
  const state = postingStateOf(vacancy, now)
  const comment = vacancy.moderationComment?.trim() ?? ''
  const end = endOf(vacancy)
  return {
    state,
    url: state === 'none' || state === 'removed' ? null : postingUrl(account, id),
    // the moderator's words, where the board gives them for a refusal or a removal
    reason: (state === 'rejected' || state === 'removed') && comment !== '' ? comment : null,
    expiresAt: (state === 'live' || state === 'pending_review' || state === 'expired') && end !== null ? new Date(end).toISOString() : null
  }
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

/** the request `publish` sends first (the create), for the publish preview; a missing or unknown type goes as given, for the board to refuse */
export function previewVacancyBody (posting: PostingInput): Omit<VacancyBody, 'publicationType'> & { publicationType: string | null } {
  return { ...vacancyBody(0, posting, 'Business'), publicationType: posting.publicationType }
}

type RobotauaPublishing = Omit<PublishingApi<RobotauaCredentials>, 'publicationFields' | 'publicationTypes'> & Required<Pick<PublishingApi<RobotauaCredentials>, 'reactivate'>>

export function createRobotauaPublishing (client: RobotauaClient): RobotauaPublishing {
  /** the vacancy as the board shows it, a Deleted one included */
  async function readAnyVacancy (session: Session, id: number): Promise<Vacancy> {
    const { response } = await client.call(session, { method: 'GET', path: `/vacancy/get/${id}` })
    return parsePayload(Vacancy, response.body, `vacancy (GET /vacancy/get/${id})`)
  }

  /** the vacancy, to be changed: a Deleted one is gone for every change, as the board's 404 says */
  async function readVacancy (session: Session, id: number): Promise<Vacancy> {
    const vacancy = await readAnyVacancy(session, id)
    if (vacancy.state === 'Deleted') throw new BoardError({ board, kind: 'not_found', detail: `Robota.ua: vacancy ${id} was deleted` })
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
        entry.publicationType === body.publicationType && (entry.salary ?? null) === body.salary &&
        sameList(body.rubricIds, entry.rubricIds) && sameList(body.employmentTypes, entry.employmentTypes) &&
        sameList(body.workTypes, entry.workTypes)) return entry.id
    }
    return null
  }

  async function update (session: Session, externalId: string, posting: PostingInput): Promise<void> {
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
  }

  return {
    fieldsFromJob: robotauaFieldsFromJob,
    previewPayload: previewVacancyBody,

    // docs/boards.md names no endpoint for the tickets left (capabilities.publicationQuota is false,
    // so the host sees no count): publish answers 'quota' when none is
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
      await update(session, externalId, posting)
    },

    async archive (session, _account, externalId): Promise<void> {
      await setState(session, vacancyIdOf(externalId), 'Closed')
    },

    /** a vacancy deleted on the site is `removed`; one the board does not have (404: never there, or another employer's) is 'not_found' */
    async getPosting (session, account, externalId): Promise<PostingStatus> {
      const id = vacancyIdOf(externalId)
      return postingStatusOf(await readAnyVacancy(session, id), account, id)
    },

    /**
     * docs/boards.md (Robota.ua: Publishing, public): a Closed vacancy goes back up with
     * `POST /vacancy/state/{id}?state=Publicated`. The publication's current content is pushed
     * first (the board replaces every field), so the vacancy comes back as the host has it now; the
     * state change spends a ticket (the fake's rule: 'quota' when none is left, the vacancy then
     * stays closed with its new content, and a retry is harmless). A Deleted vacancy, or one the
     * board does not have, is 'not_found': the service then publishes a new one.
     */
    async reactivate (session, account, externalId, posting): Promise<PostingRef> {
      const id = vacancyIdOf(externalId)
      await update(session, externalId, posting)
      await setState(session, id, 'Publicated')
      const status = postingStatusOf(await readVacancy(session, id), account, id)
      session.log.info({ board, vacancyId: id, state: status.state }, 'Robota.ua vacancy re-activated')
      // live where the board kept it live; otherwise the board reviews it again
      return { externalId: String(id), url: postingUrl(account, id), state: status.state === 'live' ? 'live' : 'pending_review' }
    },

    postingIdFrom
  }
}
