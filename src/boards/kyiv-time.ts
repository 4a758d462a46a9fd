// Kyiv local time: Work.ua and Robota.ua write their dates as Kyiv wall-clock time without an
// offset (Europe/Kyiv: EET, UTC+2, in winter; EEST, UTC+3, from the last Sunday of March to the last
// Sunday of October). This turns such a time into the instant it names, the same way for every board.
//
// The two hours a year where the wall clock and the instant do not match one to one are resolved
// the way Temporal's 'compatible' disambiguation (and java.time, and RFC 5545) does:
//   - spring forward, 03:00–03:59 on the last Sunday of March does not exist: read with the offset in
//     force before the change (winter), so it lands as far after 03:00 as it says: 03:30 → 04:30 EEST;
//   - fall back, 03:00–03:59 on the last Sunday of October happens twice: the earlier, summer one.
//     Wrong at worst by an hour too early, never too late: a response is never dated after the
//     moment it was really sent (nor after we fetched it).

function kyivFormat (): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }
  try {
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'Europe/Kyiv' })
  } catch {
    // an ICU older than tzdata 2022b knows only the old spelling
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'Europe/Kiev' })
  }
}
const KYIV = kyivFormat()
const DAY_MS = 86_400_000

const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000

/** Kyiv's wall clock at an instant, written as if it were UTC (whole seconds) */
function kyivWallClockAt (ms: number): number {
  const parts: Record<string, number> = {}
  for (const part of KYIV.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value)
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
}

/** Kyiv's offset from UTC at an instant, in ms */
const kyivOffsetAt = (ms: number): number => kyivWallClockAt(ms) - wholeSecond(ms)

/** the instant at which Kyiv's clocks show `wall` (a wall-clock time written as if it were UTC) */
function instantOfKyivWallClock (wall: number): number {
  // the offsets in force a day either side; of the instants they give, those Kyiv really shows as `wall`
  const before = kyivOffsetAt(wall - DAY_MS)
  const after = kyivOffsetAt(wall + DAY_MS)
  const fits = [wall - before, wall - after].filter(ms => kyivOffsetAt(ms) === wall - ms)
  // two fit in the autumn overlap (the earlier wins), none in the spring gap (the winter offset)
  return fits.length > 0 ? Math.min(...fits) : wall - before
}

// `YYYY-MM-DD HH:MM[:SS[.fraction]]`, a `T` or a space in the middle, maybe with a zone
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

// earlier years are placeholders, not dates: PHP's zero date 0000-00-00, .NET's default(DateTime)
// 0001-01-01 (and Kyiv kept local mean time until 1924, which no board means)
const FIRST_YEAR = 1900

/**
 * The instant (epoch ms, to the millisecond) that a Kyiv local date-time names, or null when the
 * text is no real date-time (a day or hour that does not exist, a placeholder year, another format).
 * A time that carries a zone (`Z`, `+03:00`, `-0130`) is taken as it says.
 */
export function kyivLocalToInstant (text: string): number | null {
  const match = LOCAL_DATE_TIME.exec(text.trim())
  if (match === null) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(part => Number(part ?? 0)) as [number, number, number, number, number, number]
  const millisecond = Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3))
  const zone = match[8]
  if (year < FIRST_YEAR || hour > 23 || minute > 59 || second > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
  // Date.UTC rolls 2025-02-30 over into March; a day that does not exist is no time
  const date = new Date(wall)
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  if (zone === undefined) return instantOfKyivWallClock(wall)
  const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
  return wall - offsetMinutes * 60_000
}

/** a Kyiv local date-time as ISO 8601 in UTC (`2026-07-01T09:00:00.000Z`), or null when it is none (see kyivLocalToInstant) */
export function kyivLocalToIso (text: string): string | null {
  const instant = kyivLocalToInstant(text)
  return instant === null ? null : new Date(instant).toISOString()
}

/** an instant as Kyiv sees it, with the offset of that moment, to the second: `2026-07-01T12:00:00+03:00` */
export function kyivIsoWithOffset (ms: number): string {
  const wall = kyivWallClockAt(ms)
  const offsetMinutes = Math.round((wall - wholeSecond(ms)) / 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
