// hh's reference data as the fake knows it: billing and vacancy types, a small fixed set of areas,
// the employer-side collections of a vacancy's responses (docs/boards.md, HeadHunter).

export type BillingType = 'free' | 'standard' | 'standard_plus' | 'premium'
export const BILLING_TYPES: Record<BillingType, string> = {
  free: 'Бесплатная',
  standard: 'Стандарт',
  standard_plus: 'Стандарт плюс',
  premium: 'Премиум'
}
export const VACANCY_TYPES: Record<string, string> = {
  open: 'Открытая',
  closed: 'Закрытая',
  anonymous: 'Анонимная',
  direct: 'Рекламная'
}
/** The areas the fake knows; only leaves can hold a vacancy (hh: `chosen_area_is_not_a_leaf_or_not_exist`). */
export const AREAS: Record<string, { name: string, leaf: boolean }> = {
  113: { name: 'Россия', leaf: false },
  1: { name: 'Москва', leaf: true },
  2: { name: 'Санкт-Петербург', leaf: true },
  3: { name: 'Екатеринбург', leaf: true },
  4: { name: 'Новосибирск', leaf: true },
  88: { name: 'Казань', leaf: true },
  2019: { name: 'Московская область', leaf: false },
  5: { name: 'Украина', leaf: false },
  115: { name: 'Киев', leaf: true },
  16: { name: 'Беларусь', leaf: false },
  1002: { name: 'Минск', leaf: true },
  40: { name: 'Казахстан', leaf: false },
  160: { name: 'Алматы', leaf: true }
}
/** Employer-side collections of a vacancy's responses; the collection id is also the employer state. */
export const COLLECTIONS: Array<{ id: string, name: string, applicantState: 'response' | 'invitation' | 'discard' }> = [
  { id: 'response', name: 'Неразобранные', applicantState: 'response' },
  { id: 'consider', name: 'Подумать', applicantState: 'response' },
  { id: 'phone_interview', name: 'Первичное собеседование', applicantState: 'invitation' },
  { id: 'interview', name: 'Собеседование', applicantState: 'invitation' },
  { id: 'offer', name: 'Предложение о работе', applicantState: 'invitation' },
  { id: 'hired', name: 'Выход на работу', applicantState: 'invitation' },
  { id: 'discard', name: 'Отказ', applicantState: 'discard' }
]
export const APPLICANT_STATES = { response: 'Отклик', invitation: 'Приглашение', discard: 'Отказ' }
/** form fields hh lists as `actions[].arguments` for a state change */
export const ACTION_ARGUMENTS = new Set(['message', 'resume_id', 'vacancy_id', 'send_sms', 'address_id'])

export const collectionById = (id: string): (typeof COLLECTIONS)[number] | undefined => COLLECTIONS.find(c => c.id === id)
