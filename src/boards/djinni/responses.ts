// Candidate sync on Djinni: the people who applied to a job, page by page, each with the cursor to
// resume from. Djinni's employer API is private (docs/boards.md), so the call and the candidate body are
// the ASSUMED CONTRACT of docs/boards.md and test/fakes/djinni.ts:
//   `GET /jobs/{id}/candidates/?updated_since&offset&limit` → a DRF page `{count, next, results}`,
//   ordered by `updated_at` then `id`, `updated_since` inclusive (≥); a candidate is one application
//   (its `id` is the application id); nothing a candidate entered is dropped (docs/boards.md, Djinni: Responses).
// Djinni has no rule that says a response must not be transferred: `skipped` is always empty.
//
// THE CURSOR is JSON, `{"v":1,"since":S,"lastId":I,"position":P}` or `{"v":1,"since":S}`:
//   - `since` is an `updated_at` as Djinni wrote it, sent back verbatim as `updated_since` (so a
//     board with microseconds filters exactly); null (or a null cursor) = every candidate.
//   - During a run (`lastId` set), `since` is the `updated_at` of the last candidate handed out,
//     `lastId` its id and `position` how many candidates of the list filtered by `since` come up
//     to and including it (they all share that `updated_at`: usually 1). Each page is asked for
//     anew with `updated_since` = the last one seen (keyset paging) rather than with a growing offset
//     over a list fixed at the run's start: a candidate updated mid-run leaves its place for the
//     end of the list, which would slide every later one back over an offset and lose one unseen
//     candidate per update. Here it is just seen again at the end (harmless: upserts by id).
//   - Resuming asks for `offset = position - 1` and expects `lastId` first. When it is not there,
//     a candidate sharing that `updated_at` changed meanwhile: the group is read again from its
//     start and the ones with `id <= lastId` are skipped (the list orders a group by id).
//   - The last page of a run carries `{since: newest updated_at seen − DJINNI_LOOK_BACK_MS}`
//     without `lastId`: the next run reads from there with no skipping, so a change Djinni saved
//     with a time just before the newest one we saw (a late commit) is still read; the overlap
//     comes back as duplicates. A run that sees nothing new keeps the `since` it started from.
//   - A cursor that does not parse (not ours, or an older format) restarts from the beginning:
//     duplicates cost nothing, a run that can never start would lose every later applicant.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage, ResponsesApi } from '../types.js'
import { DJINNI_PAGE_SIZE, DrfPage, parsePayload, type DjinniClient, type DjinniCredentials } from './client.js'
import { djinniJobPath } from './publishing.js'

type Session = AccountSession<DjinniCredentials>

/** how far back from the newest `updated_at` seen the next run starts (Djinni is synced every 30 min) */
export const DJINNI_LOOK_BACK_MS = 5 * 60_000
// a `next` chain that never ends (a board bug) must not page forever: 1000 pages of 100 is far beyond any job
const MAX_PAGES_PER_RUN = 1000

// ISO 8601 date-time, zone optional (assumed contract: a time without one is UTC, as the fake reads `updated_since`)
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const ISO_DATE_TIME_PATTERN = ISO_DATE_TIME.source

const CandidateId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]{0,14}$' })])
const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]))

// assumed contract: only what is read is checked; everything else Djinni sends stays in `raw`
const DjinniCandidate = Type.Object({
  id: CandidateId,
  // the cursor stands on it: a candidate without a readable one cannot be placed
  updated_at: Type.String({ pattern: ISO_DATE_TIME_PATTERN }),
  created_at: Text,
  name: Text,
  email: Text,
  phone: Text,
  photo_url: Text,
  cv_url: Text,
  cv_text: Text,
  cover_letter: Text,
  birth_date: Text,
  skills: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
  url: Text
})
type DjinniCandidate = Static<typeof DjinniCandidate>
const CandidatePage = DrfPage(DjinniCandidate)

