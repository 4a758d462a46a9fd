// Kyiv local time (Europe/Kyiv) to instants: the one conversion Work.ua's and Robota.ua's dates go
// through. The expected instants are written out in UTC by hand, not computed the same way.
import t from 'tap'
import { kyivIsoWithOffset, kyivLocalToInstant, kyivLocalToIso } from '../../src/boards/kyiv-time.js'

t.test('ordinary times: UTC+2 in winter, UTC+3 in summer', async t => {
  t.equal(kyivLocalToIso('2026-01-15 09:30:00'), '2026-01-15T07:30:00.000Z', 'winter: EET')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00'), '2026-07-01T09:00:00.000Z', 'summer: EEST')
  t.equal(kyivLocalToIso('2026-12-31 23:59:59'), '2026-12-31T21:59:59.000Z', 'the year\'s last second')
  t.equal(kyivLocalToIso('2026-01-01 00:30:00'), '2025-12-31T22:30:00.000Z', 'just after local midnight is still the old year in UTC')
  t.equal(kyivLocalToIso('2026-07-01 12:00'), '2026-07-01T09:00:00.000Z', 'no seconds')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00.5'), '2026-07-01T09:00:00.500Z', 'a fraction is kept to the millisecond')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00.1234567'), '2026-07-01T09:00:00.123Z', '.NET ticks: cut, not rounded')
  t.equal(kyivLocalToIso('  2026-07-01 12:00:00 '), '2026-07-01T09:00:00.000Z', 'surrounding blanks')
  t.equal(kyivLocalToInstant('2026-07-01 12:00:00'), Date.UTC(2026, 6, 1, 9), 'the instant as epoch ms')
})

t.test('the last Sunday of March 2026: 03:00–03:59 does not exist', async t => {
  t.equal(kyivLocalToIso('2026-03-29 02:59:59'), '2026-03-29T00:59:59.000Z', 'the last winter second')
  t.equal(kyivLocalToIso('2026-03-29 04:00:00'), '2026-03-29T01:00:00.000Z', 'the first summer second, one real second later')
  // read with the winter offset: 03:30 is half an hour after 03:00 (= 04:00 summer time), i.e. 04:30 summer time
  t.equal(kyivLocalToIso('2026-03-29 03:30:00'), '2026-03-29T01:30:00.000Z', 'moved forward by the gap')
  t.equal(kyivIsoWithOffset(kyivLocalToInstant('2026-03-29 03:30:00')!), '2026-03-29T04:30:00+03:00', 'which Kyiv calls 04:30')
  t.equal(kyivLocalToIso('2026-03-29 03:00:00'), '2026-03-29T01:00:00.000Z', 'the gap\'s first minute is the summer hour\'s first')
  t.equal(kyivLocalToIso('2026-03-28 03:30:00'), '2026-03-28T01:30:00.000Z', 'the day before: an ordinary winter 03:30')
  t.equal(kyivLocalToIso('2026-03-30 03:30:00'), '2026-03-30T00:30:00.000Z', 'the day after: an ordinary summer 03:30')
})

t.test('the last Sunday of October 2026: 03:00–03:59 happens twice; the first (summer) one is taken', async t => {
  // wrong at worst by an hour too early, never too late: a response is not dated after it was sent
  t.equal(kyivLocalToIso('2026-10-25 03:30:00'), '2026-10-25T00:30:00.000Z', 'the earlier of 00:30Z (EEST) and 01:30Z (EET)')
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 9, 25, 0, 30)), '2026-10-25T03:30:00+03:00', 'the first 03:30, in summer time')
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 9, 25, 1, 30)), '2026-10-25T03:30:00+02:00', 'the second 03:30 exists, in winter time; it is not the one taken')
  t.equal(kyivLocalToIso('2026-10-25 02:59:59'), '2026-10-24T23:59:59.000Z', 'before the overlap: summer')
  t.equal(kyivLocalToIso('2026-10-25 04:00:00'), '2026-10-25T02:00:00.000Z', 'after it: winter')
  t.equal(kyivLocalToIso('2026-10-25 03:30:00+02:00'), '2026-10-25T01:30:00.000Z', 'the second one is reachable with its offset')
})

t.test('a time with a zone is taken as it says', async t => {
  t.equal(kyivLocalToIso('2026-07-01T12:00:00Z'), '2026-07-01T12:00:00.000Z')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00z'), '2026-07-01T12:00:00.000Z', 'lower-case z')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00+00:00'), '2026-07-01T12:00:00.000Z')
  t.equal(kyivLocalToIso('2026-01-15T12:00:00+03:00'), '2026-01-15T09:00:00.000Z', 'not Kyiv\'s offset of that day: still as it says')
  t.equal(kyivLocalToIso('2026-07-01T12:00:00-0130'), '2026-07-01T13:30:00.000Z', 'no colon, west of UTC')
  t.equal(kyivLocalToIso('2026-07-01 12:00:00 +02:00'), '2026-07-01T10:00:00.000Z', 'a blank before the zone')
})

t.test('bad input is no time', async t => {
  for (const bad of [
    '', '   ', 'yesterday', '15.01.2026 10:00', '2026-01-15', '2026-01-15 10', '2026/01/15 10:00:00', '2026-1-15 10:00:00',
    '2026-01-15 10:00:00 Europe/Kyiv', '2026-01-15 10:00:00+3', '2026-01-15 10:00:00.', '2026-01-15 10:00:00abc',
    '2026-13-01 00:00:00', '2026-00-10 00:00:00', '2026-02-29 10:00:00', '2026-04-31 10:00:00', '2026-01-00 10:00:00',
    '2026-01-15 24:00:00', '2026-01-15 10:60:00', '2026-01-15 10:00:60',
    '0000-00-00 00:00:00', '0001-01-01T00:00:00', '1899-12-31 23:59:59'
  ]) {
    t.equal(kyivLocalToInstant(bad), null, `${JSON.stringify(bad)}`)
    t.equal(kyivLocalToIso(bad), null)
  }
  t.equal(kyivLocalToIso('2028-02-29 10:00:00'), '2028-02-29T08:00:00.000Z', 'a leap day that exists')
  t.equal(kyivLocalToIso('1900-01-01 12:00:00'), '1900-01-01T09:57:56.000Z', 'the first year taken (Kyiv mean time, UTC+2:02:04)')
})

t.test('an instant as Kyiv sees it, with that moment\'s offset', async t => {
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 0, 15, 7, 30)), '2026-01-15T09:30:00+02:00')
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 6, 1, 9, 0, 0, 999)), '2026-07-01T12:00:00+03:00', 'to the second: the fraction is cut')
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 2, 29, 0, 59, 59)), '2026-03-29T02:59:59+02:00')
  t.equal(kyivIsoWithOffset(Date.UTC(2026, 2, 29, 1, 0, 0)), '2026-03-29T04:00:00+03:00', 'one second later the clock jumps')
  t.equal(kyivIsoWithOffset(Date.UTC(2025, 11, 31, 22, 30)), '2026-01-01T00:30:00+02:00', 'a new year in Kyiv before UTC\'s')
})
