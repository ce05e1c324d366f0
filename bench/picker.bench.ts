// `pnpm bench picker`: how long the bank picker takes from a keystroke to the painted result with
// 5,000 generated institutions (plus the real catalogue), in Chromium with the CPU throttled 4×,
// next to a naive picker (filter every name, render every match) and a bare input that updates
// nothing (the floor: what a keystroke costs this browser on this machine), all in the same run.
// The page is a production build of bench/picker/ (Vite), served by Vite's preview server. Each
// keystroke is timed in the page from the input event's timestamp to the second animation frame
// after it: by then the frame holding React's commit has been painted.
import { chromium } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import react from '@vitejs/plugin-react'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'
import { chromiumLaunchOptions } from '../scripts/chromium.ts'
import { writeResult } from './results.ts'

const INSTITUTIONS = 5_000
const CPU_THROTTLING = 4
// Roughly a quick typist; slow enough that each keystroke is measured on its own.
const KEYSTROKE_GAP_MS = 120
const TARGET_P95_MS = 16

/**
 * What gets typed: whole bank names, abbreviations, a typo, accents, multi-word queries and
 * corrections with Backspace, so both short queries (thousands of matches) and precise ones count.
 */
const SCRIPT: string[] = [
  'commonwealth',
  'riverina community',
  'westpak',
  'bank of melb',
  'st george',
  'ōtaki',
  'cba',
  'gippsland credit union',
  'n',
  'hawkes bay',
  'teachers mutual',
]

interface Figures {
  samples: number[]
  maxOptions: number
  institutions: number
}

const root = fileURLToPath(new URL('./picker/', import.meta.url))

async function buildPage(): Promise<{ url: string; close(): Promise<void>; dir: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'bankconnect-picker-bench-'))
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  })
  const server = await preview({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0 },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('picker bench: the preview server did not report a URL')
  return {
    url,
    dir: outDir,
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  }
}

type Mode = 'kit' | 'naive' | 'floor'

interface Run extends Figures {
  mode: Mode
  page: Page
  /** Switches this page's CPU throttling on or off. */
  throttle(on: boolean): Promise<void>
}

/**
 * Opens one mode in its own browser context (its own renderer process, so throttling one page
 * never slows another) and warms it up with an unrecorded query, as a user's first keystrokes
 * would warm up the JIT.
 */
async function open(browser: Browser, url: string, mode: Mode): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } })
  const page = await context.newPage()
  await page.goto(`${url}?mode=${mode}&size=${INSTITUTIONS}`)
  await page.waitForSelector('[role="option"]')
  const session = await context.newCDPSession(page)
  const run: Run = {
    mode,
    page,
    samples: [],
    maxOptions: await page.evaluate(() => window.bankconnectPickerBench.optionCount()),
    institutions: await page.evaluate(() => window.bankconnectPickerBench.institutionCount),
    throttle: async (on) => {
      await session.send('Emulation.setCPUThrottlingRate', { rate: on ? CPU_THROTTLING : 1 })
    },
  }
  await page.locator('input').first().focus()
  await run.throttle(true)
  await typeScript(page, ['bank'], () => undefined)
  await run.throttle(false)
  return run
}

/**
 * Types the script into every mode, query by query in turn, so a busy moment on the machine
 * falls on all of them alike rather than on whichever mode happened to run then.
 */
async function measureAll(runs: readonly Run[]): Promise<void> {
  for (const query of SCRIPT) {
    for (const run of runs) {
      await run.page.bringToFront()
      await run.page.locator('input').first().focus()
      await run.throttle(true)
      await typeScript(run.page, [query], (latency, options) => {
        run.samples.push(latency)
        run.maxOptions = Math.max(run.maxOptions, options)
      })
      await run.throttle(false)
    }
  }
}

async function typeScript(
  page: Page,
  queries: readonly string[],
  record: (latency: number, options: number) => void,
): Promise<void> {
  for (const query of queries) {
    for (const key of [...query.split(''), ...Array.from(query, () => 'Backspace')]) {
      // `type` also sends characters outside the US layout (the ō of Ōtaki).
      if (key === 'Backspace') await page.keyboard.press(key)
      else await page.keyboard.type(key)
      const { latency, options } = await page.evaluate(async () => ({
        latency: await window.bankconnectPickerBench.settled(),
        options: window.bankconnectPickerBench.optionCount(),
      }))
      record(latency, options)
      await page.waitForTimeout(KEYSTROKE_GAP_MS)
    }
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

const round = (value: number) => Math.round(value * 10) / 10

const site = await buildPage()
const browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true })
try {
  const floor = await open(browser, site.url, 'floor')
  const kit = await open(browser, site.url, 'kit')
  const naive = await open(browser, site.url, 'naive')
  await measureAll([floor, kit, naive])
  const result = {
    keystrokeP95Ms: round(percentile(kit.samples, 95)),
    naiveKeystrokeP95Ms: round(percentile(naive.samples, 95)),
    maxRenderedOptions: kit.maxOptions,
    keystrokeP50Ms: round(percentile(kit.samples, 50)),
    naiveKeystrokeP50Ms: round(percentile(naive.samples, 50)),
    naiveMaxRenderedOptions: naive.maxOptions,
    floorKeystrokeP50Ms: round(percentile(floor.samples, 50)),
    floorKeystrokeP95Ms: round(percentile(floor.samples, 95)),
    institutions: kit.institutions,
    keystrokes: kit.samples.length,
    cpuThrottling: CPU_THROTTLING,
  }
  console.info(
    `Picker: ${result.institutions.toLocaleString('en')} institutions, ${result.keystrokes} keystrokes, ` +
      `CPU ${CPU_THROTTLING}× slower, keystroke → painted result`,
  )
  console.info(
    `  kit    p50 ${result.keystrokeP50Ms} ms  p95 ${result.keystrokeP95Ms} ms  ` +
      `(target ≤ ${TARGET_P95_MS} ms)  max options in the DOM ${result.maxRenderedOptions}`,
  )
  console.info(
    `  naive  p50 ${result.naiveKeystrokeP50Ms} ms  p95 ${result.naiveKeystrokeP95Ms} ms  ` +
      `max options in the DOM ${result.naiveMaxRenderedOptions}`,
  )
  console.info(
    `  floor  p50 ${result.floorKeystrokeP50Ms} ms  p95 ${result.floorKeystrokeP95Ms} ms  ` +
      '(an input whose keystrokes update nothing: what typing costs this browser and machine)',
  )
  writeResult('picker', result)
} finally {
  await browser.close()
  await site.close()
  rmSync(site.dir, { recursive: true, force: true })
}

declare global {
  interface Window {
    bankconnectPickerBench: {
      settled(): Promise<number>
      optionCount(): number
      institutionCount: number
    }
  }
}
