// The keys one person is recognised by across boards: emails lower-cased and trimmed, phones in
// E.164. The boards here are Ukrainian first, so a local number without a country code is read as
// Ukrainian (+380); anything that cannot be made E.164 is kept out of matching.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normalizeEmail (value: string): string | null {
  const email = value.trim().toLowerCase()
  return EMAIL.test(email) ? email : null
}

/** +380671234567 from "+380 67 123 45 67", "067-123-45-67", "380671234567", "(067) 123-45-67", "8 (067) …" */
export function normalizePhone (value: string, defaultCountry = '380'): string | null {
  const trimmed = value.trim()
  const digits = trimmed.replace(/\D/g, '')
  if (digits.length === 0) return null
  let e164: string
  if (trimmed.startsWith('+')) e164 = digits
  else if (digits.startsWith('00')) e164 = digits.slice(2)
  else if (defaultCountry === '380' && digits.length === 12 && digits.startsWith('380')) e164 = digits
  else if (defaultCountry === '380' && digits.length === 11 && digits.startsWith('80')) e164 = `3${digits}`
  else if (digits.length === 10 && digits.startsWith('0')) e164 = `${defaultCountry}${digits.slice(1)}`
  else if (digits.length === 9) e164 = `${defaultCountry}${digits}`
  else e164 = digits
  // E.164: at most 15 digits, a country code never starts with 0
  if (e164.length < 8 || e164.length > 15 || e164.startsWith('0')) return null
  return `+${e164}`
}

const unique = (values: Array<string | null>): string[] => [...new Set(values.filter((v): v is string => v !== null))]

export const normalizeEmails = (values: string[]): string[] => unique(values.map(normalizeEmail))
export const normalizePhones = (values: string[]): string[] => unique(values.map(v => normalizePhone(v)))

// Text from a board is cleaned before it is stored: Postgres refuses U+0000 in text and in jsonb,
// and an unpaired surrogate is no character at all (jsonb refuses its escape; text would turn it
// into U+FFFD). Other control characters are noise from copy-paste: tab and line breaks mean
// something in a cover letter or a resume, nothing in a name, an email or a phone.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g
const LINE_BREAKS = /[\t\n\r]+/g
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** multi-line text with no U+0000, unpaired surrogate or control character but tab, CR and LF */
export function cleanText (value: string): string {
  return value.replace(LONE_SURROGATES, '').replace(CONTROLS, '')
}

/** one-line text (a name, an email, a phone, an id): cleaned, and tabs and line breaks made one space */
export function cleanLine (value: string): string {
  return cleanText(value).replace(LINE_BREAKS, ' ')
}

/** a board's JSON with every string and key cleaned as multi-line text */
export function cleanJson (value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value)
  if (Array.isArray(value)) return value.map(cleanJson)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [cleanText(key), cleanJson(item)]))
  }
  return value
}