const Cursor = Type.Object({
  v: Type.Literal(1),
  since: Type.Union([Type.String({ pattern: ISO_DATE_TIME_PATTERN }), Type.Null()]),
  lastId: Type.Optional(Type.Integer({ minimum: 1 })),
  position: Type.Optional(Type.Integer({ minimum: 1 }))
}, { additionalProperties: false })

/** where a run stands: `lastId`/`position` null once `since` is a look-back start (nothing to skip) */
interface Position {
  since: string | null
  lastId: number | null
  position: number
}

const START: Position = { since: null, lastId: null, position: 0 }

function readCursor (cursor: string | null, session: Session): Position {
  if (cursor === null) return START
  let parsed: unknown
  try { parsed = JSON.parse(cursor) } catch { parsed = undefined }
  if (Value.Check(Cursor, parsed) && (parsed.lastId === undefined) === (parsed.position === undefined) && (parsed.lastId === undefined || parsed.since !== null)) {
    return { since: parsed.since, lastId: parsed.lastId ?? null, position: parsed.position ?? 0 }
  }
  session.log.warn({ board: 'djinni' }, 'unreadable Djinni candidate cursor: reading every candidate again')
  return START
}

function writeCursor (at: Position): string | null {
  if (at.since === null) return null
  return JSON.stringify(at.lastId === null ? { v: 1, since: at.since } : { v: 1, since: at.since, lastId: at.lastId, position: at.position })
}

/** milliseconds since the epoch of an ISO 8601 date-time; without a zone it is UTC (assumed contract) */
function instantOf (text: string): number | null {
  const match = ISO_DATE_TIME.exec(text.trim())
  if (match === null) return null
  const [, date, time, zone] = match as unknown as [string, string, string, string | undefined]
  const offset = zone === undefined || zone.toUpperCase() === 'Z'
    ? 'Z'
    : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const ms = Date.parse(`${date}T${time.replace(',', '.')}${offset}`)
  return Number.isNaN(ms) ? null : ms
}

const isoOrNull = (text: string | null | undefined): string | null => {
  const ms = text === null || text === undefined ? null : instantOf(text)
  return ms === null ? null : new Date(ms).toISOString()
}

/** the final cursor: the newest `updated_at` seen, moved back by the look-back; a start already moved back stays */
function lookBack (at: Position): Position {
  if (at.lastId === null || at.since === null) return { since: at.since, lastId: null, position: 0 }
  const ms = instantOf(at.since)
  // unreachable (the schema checked it), but a since we cannot move back is still a safe start
  return { since: ms === null ? at.since : new Date(ms - DJINNI_LOOK_BACK_MS).toISOString(), lastId: null, position: 0 }
}

const textOrNull = (value: string | null | undefined): string | null => {
  const text = value?.trim() ?? ''
  return text === '' ? null : text
}

// Ukrainian and Russian patronymics, in Cyrillic and in the usual Latin spellings
const PATRONYMIC = /(?:ович|евич|івна|ївна|овна|евна|ична|ovych|ovich|evich|ivna|yivna|ovna|evna|ichna)$/i

/**
 * Djinni has one `name` field, filled in by the candidate, usually "First Last" as the profile shows
 * it. Three words with a patronymic are read the way Ukrainians write them: "Last First Patronymic",
 * or "First Patronymic Last"; otherwise the first word is the first name and the rest the last name.
 */
export function splitDjinniName (name: string | null | undefined): Pick<BoardApplication, 'firstName' | 'lastName' | 'middleName'> {
  const words = (name ?? '').trim().split(/\s+/).filter(word => word !== '')
  const [a, b, c] = words
  if (a === undefined) return { firstName: null, lastName: null, middleName: null }
  if (b === undefined) return { firstName: a, lastName: null, middleName: null }
  if (c !== undefined && words.length === 3) {
    if (PATRONYMIC.test(c)) return { firstName: b, lastName: a, middleName: c }
    if (PATRONYMIC.test(b)) return { firstName: a, lastName: c, middleName: b }
  }
  return { firstName: a, lastName: words.slice(1).join(' '), middleName: null }
}

const birthDateOf = (value: string | null | undefined): string | null => {
  const date = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value?.trim() ?? '')?.[1]
  return date !== undefined && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ? date : null
}

