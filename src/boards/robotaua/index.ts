// Robota.ua as jobsync knows it: login and password exchanged for a token, a sync every hour,
// attached CV files served through the account, a closed vacancy re-activated in place; outcomes are
// not shared back, and nothing offers to extend a live vacancy (docs/boards.md, Robota.ua).
import { defineBoard } from '../types.js'
import { createRobotauaAdapter } from './adapter.js'
import { RobotauaEnv } from './settings.js'

export const robotaua = defineBoard({
  id: 'robotaua',
  name: 'Robota.ua',
  auth: 'login_password',
  syncIntervalMinutes: 60,
  env: RobotauaEnv,
  capabilities: { recruiters: false, publicationQuota: false, outcomes: [], resumeFiles: true, photoFiles: false, reopen: 'same_posting', extend: false },
  create: deps => createRobotauaAdapter(deps)
})
