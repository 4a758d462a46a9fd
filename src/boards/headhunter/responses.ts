// Pulling the people who applied to a HeadHunter vacancy. docs/boards.md and hh's spec
// (get-negotiations, get-collection-negotiations-list, get-resume, get-negotiation-messages):
// `GET /negotiations?vacancy_id=` lists the vacancy's collections (one per employer state);
// every collection is walked through its own URL (`collections[].url`, as the order type
// `last_change_time_except_employer_inbox` gives it) plus `page&per_page` (0-based, at most 50 a
// page). hh has no `since`: changes show in `updated_at`. An item carries a short resume (null when
// the candidate hid or deleted it: still transferred, name unknown); birth date, contacts and the
// resume text come only from the full resume at `resume.url`, which names the response
// (`?topic_id=`): hh then shows the applicant the response as viewed, and every resume opened
// spends the manager's daily view quota (429 once it is spent). So the full resume is opened only
// where the integration's `openResumes` allows it (default: yes). The cover letter is the
// applicant's first message, `GET /negotiations/{nid}/messages?with_text_only=true`.
//
// Calls per board page: one collection page, then per changed item one resume view (none when
// `resume` is null or openResumes is off) and one messages page (none when `counters.messages` is
// 0). Per run, and per resumed run: one `GET /negotiations`, for the current collections and their
// counts.
//
// THE CURSOR (JSON, version 1):
//   { v: 1,
//     watermark: ISO | null,       // start (our clock) of the last COMPLETED run; null = never
//     overlapSeconds: n,           // look-back applied to the watermark
//     known: { "<nid>": fp },      // items the last run saw at the top of each collection, and
//                                  //   those it transferred with updated_at at or after its own
//                                  //   start - overlap: fp = hash(updated_at, state, messages)
//     run?: {                      // the run in progress (absent between runs)
//       startedAt: ISO,            //   becomes the next watermark
//       done: [collection ids],    //   collections walked to their end
//       collection: id | null,     //   the one being walked (null: the next not done)
//       page, offset,              //   next page, items of it already handled
//       found,                     //   the collection's size when that page was read
//       known: { "<nid>": fp } } } //   what the next run's `known` will be, so far
//
// WATERMARK RULES. An item is transferred (its resume opened) only when it changed since the last
// completed run: updated_at >= watermark - overlap, and not in `known` with the same fp. The
// overlap covers clock skew between us and hh and changes hh makes visible late; `known` keeps the
// overlap from re-opening resumes of items the last run already transferred unchanged (at most
// `maxKnown` ids, 500: past that, an edge item is transferred again, a harmless duplicate). The next
// watermark is the start of this run, not the newest updated_at seen, so a change made while the
// run walks other collections is still newer than it.
//
// RESUME AND SHIFTS. Pages are numbered; a run killed after a page resumes at `page`/`offset` of
// the same collection with the same old watermark. The list shifts under us: arrivals push items
// down (read twice: duplicates), departures (a recruiter moves someone to another state) pull
// them up past the page boundary. A drop of `found` since the last page steps back as many pages
// as items left, so nobody is skipped; the moved item itself has a new updated_at and shows up in
// its new collection, now or in the next run.
//
// THE EARLY STOP. hh orders a collection by `last_change_time_except_employer_inbox` (creation and
// the applicant's activity, newest first; the page says so in `ordered_by`). The walk stops at the
// first item the last run saw (in `known`) with the same fingerprint: an applicant's new response or
// message would have lifted anything below it above it. So a run costs what is new, not what is
// stored. What it misses: a response the employer moved on hh.ru to another collection lands there
// at its old place, below the stop; it is read again when a full walk happens (a run without a
// cursor, or one whose top items all changed).
import { createHash } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import type { BoardResponse } from '../http.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage, ResponsesApi } from '../types.js'
import { boardErrorOf, parsePayload, Text, type HeadHunterClient } from './client.js'
import type { HeadHunterCredentials } from './oauth.js'

type Session = AccountSession<HeadHunterCredentials>

const board = 'headhunter'

export interface HeadHunterResponsesOptions {
  /** items per collection page; hh's spec: at most 50 */
  perPage?: number
  /** most items remembered at the top of each collection, where the next run stops */
  topKept?: number
  /** look-back applied to the watermark of the last completed run */
  overlapSeconds?: number
  /** most items remembered at the edge of the watermark */
  maxKnown?: number
}