function toApplication (candidate: DjinniCandidate): BoardApplication {
  // exactly as Djinni has them, blanks left out (the service normalises); one of each on Djinni
  const given = (value: string | null | undefined): string[] => value === null || value === undefined || value.trim() === '' ? [] : [value]
  return {
    externalId: String(candidate.id),
    appliedAt: isoOrNull(candidate.created_at),
    updatedAt: isoOrNull(candidate.updated_at),
    ...splitDjinniName(candidate.name),
    emails: given(candidate.email),
    phones: given(candidate.phone),
    photoUrl: textOrNull(candidate.photo_url),
    birthDate: birthDateOf(candidate.birth_date),
    resumeText: textOrNull(candidate.cv_text),
    resumeUrl: textOrNull(candidate.cv_url),
    coverLetter: textOrNull(candidate.cover_letter),
    skills: (candidate.skills ?? []).map(skill => skill.trim()).filter(skill => skill !== ''),
    // the application in the employer's Djinni inbox, as Djinni links it; no guessing its form
    url: textOrNull(candidate.url),
    raw: candidate
  }
}

export function createDjinniResponses (client: DjinniClient): ResponsesApi<DjinniCredentials> {
  return {
    /**
     * One `GET /jobs/{id}/candidates/` per page (limit DJINNI_PAGE_SIZE), plus one more when a
     * resumed page finds its group shifted. Pages with nothing new are not yielded, except the last.
     */
    async * pageThroughResponses (session: Session, _account: BoardAccount, postingId: string, cursor: string | null): AsyncGenerator<ResponsePage> {
      const path = `${djinniJobPath(postingId)}candidates/`
      const what = `candidate list (GET ${path})`
      let at = readCursor(cursor, session)
      let offset = at.lastId === null ? 0 : at.position - 1
      let expectLast = at.lastId !== null

      for (let pages = 0; ; pages++) {
        if (pages >= MAX_PAGES_PER_RUN) throw new BoardError({ board: 'djinni', kind: 'bad_response', detail: `Djinni's ${what} did not end after ${MAX_PAGES_PER_RUN} pages` })
        const res = await client.call(session, {
          method: 'GET',
          path,
          query: { updated_since: at.since, offset: offset > 0 ? offset : undefined, limit: DJINNI_PAGE_SIZE }
        })
        const page = parsePayload(CandidatePage, res.body, what)
        const results = page.results

        if (expectLast) {
          expectLast = false
          const first = results[0]
          const inPlace = first !== undefined && first.updated_at === at.since && Number(first.id) === at.lastId
          if (!inPlace && offset > 0) {
            // a candidate of the group at `since` changed since the cursor was written: read the group from its start
            session.log.debug({ board: 'djinni', postingId, offset }, 'Djinni candidate list shifted: reading the group again')
            offset = 0
            continue
          }
        }

        const seen = at
        // the group at `since` is ordered by id: up to `lastId` it was handed out already
        const fresh = results.filter(c => !(seen.lastId !== null && c.updated_at === seen.since && Number(c.id) <= seen.lastId))
        const last = results.at(-1)
        if (fresh.length > 0 && last !== undefined) {
          let group = 0
          while (group < results.length && results[results.length - 1 - group]?.updated_at === last.updated_at) group++
          at = {
            since: last.updated_at,
            lastId: Number(last.id),
            // the list filtered by `since` starts with this group; when it is the group we asked from, it counts from our offset
            position: last.updated_at === seen.since ? offset + results.length : group
          }
          offset = at.position - 1
          expectLast = true
        } else {
          // only candidates handed out before (a group read again): step over them
          offset += results.length
        }

        const done = page.next === null || results.length === 0
        if (done) {
          yield { items: fresh.map(toApplication), skipped: {}, cursor: writeCursor(lookBack(at)) }
          return
        }
        if (fresh.length > 0) yield { items: fresh.map(toApplication), skipped: {}, cursor: writeCursor(at) }
      }
    }
  }
}
