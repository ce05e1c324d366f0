// `pnpm test`: every check the project has, in one command, with one closing line that counts them.
// Each step runs even when an earlier one failed, so a single run shows everything that is wrong.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Outside test-results/: Playwright empties that folder when it starts.
const reports = mkdtempSync(join(tmpdir(), 'bankconnect-test-'))
const vitestReport = join(reports, 'vitest.json')
const playwrightReport = join(reports, 'playwright.json')
const packagesReport = join(reports, 'packages.json')

const steps = [
  { name: 'typecheck', cmd: ['pnpm', 'typecheck'] },
  { name: 'lint', cmd: ['pnpm', 'lint'] },
  {
    name: 'unit, component and story tests',
    cmd: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport}`,
    ],
  },
  {
    // The packages as a consumer gets them: built, packed, installed, resolved by Node,
    // TypeScript and Vite.
    name: 'package checks',
    cmd: ['pnpm', 'exec', 'tsx', 'scripts/check-packages.ts'],
    env: { CHECK_PACKAGES_REPORT: packagesReport },
  },
  {
    name: 'end-to-end tests',
    cmd: ['pnpm', 'exec', 'playwright', 'test'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
  },
]

const failedSteps = []
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.cmd.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status === 0) console.log(`✔ ${step.name} (${seconds} s)`)
  else {
    console.log(`✘ ${step.name} failed (${seconds} s)`)
    failedSteps.push(step.name)
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

let passed = 0
let failed = 0
const vitest = readJson(vitestReport)
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
}
const packages = readJson(packagesReport)
if (packages) {
  passed += packages.passed
  failed += packages.failed
}
const playwright = readJson(playwrightReport)
if (playwright?.stats) {
  passed += playwright.stats.expected + playwright.stats.flaky
  failed += playwright.stats.unexpected
}
// A check that failed without a test result (typecheck, lint, a crash) still counts as a failure.
for (const name of failedSteps) {
  if (name === 'typecheck' || name === 'lint') failed += 1
  if (name === 'package checks' && !packages) failed += 1
}
if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.join(', ')}`)
console.log(`\ntests: ${passed} passed, ${failed} failed`)
rmSync(reports, { recursive: true, force: true })
process.exit(failedSteps.length ? 1 : 0)