const DEFAULTS = { perPage: 50, topKept: 50, overlapSeconds: 30 * 60, maxKnown: 500 }

// hh writes `YYYY-MM-DDThh:mm:ss±hhmm` (spec, Общая информация: даты в формате ISO 8601)
const HH_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/
const HhTime = Type.String({ pattern: HH_TIME.source })
const BIRTH_DATE = /^\d{4}-\d{2}-\d{2}$/

// GET /negotiations?vacancy_id= (NegotiationsNegotiationsCollections): only what we read
const CollectionList = Type.Object({
  collections: Type.Array(Type.Object({
    id: Type.String({ minLength: 1 }),
    url: Type.Optional(Type.String()),
    counters: Type.Optional(Type.Object({ total: Type.Optional(Type.Integer({ minimum: 0 })) })),
    order_types: Type.Optional(Type.Array(Type.Object({ id: Type.String(), url: Type.Optional(Type.String()) })))
  }))
})

/**
 * hh's order "by creation and the applicant's activity" (the spec's examples: `order_types`,
 * `ordered_by`): newest first, and only the applicant lifts a response, so everything below a
 * response the last run saw unchanged is older than that run.
 */
const BY_ACTIVITY = 'last_change_time_except_employer_inbox'
interface Collection { id: string, total: number | undefined, url: string }

const Photo = Type.Union([Type.Object({ small: Type.Optional(Text), medium: Type.Optional(Text) }), Type.Null()])
const SkillSet = Type.Union([Type.Array(Type.String()), Type.Null()])
const Download = Type.Union([Type.Object({ pdf: Type.Optional(Type.Union([Type.Object({ url: Type.String() }), Type.Null()])) }), Type.Null()])
const ResumeFiles = {
  download: Type.Optional(Download),
  actions: Type.Optional(Type.Union([Type.Object({ download: Type.Optional(Download) }), Type.Null()]))
}

// the short resume in a collection item (NegotiationsObjectsEmployerTopicResume)
const ShortResume = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1 })),
  url: Type.Optional(Type.String()),
  alternate_url: Type.Optional(Text),
  title: Type.Optional(Text),
  first_name: Type.Optional(Text),
  last_name: Type.Optional(Text),
  middle_name: Type.Optional(Text),
  photo: Type.Optional(Photo),
  skill_set: Type.Optional(SkillSet),
  ...ResumeFiles
})
type ShortResume = Static<typeof ShortResume>

const NegotiationItem = Type.Object({
  id: Type.String({ minLength: 1 }),
  created_at: HhTime,
  updated_at: HhTime,
  employer_state: Type.Optional(Type.Object({ id: Type.String() })),
  counters: Type.Optional(Type.Object({ messages: Type.Optional(Type.Integer({ minimum: 0 })) })),
  alternate_url: Type.Optional(Text),
  resume: Type.Optional(Type.Union([ShortResume, Type.Null()]))
})
type NegotiationItem = Static<typeof NegotiationItem>

// GET /negotiations/{collection} (NegotiationsCollectionNegotiationsResponse)
const CollectionPage = Type.Object({
  items: Type.Array(NegotiationItem),
  found: Type.Integer({ minimum: 0 }),
  page: Type.Integer({ minimum: 0 }),
  pages: Type.Integer({ minimum: 0 }),
  ordered_by: Type.Optional(Type.Object({ id: Type.String() }))
})
type CollectionPage = Static<typeof CollectionPage>

