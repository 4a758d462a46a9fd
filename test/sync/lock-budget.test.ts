// The process's budget of identity locks: batches take their share or wait in line for it, one
// bigger than the whole budget is told at once, and what is given back goes to the next in line.
import t from 'tap'
import { createLockBudget } from '../../src/sync/lock-budget.js'

const settled = async () => await new Promise(resolve => setImmediate(resolve))

t.test('shares are taken at once while they fit, and waited for in arrival order when not', async t => {
  const budget = createLockBudget(100)
  const [a, b, c, d] = [budget.permit(), budget.permit(), budget.permit(), budget.permit()]
  t.equal(await a.acquire(60), true)
  t.equal(budget.free, 40)
  const order: string[] = []
  const bGot = b.acquire(50).then(ok => { order.push('b'); return ok })
  const cGot = c.acquire(10).then(ok => { order.push('c'); return ok }) // fits, but b came first
  await settled()
  t.same(order, [], 'b waits for a; c waits behind b')
  a.release()
  t.equal(await bGot, true)
  t.equal(await cGot, true)
  t.same(order, ['b', 'c'])
  t.equal(budget.free, 40)
  t.equal(await d.acquire(0), true, 'a batch with no emails or phones needs nothing')
  b.release(); c.release(); d.release()
  t.equal(budget.free, 100, 'all of it back')
})

t.test('more than the whole budget is refused at once (the tenant lock instead), taking nothing', async t => {
  const budget = createLockBudget(100)
  const big = budget.permit()
  t.equal(await big.acquire(101), false)
  t.equal(budget.free, 100)
  big.release()
  t.equal(budget.free, 100, 'releasing a refused permit gives back nothing it did not take')
  t.equal(await createLockBudget(0).permit().acquire(1), false, 'a budget of 0: every batch with an identity takes the tenant lock')
})

t.test('a permit is for one transaction: acquired once', async t => {
  const permit = createLockBudget(10).permit()
  await permit.acquire(1)
  await t.rejects(permit.acquire(1), /acquired once/)
})
