import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const file = fileURLToPath(new URL('./results.json', import.meta.url))

/** Merges one benchmark's figures into bench/results.json under `key`, keeping the others. */
export function writeResult(key: string, value: unknown): void {
  const current: Record<string, unknown> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {}
  current[key] = value
  current['measuredAt'] = new Date().toISOString()
  writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`)
}
