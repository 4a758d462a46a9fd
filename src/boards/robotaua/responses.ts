// Pulling the people who applied to a Robota.ua vacancy. docs/boards.md: `POST /apply/list`
// `{vacancyId, folderId, page}` (0-based, 20 a page) → `{applies:[...]}`, newest first, with no
// `since`; applies sit in folders that are their statuses (1 unviewed … 7 rejected, 10 hired), and
// folder 0 lists every apply whatever its folder; a phone can stay masked until the employer pays
// to reveal the contacts, which we never do; `GET /apply/getfile/{id}` is the attached CV.
// Every apply is transferred (a rejected or hired applicant is still an applicant), so a run walks
// folder 0 alone: no folder of the account can be left out, and an apply moved between folders
// stays where the walk finds it. The walk below still works over any list of folders (a list of
// status folders, as tests and a board that had no "all" folder would give it); points 1 and 2 on
// moves between folders only matter there.
//
// THE CURSOR (JSON, version 1):
//   { v: 1,
//     folders: { "<folderId>": { mark, total } },  // per folder, from its last COMPLETED walk:
//                                                  //   mark  = the highest apply id it had then,
//                                                  //   total = the board's count then (null if not sent)
//     sweptAt: ISO | null,                         // start of the last completed full sweep
//     run: null | {                                // the run in progress (null between runs)
//       full, startedAt,                           //   every folder to its end? when the run began
//       folder, page,                              //   the next page to fetch
//       target, total,                             //   the folder's highest id and count on page 0 of this walk
//       min, fresh, toEnd } }                      //   walk progress (see below)
//
// A run walks FOLDERS in order, each from page 0. An incremental walk stops after the first page
// that holds an id ≤ the folder's mark (apply ids grow with addDate, so everything further down was
// seen by an earlier run); a full walk, or one of a folder never walked to completion, goes to the
// last (short) page. Every fetched page is yielded whole: the already-known applies on the page
// where the walk stops are the look-back overlap (duplicates are upserts), and they refresh the
// newest applies of each folder (a phone that showed since). A folder's mark and total advance
// ONLY when its walk completes, to the values seen on page 0 of that walk (`target`, `total`), so:
//   - a run killed after any page resumes at the next page of the same walk with the same old
//     mark to stop at: older pages are never skipped, nothing is fetched twice but that page;
//   - applies that arrive during the walk are newer than `target` and are found by the next run.
//
// Over status folders, applies move between them (unviewed → viewed → rejected/hired, or back). An
// apply keeps its id and addDate, so moved into a walked folder it lands below that folder's mark,
// out of reach of an incremental walk. Three things keep that from losing anyone:
//   1. Status folders are walked in the order recruiters move people (unviewed, viewed, rejected,
//      hired): a move during a run puts the apply into a folder not yet walked, so it is seen (maybe twice).
//   2. When the board sends `total` (the fake does; docs/boards.md is silent), a folder whose count grew
//      by more than its new applies (`fresh`: ids in (mark, target], counted once via `min`, the
//      lowest id seen in the walk) received applies from elsewhere: that walk goes on to the end
//      (`toEnd`) and yields them. Moves out need nothing: the apply was seen where it was before.
//   3. A full sweep (every folder to its end) at the first run and whenever the last one is older
//      than `sweepEveryMs` (a day): it catches what 1 and 2 cannot see (a swap that leaves every
//      count as it was, a page boundary shifted by a move out during a walk) and, with folder 0 as
//      well, every CHANGE of an apply already transferred — its new folder in `raw`, a phone shown
//      once contacts were opened, a letter edited. The newest 20 of each folder are refreshed by
//      every run (the overlap above).
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import { kyivLocalToIso } from '../kyiv-time.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage, ResponsesApi } from '../types.js'
import { parsePayload, type RobotauaClient, type RobotauaCredentials } from './client.js'
import { ROBOTA_SITE, vacancyIdOf } from './publishing.js'

const board = 'robotaua'
type Session = AccountSession<RobotauaCredentials>

/**
 * The folders walked: docs/boards.md (Robota.ua: Responses, public) makes folder 0 every apply of
 * the vacancy whatever its folder (status), so it is the one walk that transfers them all, the
 * account's own sorting included, whichever folders it uses.
 */
export const ROBOTAUA_FOLDERS: readonly number[] = [0]
/** docs/boards.md: 20 applies a page; a shorter page is the folder's last */
export const ROBOTAUA_APPLY_PAGE_SIZE = 20
const SWEEP_EVERY_MS = 24 * 60 * 60_000
// a board that ignores `page` would otherwise be walked forever (20,000 applies per folder)
const MAX_PAGES_PER_FOLDER = 1000

