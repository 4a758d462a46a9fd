// `npm run env-example`: rewrites the boards' section of .env.example from the board registry.
import { readFile, writeFile } from 'node:fs/promises'
import { withBoardSection } from '../src/boards/env-example.js'

const target = new URL('../.env.example', import.meta.url)
await writeFile(target, withBoardSection(await readFile(target, 'utf8')))
process.stdout.write(`wrote ${target.pathname}\n`)
