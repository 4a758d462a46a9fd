// The sandbox's applicants: `applicants` people by the first sync, then `arrivalsPerSync` more on
// each later one; derived from the posting id, so every run and replica sees the same people.
// The first three of every posting share their emails with every other sandbox posting, so a
// host sees one candidate with several applications.
import { Readable } from 'node:stream'
import type { AccountSession, BoardApplication, BoardFile, ResponsePage } from '../types.js'

const FIRST = ['Olena', 'Taras', 'Iryna', 'Andrii', 'Sofiia', 'Maksym', 'Kateryna', 'Bohdan', 'Yuliia', 'Dmytro']
const LAST = ['Shevchenko', 'Kovalenko', 'Bondarenko', 'Tkachenko', 'Kravchenko', 'Oliinyk', 'Melnyk', 'Lysenko']
const PAGE_SIZE = 20
const SHARED = 3

/** served: people handed out so far; runs: completed runs; target: where an unfinished run stops */
interface Cursor { served: number, runs: number, target?: number }

function person (posting: string, n: number): BoardApplication {
  const shared = n < SHARED
  const first = FIRST[n % FIRST.length] ?? 'Olena'
  const last = LAST[(n * 3) % LAST.length] ?? 'Shevchenko'
  const email = shared ? `shared.${n}@sandbox.jobsync.dev` : `${first}.${last}.${posting.slice(1, 9)}.${n}@sandbox.jobsync.dev`.toLowerCase()
  const appliedAt = new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + n * 60_000).toISOString()
  return {
    externalId: `${posting}-${n}`,
    appliedAt,
    updatedAt: appliedAt,
    firstName: first,
    lastName: last,
    middleName: null,
    emails: [email],
    // the shared people have the same phone on every posting; everyone else is someone else
    phones: [`+38067${String(shared ? 1_000_000 + n : 2_000_000 + (parseInt(posting.slice(1, 7), 16) * 131 + n * 7919) % 7_000_000).padStart(7, '0')}`],
    // two in three have a photo, served through the account (openPhoto) as hh's are
    photoUrl: n % 3 === 2 ? null : `https://sandbox.jobsync.dev/jobs/${posting}/applications/${n}/photo.png`,
    birthDate: `19${80 + (n % 20)}-0${1 + (n % 9)}-1${n % 10}`,
    resumeText: `${first} ${last}: ${3 + (n % 7)} years of experience.`,
    resumeUrl: null,
    coverLetter: n % 2 === 0 ? 'I would love to join your team.' : null,
    skills: ['communication', n % 2 === 0 ? 'sql' : 'excel'],
    url: `https://sandbox.jobsync.dev/jobs/${posting}/applications/${n}`,
    raw: { sandbox: true, n }
  }
}

/** a 1×1 PNG: every sandbox photo */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')

export function sandboxPhoto (): BoardFile {
  return { stream: Readable.from([PHOTO]), contentType: 'image/png', contentLength: PHOTO.length, fileName: null }
}

export async function * sandboxResponses (_session: AccountSession<unknown>, _account: unknown, postingId: string, cursor: string | null): AsyncIterable<ResponsePage> {
  const [, applicantsText = '10', arrivalsText = '0'] = postingId.split('-')
  const state: Cursor = cursor === null ? { served: 0, runs: 0 } : JSON.parse(cursor) as Cursor
  // the first run brings everyone who applied; each later run brings the next arrivals
  const target = state.target ?? (state.runs === 0 ? Number(applicantsText) : state.served + Number(arrivalsText))
  let served = state.served
  do {
    const upto = Math.min(target, served + PAGE_SIZE)
    const items: BoardApplication[] = []
    for (let n = served; n < upto; n++) items.push(person(postingId, n))
    served = upto
    const next: Cursor = served >= target ? { served, runs: state.runs + 1 } : { served, runs: state.runs, target }
    yield { items, skipped: {}, cursor: JSON.stringify(next) }
  } while (served < target)
}