export interface RobotauaResponsesOptions {
  /** the folders walked, in order; ROBOTAUA_FOLDERS (folder 0, every apply) unless given */
  folders?: readonly number[]
  pageSize?: number
  /** how old the last full sweep may get before a run walks every folder to its end again */
  sweepEveryMs?: number
  now?: () => number
}

// ---------- what the board sends ----------

const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]))

// one apply: only `id` is required (the cursor stands on it); the rest is read when present
const Apply = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  vacancyId: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  resumeId: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  name: Text,
  surname: Text,
  fatherName: Text,
  phone: Text,
  eMail: Text,
  birthDate: Text,
  addDate: Text,
  filePath: Text,
  skillsSummary: Text,
  coverLetter: Text
})
type Apply = Static<typeof Apply>

// `total` (the folder's count) is the fake's, not in docs/boards.md: used when sent
const ApplyList = Type.Object({
  applies: Type.Array(Apply),
  total: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]))
})

// ---------- the cursor ----------

const Id = Type.Integer({ minimum: 0 })
const Count = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])
const Walked = Type.Object({ mark: Id, total: Count })
const Run = Type.Object({
  full: Type.Boolean(),
  startedAt: Type.String(),
  folder: Type.Integer(),
  page: Type.Integer({ minimum: 0 }),
  target: Type.Union([Id, Type.Null()]),
  total: Count,
  min: Type.Union([Id, Type.Null()]),
  fresh: Type.Integer({ minimum: 0 }),
  toEnd: Type.Boolean()
})
const Cursor = Type.Object({
  v: Type.Literal(1),
  folders: Type.Record(Type.String(), Walked),
  sweptAt: Type.Union([Type.String(), Type.Null()]),
  run: Type.Union([Run, Type.Null()])
})
type Cursor = Static<typeof Cursor>
type Run = Static<typeof Run>

/** the stored cursor; one this code cannot read (another version, damaged) starts over: duplicates are harmless */
function readCursor (text: string | null, session: Session): Cursor {
  if (text !== null) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Value.Check(Cursor, parsed)) return parsed
    } catch {}
    session.log.warn({ board }, 'Robota.ua: unreadable sync cursor, walking every folder again')
  }
  return { v: 1, folders: {}, sweptAt: null, run: null }
}

// ---------- dates ----------

/**
 * A Robota.ua date-time (an ASP.NET DateTime: Kyiv wall-clock time without an offset, maybe with up
 * to 7 fraction digits, per docs/boards.md and the fake) as ISO 8601 UTC, or null when it is none,
 * .NET's default(DateTime) included. Kyiv's clock changes are read as kyiv-time.ts says.
 */
export function kyivTimeToIso (text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : kyivLocalToIso(text)
}

/** `1990-05-17T00:00:00` → `1990-05-17`: a birthday is a calendar date, not an instant */
export function birthDateOf (text: string | null | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text?.trim() ?? '')
  if (m === null || Number(m[1]) <= 1) return null
  return `${m[1]}-${m[2]}-${m[3]}`
}

// ---------- mapping ----------

const textOf = (value: string | null | undefined): string | null => {
  const text = value?.trim() ?? ''
  return text === '' ? null : text
}

// ASSUMPTION: the public résumé page is `robota.ua/candidates/{resumeId}`; docs/boards.md gives no link
// to an apply itself, and a file-only apply (no resumeId) has no page
const candidateUrl = (resumeId: number | null | undefined): string | null =>
  resumeId === null || resumeId === undefined || resumeId <= 0 ? null : `${ROBOTA_SITE}/candidates/${resumeId}`

/**
 * One apply in our shape. The name comes in parts (name, surname, fatherName); a hidden phone is
 * null and simply left out (no quota is spent to open contacts). `skillsSummary` is free text (the
 * fake: "Excel, CRM; досвід 3 р."), so it is the résumé text and no skill list is made up from it.
 * The CV link is the API's `getfile` of an attached file (resumeType 1; it needs the account's
 * bearer token), not `filePath` as such, whose form docs/boards.md does not give. The cover letter
 * is the apply's `coverLetter` (docs/boards.md, assumption): read from the list, since the one call
 * that shows a single apply (`POST /apply/view/{id}`) is the employer viewing it.
 */
export function applicationOf (apply: Apply, apiUrl: string): BoardApplication {
  const appliedAt = kyivTimeToIso(apply.addDate)
  const email = textOf(apply.eMail)
  const phone = textOf(apply.phone)
  return {
    externalId: String(apply.id),
    appliedAt,
    // the list says nothing of later changes
    updatedAt: appliedAt,
    firstName: textOf(apply.name),
    lastName: textOf(apply.surname),
    middleName: textOf(apply.fatherName),
    emails: email === null ? [] : [apply.eMail!],
    phones: phone === null ? [] : [apply.phone!],
    photoUrl: null,
    birthDate: birthDateOf(apply.birthDate),
    resumeText: textOf(apply.skillsSummary),
    resumeUrl: textOf(apply.filePath) === null ? null : `${apiUrl}/apply/getfile/${apply.id}?resumeType=1`,
    coverLetter: textOf(apply.coverLetter),
    skills: [],
    url: candidateUrl(apply.resumeId),
    raw: apply
  }
}

