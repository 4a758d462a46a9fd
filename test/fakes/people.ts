// Deterministic Ukrainian people for the fake boards: names, transliterated emails and phones in
// the local spellings real applicants type, all derived from ids (no randomness).

export const FIRST_M = ['Олександр', 'Андрій', 'Дмитро', 'Максим', 'Іван', 'Тарас', 'Богдан', 'Сергій', 'Юрій', 'Володимир']
export const FIRST_F = ['Олена', 'Ірина', 'Наталія', 'Оксана', 'Марія', 'Юлія', 'Катерина', 'Анастасія', 'Тетяна', 'Софія']
export const LAST = ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник', 'Мельник', 'Лисенко', 'Руденко', 'Савченко', 'Петренко', 'Гончаренко', 'Мороз', 'Павленко']
export const PATRONYMIC_M = ['Олександрович', 'Андрійович', 'Іванович', 'Сергійович', 'Петрович', 'Миколайович']
export const PATRONYMIC_F = ['Олександрівна', 'Андріївна', 'Іванівна', 'Сергіївна', 'Петрівна', 'Миколаївна']
export const OPERATORS = ['67', '50', '63', '93', '97', '66', '68', '73', '95', '99']
const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ь: '', ю: 'iu', я: 'ia', "'": ''
}

export const translit = (s: string): string => [...s.toLowerCase()].map(c => TRANSLIT[c] ?? c).join('')
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
export const pick = <T>(list: readonly T[], n: number): T => list[((n % list.length) + list.length) % list.length]!
export const pad = (n: number): string => String(n).padStart(2, '0')
/** a Ukrainian mobile number in one of five local spellings; `boardDigit` keeps boards' numbers apart */
export function uaPhone (id: number, boardDigit: number): string {
  const op = pick(OPERATORS, id)
  const num = `${boardDigit}${String((id * 7919) % 1_000_000).padStart(6, '0')}`
  const [a, b, c] = [num.slice(0, 3), num.slice(3, 5), num.slice(5)]
  switch (id % 5) {
    case 0: return `+380 ${op} ${a} ${b} ${c}`
    case 1: return `0${op}-${a}-${b}-${c}`
    case 2: return `380${op}${num}`
    case 3: return `(0${op}) ${a}-${b}-${c}`
    default: return `+380${op}${num}`
  }
}
