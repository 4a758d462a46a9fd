// The applicants of the benchmark's fake Djinni: derived from (job, n) alone, so the fake board (a
// child process) and the bare-write baseline produce the very same rows without holding them.
// About 1.3 KB of JSON each; one in five (n % 5 === 0) is a person who applied to every job of the
// run (same email and phone), so 20% of the applications are by repeat candidates.
import type { DjinniCandidate } from '../../test/fakes/djinni.js'

const FIRST = ['Olena', 'Taras', 'Iryna', 'Andrii', 'Sofiia', 'Maksym', 'Kateryna', 'Bohdan', 'Yuliia', 'Dmytro']
const LAST = ['Shevchenko', 'Kovalenko', 'Bondarenko', 'Tkachenko', 'Kravchenko', 'Oliinyk', 'Melnyk', 'Lysenko']
const SKILLS = ['TypeScript', 'Node.js', 'PostgreSQL', 'React', 'Docker', 'Kubernetes', 'AWS', 'Go', 'Python', 'GraphQL', 'Redis', 'Kafka']
const CV = 'Senior backend engineer (product companies and outsourcing, remote and office). Backend engineer with a long record of building and operating web services: designed REST and event-driven APIs, ' +
  'tuned PostgreSQL queries and schemas for tables of hundreds of millions of rows, ran services on Kubernetes with ' +
  'zero-downtime deploys, mentored juniors, wrote the on-call runbooks, and led the migration of a monolith to a ' +
  'handful of well-bounded services. Comfortable with TypeScript, Node.js, Go and Python; '
const LETTER = 'Hello! I read the vacancy with great interest: the product and the stack are exactly what I have been working with ' +
  'for the last years, and I would be glad to talk about how I can help your team.'

/** the epoch of every job's list: candidate n was last updated BASE + n ms */
export const BASE_MS = Date.UTC(2026, 0, 1)
export const REPEAT_EVERY = 5

export const candidateId = (job: number, n: number): number => job * 10_000_000 + n + 1

export function applicant (job: number, n: number): DjinniCandidate {
  const repeat = n % REPEAT_EVERY === 0
  // a repeat person is the same on every job: keyed by n alone
  const person = repeat ? n : job * 10_000_000 + n
  const first = FIRST[person % FIRST.length] ?? 'Olena'
  const last = LAST[(person * 7) % LAST.length] ?? 'Melnyk'
  const updatedAt = new Date(BASE_MS + n).toISOString()
  return {
    id: candidateId(job, n),
    job_id: job,
    name: `${first} ${last}`,
    email: repeat ? `repeat.${n}@bench.jobsync.dev` : `${first}.${last}.${job}.${n}@bench.jobsync.dev`.toLowerCase(),
    // Ukrainian mobile numbers, unique per person
    phone: `+380${String(500_000_000 + (person % 499_999_999)).padStart(9, '0')}`,
    photo_url: `https://djinni.co/media/photos/${person}.jpg`,
    cv_url: `https://djinni.co/media/cv/${person}.pdf`,
    cv_text: `${first} ${last}. ${CV}${3 + (person % 9)} years of experience. Candidate #${person}.`,
    cover_letter: n % 2 === 0 ? LETTER : null,
    birth_date: `19${80 + (person % 20)}-0${1 + (person % 9)}-1${person % 10}`,
    skills: [SKILLS[person % SKILLS.length] ?? 'SQL', SKILLS[(person + 3) % SKILLS.length] ?? 'Go', SKILLS[(person + 7) % SKILLS.length] ?? 'AWS'],
    linkedin: `https://www.linkedin.com/in/${first.toLowerCase()}-${last.toLowerCase()}-${person}`,
    github: n % 3 === 0 ? `https://github.com/${first.toLowerCase()}${person}` : null,
    english_level: ['intermediate', 'upper', 'fluent'][person % 3] ?? 'upper',
    experience_years: 3 + (person % 9),
    salary_expectation: 2000 + (person % 40) * 100,
    location: ['Kyiv', 'Lviv', 'Kharkiv', 'Odesa', 'Dnipro'][person % 5] ?? 'Kyiv',
    created_at: updatedAt,
    updated_at: updatedAt,
    url: `https://djinni.co/home/inbox/${candidateId(job, n)}/`
  }
}
