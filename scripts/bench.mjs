// `pnpm bench [name…]`: runs every benchmark in bench/ (or the named ones). Each benchmark is a script
// `bench/<name>.bench.ts` that measures one thing and merges its figures into bench/results.json
// through bench/results.ts.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const wanted = process.argv.slice(2)
const all = readdirSync('bench')
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort()
const unknown = wanted.filter((name) => !all.includes(name))
if (unknown.length) {
  console.error(
    `bench: no benchmark named ${unknown.join(', ')} (have: ${all.join(', ') || 'none'})`,
  )
  process.exit(2)
}
const selected = wanted.length ? wanted : all
if (!selected.length) {
  console.info('bench: no benchmarks in bench/ yet')
  process.exit(0)
}
let failed = 0
for (const name of selected) {
  console.info(`\n▶ bench ${name}`)
  const result = spawnSync('pnpm', ['exec', 'tsx', `bench/${name}.bench.ts`], { stdio: 'inherit' })
  if (result.status !== 0) failed += 1
}
console.info(
  failed
    ? `\nbench: ${failed} benchmark(s) failed`
    : '\nbench: figures written to bench/results.json',
)
process.exit(failed ? 1 : 0)