// GET /resumes/{id} for an employer (ResumeResumeForEmployer): only what we read
const PhoneValue = Type.Object({
  country: Type.Optional(Text),
  city: Type.Optional(Text),
  number: Type.Optional(Text),
  formatted: Type.Optional(Text)
})
const FullResume = Type.Object({
  id: Type.Optional(Type.String()),
  alternate_url: Type.Optional(Text),
  title: Type.Optional(Text),
  first_name: Type.Optional(Text),
  last_name: Type.Optional(Text),
  middle_name: Type.Optional(Text),
  birth_date: Type.Optional(Text),
  // spec: a phone's value is an object, an email's a string; either may be null
  contact: Type.Optional(Type.Union([Type.Array(Type.Object({
    type: Type.Object({ id: Type.String() }),
    value: Type.Union([Type.String(), PhoneValue, Type.Null()])
  })), Type.Null()])),
  photo: Type.Optional(Photo),
  skill_set: Type.Optional(SkillSet),
  // hh's "about me" text
  skills: Type.Optional(Text),
  experience: Type.Optional(Type.Union([Type.Array(Type.Object({
    position: Type.Optional(Text),
    company: Type.Optional(Text),
    start: Type.Optional(Text),
    end: Type.Optional(Text),
    description: Type.Optional(Text)
  })), Type.Null()])),
  ...ResumeFiles
})
type FullResume = Static<typeof FullResume>

// GET /negotiations/{nid}/messages (NegotiationsMessagesGetResponse), oldest first
const MessagePage = Type.Object({
  items: Type.Array(Type.Object({
    text: Type.Optional(Text),
    author: Type.Optional(Type.Object({ participant_type: Type.Optional(Type.String()) }))
  }))
})

const Fingerprints = Type.Record(Type.String(), Type.String())
const CursorSchema = Type.Object({
  v: Type.Literal(1),
  watermark: Type.Union([Type.String(), Type.Null()]),
  overlapSeconds: Type.Integer({ minimum: 0 }),
  known: Fingerprints,
  run: Type.Optional(Type.Object({
    startedAt: Type.String(),
    done: Type.Array(Type.String()),
    collection: Type.Union([Type.String(), Type.Null()]),
    page: Type.Integer({ minimum: 0 }),
    offset: Type.Integer({ minimum: 0 }),
    found: Type.Integer({ minimum: 0 }),
    known: Fingerprints
  }))
})
type Cursor = Static<typeof CursorSchema>
type Run = NonNullable<Cursor['run']>

