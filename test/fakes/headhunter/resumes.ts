// Resumes on hh: the people who respond, generated from a number (names, contacts as hh writes
// them, temporary photo URLs), the short resume a response carries and the full one behind its
// `url`, which spends the account's daily views and needs paid access to the resume database.
import { employerAuth } from './oauth.js'
import type { On } from './routing.js'
import type { ResponseSeed } from './negotiations.js'
import { formatPhone, hex, hhTime, Reply, translit, type HeadHunterState, type Negotiation, type Person } from './state.js'
import { query } from './routing.js'

const MALE_FIRST = ['Иван', 'Дмитрий', 'Сергей', 'Алексей', 'Павел', 'Андрей', 'Михаил', 'Никита', 'Артём', 'Олег']
const FEMALE_FIRST = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ксения', 'Юлия', 'Дарья', 'Виктория']
const LAST = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Лебедев']
const MIDDLE = ['Александров', 'Сергеев', 'Игорев', 'Андреев', 'Олегов']
const TITLES = ['Backend-разработчик', 'Frontend-разработчик', 'Fullstack-разработчик', 'Аналитик данных', 'QA-инженер', 'DevOps-инженер']
const SKILLS = ['TypeScript', 'Node.js', 'PostgreSQL', 'React', 'Docker', 'Kubernetes', 'Python', 'SQL', 'Git', 'Linux', 'Go', 'Java']
const PHONE_PLANS = [
  { country: '7', city: '916' },
  { country: '7', city: '495' },
  { country: '380', city: '67' },
  { country: '7', city: '701' },
  null,
  { country: '375', city: '29' }
]

export function newPerson (state: HeadHunterState, i: number, seed: ResponseSeed, batchFirstEmail: string | null, batchIndex: number): Person {
  const gender = i % 2 === 0 ? 'female' : 'male'
  const firstName = seed.firstName ?? (gender === 'female' ? FEMALE_FIRST : MALE_FIRST)[(i * 3) % 10]!
  const stem = LAST[(i * 7 + 1) % LAST.length]!
  const lastName = seed.lastName ?? (gender === 'female' ? `${stem}а` : stem)
  const middleStem = MIDDLE[(i * 11) % MIDDLE.length]!
  const middleName = seed.middleName !== undefined ? seed.middleName : i % 5 === 4 ? null : `${middleStem}${gender === 'female' ? 'на' : 'ич'}`
  const plan = PHONE_PLANS[i % PHONE_PLANS.length]!
  const phone = seed.phone !== undefined ? seed.phone : plan === null ? null : { ...plan, number: String(1_000_000 + (i * 7919) % 9_000_000) }
  let email: string | null = `${translit(firstName)}.${translit(lastName)}${i}@example.com`
  if (seed.email !== undefined) email = seed.email
  else if (i % 8 === 7 && phone !== null) email = null // phone-only candidates
  else if (batchIndex % 10 === 9 && batchFirstEmail !== null) email = batchFirstEmail // same person, second resume: shares an email
  const resumeId = hex(`resume:${i}`, 38)
  return {
    resumeId,
    firstName,
    lastName,
    middleName,
    email,
    phone,
    birthDate: seed.birthDate !== undefined ? seed.birthDate : `${1975 + (i * 5) % 28}-${String(1 + i % 12).padStart(2, '0')}-${String(1 + (i * 3) % 28).padStart(2, '0')}`,
    gender,
    title: seed.title ?? TITLES[i % TITLES.length]!,
    skills: seed.skills ?? Array.from({ length: 3 + i % 3 }, (_, k) => SKILLS[(i + k * 5) % SKILLS.length]!),
    areaId: ['1', '2', '88', '115', '1002', '160'][i % 6]!,
    photo: i % 4 !== 0,
    hidden: seed.hiddenResume ?? i % 7 === 6,
    createdAt: state.now() - 86_400_000 * (1 + i % 30)
  }
}

/** in a response, the resume's links name the response (`topic_id`), as the spec's examples do */
const resumeUrl = (state: HeadHunterState, p: Person, n?: Negotiation): string =>
  `${state.apiUrl}/resumes/${p.resumeId}${n === undefined ? '' : `?topic_id=${n.id}`}`
const downloadUrl = (state: HeadHunterState, p: Person, n: Negotiation | undefined, type: 'pdf' | 'rtf'): string =>
  `${state.apiUrl}/resumes/${p.resumeId}/download/${encodeURIComponent(`${p.lastName} ${p.firstName}`)}.${type}?type=${type}${n === undefined ? '' : `&topic_id=${n.id}&vacancy_id=${n.vacancyId}`}`
