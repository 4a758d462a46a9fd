import t from 'tap'
import { normalizeEmail, normalizePhone, normalizePhones } from '../../src/modules/candidates/normalize.js'

t.test('Ukrainian phones in every local spelling become one E.164 number', async t => {
  for (const spelling of ['+380 67 123 45 67', '067-123-45-67', '380671234567', '(067) 123-45-67', '+380671234567', '8 067 123 45 67', '00380671234567', '67 123 45 67']) {
    t.equal(normalizePhone(spelling), '+380671234567', spelling)
  }
})

t.test('foreign numbers keep their country; nonsense is dropped', async t => {
  t.equal(normalizePhone('+7 (495) 123-45-67'), '+74951234567')
  t.equal(normalizePhone('+48 601 234 567'), '+48601234567')
  t.equal(normalizePhone('call me'), null)
  t.equal(normalizePhone('12345'), null)
  t.same(normalizePhones(['067-123-45-67', '+380671234567', '', 'n/a']), ['+380671234567'])
})

t.test('emails are trimmed and lower-cased; invalid ones are not keys', async t => {
  t.equal(normalizeEmail('  Olena.K@Gmail.COM '), 'olena.k@gmail.com')
  t.equal(normalizeEmail('not-an-email'), null)
})