/** an hh time as ISO 8601 in UTC; hh always states the offset (`+0300`) */
function isoOf (hhTime: string, what: string): string {
  const m = HH_TIME.exec(hhTime)
  const ms = m === null ? NaN : Date.parse(m[1]! + (m[2] === 'Z' ? 'Z' : m[2]!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')))
  if (Number.isNaN(ms)) throw new BoardError({ board, kind: 'bad_response', detail: `HeadHunter sent an unreadable ${what} "${hhTime.slice(0, 40)}"` })
  return new Date(ms).toISOString()
}

/** what changes when the response changes: its time, its employer state, its message count */
function fingerprintOf (item: NegotiationItem): string {
  return createHash('sha256')
    .update(`${item.updated_at}|${item.employer_state?.id ?? ''}|${item.counters?.messages ?? ''}`)
    .digest('base64url')
    .slice(0, 10)
}

const textOrNull = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null

function phoneOf (value: Static<typeof PhoneValue>): string | null {
  const formatted = textOrNull(value.formatted)
  if (formatted !== null) return formatted
  const digits = [value.country, value.city, value.number].map(part => part ?? '').join('')
  return digits === '' ? null : `+${digits}`
}

function contactsOf (resume: FullResume | null): { emails: string[], phones: string[] } {
  const emails: string[] = []
  const phones: string[] = []
  for (const contact of resume?.contact ?? []) {
    const value = contact.value
    if (typeof value === 'string') {
      if (contact.type.id === 'email' && value.trim() !== '') emails.push(value.trim())
    } else if (value !== null) {
      const phone = phoneOf(value)
      if (phone !== null) phones.push(phone)
    }
  }
  return { emails, phones }
}

/** the resume as plain text: title, "about me", then the jobs */
function resumeTextOf (resume: FullResume | null): string | null {
  if (resume === null) return null
  const parts: string[] = []
  const title = textOrNull(resume.title)
  if (title !== null) parts.push(title)
  const about = textOrNull(resume.skills)
  if (about !== null) parts.push(about)
  for (const job of resume.experience ?? []) {
    const head = [textOrNull(job.position), textOrNull(job.company)].filter(p => p !== null).join(', ')
    const when = job.start === undefined || job.start === null ? '' : ` (${job.start} – ${job.end ?? 'now'})`
    const line = `${head}${when}`.trim()
    const description = textOrNull(job.description)
    if (line !== '' || description !== null) parts.push([line, description].filter(p => p !== null && p !== '').join('\n'))
  }
  return parts.length === 0 ? null : parts.join('\n\n')
}

const pdfOf = (resume: FullResume | ShortResume | null): string | null =>
  textOrNull(resume?.download?.pdf?.url ?? resume?.actions?.download?.pdf?.url)

const validTime = (iso: string | null | undefined): boolean => iso === null || iso === undefined || !Number.isNaN(Date.parse(iso))

export function createHeadHunterResponses ({ client, apiUrl, options = {} }: { client: HeadHunterClient, apiUrl: string, options?: HeadHunterResponsesOptions }): ResponsesApi<HeadHunterCredentials> {
  const perPage = Math.min(50, Math.max(1, options.perPage ?? DEFAULTS.perPage))
  const overlapSeconds = options.overlapSeconds ?? DEFAULTS.overlapSeconds
  const maxKnown = options.maxKnown ?? DEFAULTS.maxKnown
  const topKept = options.topKept ?? DEFAULTS.topKept
  const apiOrigin = new URL(apiUrl).origin

  function readCursor (text: string | null, session: Session): Cursor {
    const fresh: Cursor = { v: 1, watermark: null, overlapSeconds, known: {} }
    if (text === null) return fresh
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (Value.Check(CursorSchema, parsed) && validTime(parsed.watermark) && validTime(parsed.run?.startedAt)) return parsed
    // ours, so this is a bug or an old format: everything again is safe (upserts), only slower
    session.log.warn({ board }, 'HeadHunter: unreadable sync cursor; transferring every response again')
    return fresh
  }

  /** a URL hh handed us, when it is on the API host (the token is never sent elsewhere) */
  const onApiHost = (url: string | undefined): string | undefined =>
    url !== undefined && URL.canParse(url) && new URL(url).origin === apiOrigin ? url : undefined

  async function listCollections (session: Session, vacancyId: string): Promise<Collection[]> {
    const res = await client.send(session, { method: 'GET', path: '/negotiations', query: { vacancy_id: vacancyId } })
    if (res.status === 404) {
      throw new BoardError({ board, kind: 'not_found', detail: `HeadHunter has no vacancy ${vacancyId} for this account (removed, or another employer's)`, boardStatus: 404 })
    }
    if (res.status !== 200) throw boardErrorOf(res)
    const body = parsePayload(CollectionList, res.body, 'collection list (GET /negotiations)')
    // hh's spec: the list's URL is taken from `collections[].url`, ordered as one of its `order_types`
    return body.collections.map(c => ({
      id: c.id,
      total: c.counters?.total,
      url: onApiHost(c.order_types?.find(o => o.id === BY_ACTIVITY)?.url) ?? onApiHost(c.url) ??
        `${apiUrl.replace(/\/+$/, '')}/negotiations/${encodeURIComponent(c.id)}?vacancy_id=${encodeURIComponent(vacancyId)}`
    }))
  }

  async function readPage (session: Session, collection: Collection, page: number): Promise<CollectionPage> {
    const url = new URL(collection.url)
    url.searchParams.set('page', String(page))
    url.searchParams.set('per_page', String(perPage))
    const body = (await client.call(session, { method: 'GET', path: url.href })).body
    return parsePayload(CollectionPage, body, `response list (GET /negotiations/${collection.id})`)
  }

  /** hh's answer to a resume view that did not show the resume, as the error it stands for */
  function viewRefusal (res: BoardResponse, resumeId: string): BoardError {
    const error = boardErrorOf(res)
    if (res.status !== 403 || error.kind === 'invalid_credentials' || error.kind === 'account_blocked' || error.kind === 'no_api_access') return error
    return new BoardError({
      board,
      kind: 'quota',
      detail: `HeadHunter refuses to open resume ${resumeId}: the manager's resume views are spent or not paid for (${error.message}); the sync goes on from here once hh allows views again`,
      boardStatus: res.status
    })
  }

  /** the full resume; null when hh no longer shows it (hidden or deleted since the list was read) */
  async function openResume (session: Session, short: ShortResume): Promise<{ resume: FullResume, raw: unknown } | null> {
    // follow the url hh handed us, but never send the token to another host
    const given = onApiHost(short.url)
    const path = given ?? (short.id === undefined ? undefined : `/resumes/${encodeURIComponent(short.id)}`)
    if (path === undefined) return null
    const resumeId = short.id ?? path
    let res: BoardResponse
    try {
      res = await client.send(session, { method: 'GET', path })
    } catch (error) {
      // spec: 429 is "the employer's daily resume view limit is exceeded". The shared client retries
      // a 429 and gives up as rate_limited; one that came without Retry-After is that limit.
      if (error instanceof BoardError && error.kind === 'rate_limited' && error.retryAfterMs === undefined) {
        throw new BoardError({
          board,
          kind: 'quota',
          detail: `HeadHunter: the manager's daily resume view quota is spent (HTTP 429 opening resume ${resumeId}); the sync goes on from here once hh renews it`,
          boardStatus: 429
        })
      }
      throw error
    }
    if (res.status === 404) {
      session.log.info({ board, resumeId }, 'HeadHunter: resume no longer visible; transferring the response without it')
      return null
    }
    if (res.status !== 200) throw viewRefusal(res, resumeId)
    return { resume: parsePayload(FullResume, res.body, 'resume (GET /resumes/{id})'), raw: res.body }
  }

  /** the applicant's first message: the cover letter */
  async function firstMessage (session: Session, item: NegotiationItem): Promise<{ text: string | null, raw: unknown } | null> {
    if (item.counters?.messages === 0) return null
    // the response's messages by its id (the item's `messages_url` is deprecated); the spec has no
    // other method that gives the applicant's letter (docs/decisions.md)
    const res = await client.send(session, { method: 'GET', path: `/negotiations/${encodeURIComponent(item.id)}/messages`, query: { with_text_only: true, page: 0, per_page: 1 } })
    if (res.status === 404 || res.status === 403) {
      const error = boardErrorOf(res)
      if (error.kind === 'invalid_credentials' || error.kind === 'account_blocked') throw error
      // hh closes the conversation of a deleted resume or an archived vacancy: no letter to read
      session.log.debug({ board, negotiationId: item.id, status: res.status }, 'HeadHunter: messages not readable')
      return null
    }
    if (res.status !== 200) throw boardErrorOf(res)
    const first = parsePayload(MessagePage, res.body, 'message list (GET /negotiations/{nid}/messages)').items[0]
    if (first === undefined) return null
    // a conversation the employer started (an invitation) has no cover letter
    return { text: first.author?.participant_type === 'applicant' ? textOrNull(first.text) : null, raw: first }
  }

  async function applicationOf (session: Session, item: NegotiationItem, openResumes: boolean): Promise<BoardApplication> {
    const short = item.resume ?? null
    // opening the resume through the response marks it viewed on hh: only where the integration allows it
    const opened = short === null || !openResumes ? null : await openResume(session, short)
    const message = await firstMessage(session, item)
    const full = opened?.resume ?? null
    const birthDate = textOrNull(full?.birth_date)
    return {
      externalId: item.id,
      appliedAt: isoOf(item.created_at, 'created_at'),
      updatedAt: isoOf(item.updated_at, 'updated_at'),
      firstName: textOrNull(full?.first_name ?? short?.first_name),
      lastName: textOrNull(full?.last_name ?? short?.last_name),
      middleName: textOrNull(full?.middle_name ?? short?.middle_name),
      ...contactsOf(full),
      // photo URLs are temporary on hh; medium is the one meant for a profile
      photoUrl: textOrNull((full ?? short)?.photo?.medium),
      birthDate: birthDate !== null && BIRTH_DATE.test(birthDate) ? birthDate : null,
      resumeText: resumeTextOf(full),
      resumeUrl: pdfOf(full) ?? pdfOf(short),
      coverLetter: message?.text ?? null,
      skills: (full ?? short)?.skill_set ?? [],
      url: textOrNull(item.alternate_url) ?? textOrNull(full?.alternate_url) ?? textOrNull(short?.alternate_url),
      raw: { negotiation: item, resume: opened?.raw ?? null, firstMessage: message?.raw ?? null }
    }
  }

  async function * pageThroughResponses (session: Session, _account: BoardAccount, postingId: string, cursorText: string | null): AsyncGenerator<ResponsePage> {
    const state = readCursor(cursorText, session)
    const openResumes = session.options?.openResumes !== false
    const run: Run = state.run ?? { startedAt: new Date().toISOString(), done: [], collection: null, page: 0, offset: 0, found: 0, known: {} }
    const cutoff = state.watermark === null ? null : Date.parse(state.watermark) - state.overlapSeconds * 1000
    const nextCutoff = Date.parse(run.startedAt) - overlapSeconds * 1000
    const done = new Set(run.done)
    const nextKnown: Record<string, string> = { ...run.known }
    let knownCount = Object.keys(nextKnown).length
    let yielded = false

    const runCursor = (): string => JSON.stringify({ ...state, run: { ...run, done: [...done], known: nextKnown } } satisfies Cursor)
    const finalCursor = (): string => JSON.stringify({ v: 1, watermark: run.startedAt, overlapSeconds, known: nextKnown } satisfies Cursor)
    const keep = (item: NegotiationItem, fp: string): void => {
      if (nextKnown[item.id] === undefined) {
        if (knownCount >= maxKnown) return
        knownCount++
      }
      nextKnown[item.id] = fp
    }
    /**
     * Handled, and either at the top of its collection (where the next run stops) or still at the
     * edge of the next watermark: the next run need not open it again.
     */
    const remember = (item: NegotiationItem, fp: string, top: boolean): void => {
      if (top || Date.parse(isoOf(item.updated_at, 'updated_at')) >= nextCutoff) keep(item, fp)
    }

    const collections = await listCollections(session, postingId)
    const byId = new Map(collections.map(c => [c.id, c]))
    // a collection hh says is empty is skipped; what arrives in it later is newer than this run's start
    const pending = collections.filter(c => !done.has(c.id) && c.id !== run.collection && c.total !== 0).map(c => c.id)
    if (run.collection === null || !byId.has(run.collection)) {
      run.collection = pending.shift() ?? null
      run.page = 0
      run.offset = 0
      run.found = 0
    }

    while (run.collection !== null) {
      const collection = byId.get(run.collection)!
      const page = await readPage(session, collection, run.page)
      if (page.found < run.found && (run.page > 0 || run.offset > 0)) {
        // responses left this collection since the last page: what we had not read moved up
        const back = Math.ceil((run.found - page.found) / perPage)
        session.log.debug({ board, collection: collection.id, page: run.page, left: run.found - page.found }, 'HeadHunter: collection shrank during the walk; stepping back')
        run.page = Math.max(0, run.page - back)
        run.offset = 0
        run.found = page.found
        continue
      }
      run.found = page.found
      const byActivity = page.ordered_by?.id === BY_ACTIVITY
      // the top of the collection, where the next run's walk stops
      const top = run.page * perPage < topKept

      const items: BoardApplication[] = []
      let reachedKnown = false
      for (const item of page.items.slice(run.offset)) {
        const updatedAt = Date.parse(isoOf(item.updated_at, 'updated_at'))
        const fp = fingerprintOf(item)
        const unchanged = state.known[item.id] === fp || nextKnown[item.id] === fp
        if (byActivity && state.known[item.id] === fp) {
          // seen by the last run and not lifted since: everything below it is older than that run
          remember(item, fp, top)
          reachedKnown = true
          break
        }
        if (unchanged || (cutoff !== null && updatedAt < cutoff)) {
          // transferred by the last run, or earlier in this one (a page read again), unchanged since
          remember(item, fp, top)
        } else {
          try {
            items.push(await applicationOf(session, item, openResumes))
          } catch (error) {
            // keep what this page gave so far (a spent quota must not be spent again on it)
            if (items.length > 0) yield { items, skipped: {}, cursor: runCursor() }
            throw error
          }
          remember(item, fp, top)
        }
        run.offset++
      }

      const last = reachedKnown || run.page + 1 >= page.pages || page.items.length === 0
      if (last) {
        done.add(collection.id)
        run.collection = pending.shift() ?? null
        run.page = 0
        run.found = 0
      } else {
        run.page++
      }
      run.offset = 0
      yielded = true
      yield { items, skipped: {}, cursor: run.collection === null ? finalCursor() : runCursor() }
    }
    // nothing (left) to walk: one empty page carries the final cursor
    if (!yielded) yield { items: [], skipped: {}, cursor: finalCursor() }
  }

  return { pageThroughResponses }
}