export function resumeCommon (state: HeadHunterState, p: Person, n?: Negotiation): Record<string, unknown> {
  const download = { pdf: { url: downloadUrl(state, p, n, 'pdf') }, rtf: { url: downloadUrl(state, p, n, 'rtf') } }
  const birth = p.birthDate === null ? null : new Date(`${p.birthDate}T00:00:00Z`)
  return {
    id: p.resumeId,
    real_id: p.resumeId,
    title: p.title,
    url: resumeUrl(state, p, n),
    alternate_url: `https://hh.ru/resume/${p.resumeId}`,
    first_name: p.firstName,
    last_name: p.lastName,
    middle_name: p.middleName,
    age: birth === null ? null : Math.floor((state.now() - birth.getTime()) / (365.25 * 86_400_000)),
    gender: { id: p.gender, name: p.gender === 'male' ? 'Мужской' : 'Женский' },
    area: state.areaRef(p.areaId),
    certificate: [],
    created_at: hhTime(p.createdAt),
    updated_at: hhTime(p.createdAt),
    download,
    actions: { download },
    education: { level: { id: 'higher', name: 'Высшее' } },
    experience: [{ start: '2019-03-01', end: null, company: 'ООО «Ромашка»', position: p.title, industries: [] }],
    hidden_fields: [],
    favorited: false,
    marked: false,
    viewed: false,
    negotiations_history: { url: `${state.apiUrl}/resumes/${p.resumeId}/negotiations_history` },
    owner: { id: hex(`owner:${p.resumeId}`, 8), comments: { counters: { total: 0 }, url: `${state.apiUrl}/applicant_comments/${hex(`owner:${p.resumeId}`, 8)}` } },
    photo: p.photo ? photoOf(state, p) : null,
    total_experience: { months: 60 },
    salary: null,
    tags: []
  }
}
// photo URLs are temporary on hh: they carry an expiry
const photoOf = (state: HeadHunterState, p: Person): Record<string, string> => {
  const t = Math.floor(state.now() / 1000) + 3600
  return {
    small: `https://img.hhcdn.ru/photo/${p.resumeId}_small.jpeg?t=${t}`,
    medium: `https://img.hhcdn.ru/photo/${p.resumeId}_medium.jpeg?t=${t}`,
    40: `https://img.hhcdn.ru/photo/${p.resumeId}_40.jpeg?t=${t}`,
    100: `https://img.hhcdn.ru/photo/${p.resumeId}_100.jpeg?t=${t}`,
    500: `https://img.hhcdn.ru/photo/${p.resumeId}_500.jpeg?t=${t}`
  }
}
function fullResume (state: HeadHunterState, p: Person): Record<string, unknown> {
  const contact: Array<Record<string, unknown>> = []
  if (p.phone !== null) {
    contact.push({ type: { id: 'cell', name: 'Мобильный телефон' }, value: { ...p.phone, formatted: formatPhone(p.phone) }, preferred: true, comment: null, verified: true, need_verification: false })
  }
  if (p.email !== null) contact.push({ type: { id: 'email', name: 'Эл. почта' }, value: p.email, preferred: p.phone === null })
  const named = (id: string, name: string): Record<string, string> => ({ id, name })
  return {
    ...resumeCommon(state, p),
    birth_date: p.birthDate,
    contact,
    skill_set: p.skills,
    skills: `Опыт: ${p.skills.join(', ')}`,
    business_trip_readiness: named('ready', 'Готов к командировкам'),
    citizenship: [{ ...named('113', 'Россия'), url: `${state.apiUrl}/areas/113` }],
    work_ticket: [{ ...named('113', 'Россия'), url: `${state.apiUrl}/areas/113` }],
    driver_license_types: [],
    employment: named('full', 'Полная занятость'),
    employments: [named('full', 'Полная занятость')],
    schedule: named('fullDay', 'Полный день'),
    schedules: [named('fullDay', 'Полный день')],
    language: [{ ...named('rus', 'Русский'), level: named('l1', 'Родной') }],
    paid_services: [],
    recommendation: [],
    relocation: { type: named('no_relocation', 'не могу переехать'), area: [], district: [] },
    resume_locale: named('RU', 'Русский'),
    travel_time: named('any', 'Не имеет значения'),
    site: [],
    portfolio: [],
    has_vehicle: null,
    metro: null,
    professional_roles: [{ id: '96', name: 'Программист, разработчик' }],
    can_view_full_info: true
  }
}


export function resumeRoutes (state: HeadHunterState, on: On): void {
  on('GET', '/resumes/{id}', (req, [id], auth) => {
    const e = employerAuth(state, auth)
    if (e instanceof Reply) return e
    const p = state.people.get(id!)
    // a resume is visible to an employer it was sent to, unless the candidate hid it
    const sentHere = [...state.negotiations.values()].some(n => n.resumeId === id && state.vacancies.get(n.vacancyId)?.employerId === e.employer.id)
    if (p === undefined || p.hidden || !sentHere) return state.notFound()
    if (!e.account.viewedResumes.has(p.resumeId)) {
      if (e.account.resumeViewQuota !== null && e.account.resumeViewQuota <= 0) {
        return state.apiError(429, [{ type: 'resumes', value: 'view_limit_exceeded' }])
      }
      if (e.account.resumeViewQuota !== null) e.account.resumeViewQuota--
      e.account.viewedResumes.add(p.resumeId)
    }
    // opened through a response: hh marks that response viewed for the applicant
    const topic = state.negotiations.get(query(req, 'topic_id') ?? '')
    if (topic !== undefined && topic.resumeId === p.resumeId) topic.viewedByEmployer = true
    return new Reply(200, fullResume(state, p))
  })
}

// ---------- what a test does on the board ----------

export function hideResume (state: HeadHunterState, resumeId: string): void {
  const p = state.people.get(resumeId)
  if (p === undefined) throw new Error(`HeadHunter fake: no resume ${resumeId}`)
  p.hidden = true
}

/** distinct resumes the account may still open today; null = unlimited */
export function setResumeViewQuota (state: HeadHunterState, accountKey: string, n: number | null): void { state.accountOf(accountKey).resumeViewQuota = n }

/** without hh's paid API access the response lists answer 403 api_access_payment/action_must_be_payed */
export function setPaidApiAccess (state: HeadHunterState, accountKey: string, paid: boolean): void { state.accountOf(accountKey).paidApiAccess = paid }