// ---------- the walk ----------

export function createRobotauaResponses (client: RobotauaClient, apiBaseUrl: string, options: RobotauaResponsesOptions = {}): ResponsesApi<RobotauaCredentials> {
  const folders = options.folders ?? ROBOTAUA_FOLDERS
  const pageSize = options.pageSize ?? ROBOTAUA_APPLY_PAGE_SIZE
  const sweepEveryMs = options.sweepEveryMs ?? SWEEP_EVERY_MS
  const now = options.now ?? Date.now
  const apiUrl = apiBaseUrl.replace(/\/+$/, '')

  const walkOf = (run: Pick<Run, 'full' | 'startedAt'>, folder: number, cursor: Cursor): Run => ({
    full: run.full,
    startedAt: run.startedAt,
    folder,
    page: 0,
    target: null,
    total: null,
    min: null,
    fresh: 0,
    // a folder never walked to its end has no mark to stop at
    toEnd: run.full || cursor.folders[String(folder)] === undefined
  })

  function startRun (cursor: Cursor): Run {
    const startedAt = new Date(now()).toISOString()
    const swept = cursor.sweptAt === null ? Number.NaN : Date.parse(cursor.sweptAt)
    const full = Number.isNaN(swept) || now() - swept >= sweepEveryMs
    return walkOf({ full, startedAt }, folders[0]!, cursor)
  }

  async function fetchPage (session: Session, vacancyId: number, folderId: number, page: number): Promise<Static<typeof ApplyList>> {
    const { response } = await client.call(session, {
      method: 'POST',
      path: '/apply/list',
      json: { vacancyId, folderId, page },
      // a read: safe to resend after a 5xx or a dropped connection
      idempotent: true
    })
    return parsePayload(ApplyList, response.body, `apply list (POST /apply/list, folder ${folderId}, page ${page})`)
  }

  return {
    async * pageThroughResponses (session: Session, _account: BoardAccount, postingId: string, cursorText: string | null): AsyncGenerator<ResponsePage> {
      const vacancyId = vacancyIdOf(postingId)
      const cursor = readCursor(cursorText, session)
      // a run left in a folder no longer walked starts over (the marks stay)
      let run: Run = cursor.run !== null && folders.includes(cursor.run.folder) ? cursor.run : startRun(cursor)

      for (;;) {
        const known = run.toEnd ? undefined : cursor.folders[String(run.folder)]
        const list = await fetchPage(session, vacancyId, run.folder, run.page)
        const applies = list.applies
        let { target, total, min, fresh, toEnd } = run
        if (run.page === 0) {
          target = applies.reduce<number | null>((max, a) => max === null || a.id > max ? a.id : max, null)
          total = list.total ?? null
        }
        for (const apply of applies) {
          if (min !== null && apply.id >= min) continue // shifted down by arrivals: counted already
          min = apply.id
          if (known !== undefined && apply.id > known.mark && target !== null && apply.id <= target) fresh++
        }

        let done = applies.length < pageSize
        if (!done && known !== undefined && applies.some(a => a.id <= known.mark)) {
          // more applies than the new ones explain: some were moved in from another folder, below the mark
          const expected = known.total === null ? null : known.total + fresh
          if (total !== null && expected !== null && total > expected) {
            session.log.info({ board, vacancyId, folderId: run.folder, total, expected }, 'Robota.ua: applies moved into a folder; walking it to the end')
            toEnd = true
          } else {
            done = true
          }
        }
        if (!done && run.page + 1 >= MAX_PAGES_PER_FOLDER) {
          throw new BoardError({ board, kind: 'bad_response', detail: `Robota.ua kept sending full pages of folder ${run.folder} past page ${MAX_PAGES_PER_FOLDER}` })
        }

        let finished = false
        if (done) {
          // the walk is complete: only now may the folder's mark advance
          const before = cursor.folders[String(run.folder)]
          cursor.folders[String(run.folder)] = { mark: Math.max(before?.mark ?? 0, target ?? 0), total }
          const next = folders[folders.indexOf(run.folder) + 1]
          if (next !== undefined) {
            run = walkOf(run, next, cursor)
          } else {
            if (run.full) cursor.sweptAt = run.startedAt
            finished = true
          }
        } else {
          run = { ...run, page: run.page + 1, target, total, min, fresh, toEnd }
        }
        cursor.run = finished ? null : run

        yield {
          items: applies.map(apply => applicationOf(apply, apiUrl)),
          skipped: {},
          cursor: JSON.stringify(cursor)
        }
        if (finished) return
      }
    }
  }
}
