// `pnpm bench picker`: the main-thread work a keystroke in the bank picker causes, with 5,000
// generated institutions (plus the real catalogue), in Chromium with the CPU throttled 4×, next to
// a naive picker (filter every name, render every match) and a bare input that updates nothing
// (the floor: what a keystroke costs this browser on this machine), all in the same run. The page
// is a production build of bench/picker/ (Vite), served by Vite's preview server.
//
// What is measured. The target (DESIGN.md: "keystroke to painted result ≤ 16 ms p95") means that
// the work a keystroke causes fits in one 60 Hz frame, so the frame after it shows the result.
// The headline figure is that work, timed in the page: from the input event's timestamp to the
// moment the page's own listeners have run (React's render, commit and effects: a keystroke in a
// controlled input is rendered synchronously, inside the event) and style and layout are up to
// date (the probe reads geometry, forcing the style and layout the next frame would do). The
// editing the browser does before it fires the input event (inserting the character, laying out
// the input) is the same for every page and is left out; painting is left out too (it runs in
// the next frame and scales with the same rows as layout).
// The probe also checks that nothing is rendered later (a deferred render would show the result
// frames after the keystroke, and escape this figure): every keystroke whose DOM changes again
// before its second frame is counted in `lateUpdates`, and the bench fails if the kit has any. It
// also checks, by the second frame, that the first option is on screen (a point inside it hits
// it), so that no page is quick because its list is laid out away or collapsed.
//
// The old figure is kept next to it (`…ToPainted…`): from the input event to the second animation
// frame after it, by when the frame holding the result has been painted and handed to the
// compositor. It adds the browser's own frame work (the input's acknowledgement, the animation
// frame, paint, the commit to the compositor and the next frame's start), which is several ms
// under 4× throttling even for the floor.
//
// Why not turn frame-rate limiting off instead (`--disable-frame-rate-limit`,
// `--disable-gpu-vsync`) and keep the to-painted figure? Both switches are accepted by Debian's
// Chromium 156, but the floor did not move with them (p50 12.8 / p95 22.8 ms with, 11.7 / 18.6
// without, same machine): headless Chromium already starts a frame within a few ms of the input
// (traces show 1–2 ms of idle between the input task and the next BeginMainFrame), so there was no
// display wait to remove. The floor's to-painted time is the browser's frame work itself, which
// no page can avoid, and what the kit adds to it is what the work figure isolates.
//
// `PICKER_SLOWEST=20 pnpm bench picker` also lists the kit's 20 slowest keystrokes (query, work,
// script), to see where the tail comes from.
import { chromium } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import react from '@vitejs/plugin-react'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'
import { chromiumLaunchOptions } from '../scripts/chromium.ts'
import type { KeystrokeTiming } from './picker/main.tsx'
import { writeResult } from './results.ts'

const INSTITUTIONS = 5_000
const CPU_THROTTLING = 4
// Roughly a quick typist; slow enough that each keystroke is measured on its own.
const KEYSTROKE_GAP_MS = 120
// After switching pages (and throttling), so that repainting a page brought to the front is not
// counted against its first keystroke.
const SETTLE_MS = 200
const TARGET_P95_MS = 16
// The script is typed this many times into every mode. One pass is 228 keystrokes, so its p95 is
// its 12th slowest keystroke, which moves by a millisecond or two from run to run; every further
// pass makes that figure steadier (each pass's own p95 is printed too, to show the spread).
const PASSES = 2

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

/**
 * Typed (and erased) before measuring, so the JIT has seen every kind of keystroke: one word, a
 * typo-length word, several words. None starts like a query of the script.
 */
const WARM_UP: string[] = ['kiwibank', 'police credit union', 'macquarie']

const root = fileURLToPath(new URL('./picker/', import.meta.url))

async function buildPage(): Promise<{ url: string; close(): Promise<void>; dir: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'bankconnect-picker-bench-'))
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    // A production build: React without its development checks (StrictMode renders once).
    mode: 'production',
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

interface Run {
  mode: Mode
  page: Page
  /** One per keystroke, in the order typed: pass after pass, each the same keystrokes. */
  timings: KeystrokeTiming[]
  maxOptions: number
  institutions: number
  /** Switches this page's CPU throttling on or off. */
  throttle(on: boolean): Promise<void>
}

/**
 * Opens one mode in its own browser context (its own renderer process, so throttling one page
 * never slows another) and warms it up with unrecorded queries, as a user's first keystrokes
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
    timings: [],
    maxOptions: await page.evaluate(() => window.bankconnectPickerBench.optionCount()),
    institutions: await page.evaluate(() => window.bankconnectPickerBench.institutionCount),
    throttle: async (on) => {
      await session.send('Emulation.setCPUThrottlingRate', { rate: on ? CPU_THROTTLING : 1 })
    },
  }
  await page.locator('input').first().focus()
  await run.throttle(true)
  for (const query of WARM_UP) await typeQuery(page, query)
  await run.throttle(false)
  return run
}

/**
 * Types the script into every mode, query by query in turn, so a busy moment on the machine
 * falls on all of them alike rather than on whichever mode happened to run then.
 */
async function measureAll(runs: readonly Run[]): Promise<void> {
  for (let pass = 0; pass < PASSES; pass++) {
    for (const query of SCRIPT) {
      for (const run of runs) {
        await run.page.bringToFront()
        await run.page.locator('input').first().focus()
        await run.throttle(true)
        await run.page.waitForTimeout(SETTLE_MS)
        for (const timing of await typeQuery(run.page, query)) {
          run.timings.push(timing)
          run.maxOptions = Math.max(run.maxOptions, timing.options)
        }
        await run.throttle(false)
      }
    }
  }
}

/** Types `query` one key at a time, then erases it with Backspace; returns each key's timing. */
async function typeQuery(page: Page, query: string): Promise<KeystrokeTiming[]> {
  const timings: KeystrokeTiming[] = []
  for (const key of [...query.split(''), ...Array.from(query, () => 'Backspace')]) {
    // `type` also sends characters outside the US layout (the ō of Ōtaki).
    if (key === 'Backspace') await page.keyboard.press(key)
    else await page.keyboard.type(key)
    // The timings are collected after the pause, so that the harness's own calls into the page
    // never compete with the keystroke being measured.
    await page.waitForTimeout(KEYSTROKE_GAP_MS)
    const taken = await page.evaluate(() => window.bankconnectPickerBench.take())
    if (taken.length !== 1) {
      throw new Error(
        `picker bench: expected 1 input event for ${JSON.stringify(key)}, got ${taken.length}`,
      )
    }
    timings.push(...taken)
  }
  return timings
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

const round = (value: number) => Math.round(value * 10) / 10

/** p50 and p95 of one field of a run's timings, rounded to 0.1 ms. */
function figures(run: Run, field: 'work' | 'script' | 'toPainted') {
  const values = run.timings.map((timing) => timing[field])
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) }
}

/** A run's timings pass by pass (every pass types the same keystrokes, one timing each). */
function passes(run: Run): KeystrokeTiming[][] {
  const perPass = run.timings.length / PASSES
  return Array.from({ length: PASSES }, (_, pass) =>
    run.timings.slice(pass * perPass, (pass + 1) * perPass),
  )
}

const lateUpdates = (run: Run) => run.timings.filter((timing) => timing.lateMutations > 0)
const notShown = (run: Run) => run.timings.filter((timing) => timing.shown === false)

const site = await buildPage()
const browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true })
try {
  const floor = await open(browser, site.url, 'floor')
  const kit = await open(browser, site.url, 'kit')
  const naive = await open(browser, site.url, 'naive')
  await measureAll([floor, kit, naive])
  const work = {
    kit: figures(kit, 'work'),
    naive: figures(naive, 'work'),
    floor: figures(floor, 'work'),
  }
  const painted = {
    kit: figures(kit, 'toPainted'),
    naive: figures(naive, 'toPainted'),
    floor: figures(floor, 'toPainted'),
  }
  const script = figures(kit, 'script')
  const result = {
    keystrokeP95Ms: work.kit.p95,
    naiveKeystrokeP95Ms: work.naive.p95,
    maxRenderedOptions: kit.maxOptions,
    keystrokeP50Ms: work.kit.p50,
    naiveKeystrokeP50Ms: work.naive.p50,
    naiveMaxRenderedOptions: naive.maxOptions,
    floorKeystrokeP50Ms: work.floor.p50,
    floorKeystrokeP95Ms: work.floor.p95,
    keystrokeScriptP50Ms: script.p50,
    keystrokeScriptP95Ms: script.p95,
    keystrokeToPaintedP50Ms: painted.kit.p50,
    keystrokeToPaintedP95Ms: painted.kit.p95,
    naiveKeystrokeToPaintedP50Ms: painted.naive.p50,
    naiveKeystrokeToPaintedP95Ms: painted.naive.p95,
    floorKeystrokeToPaintedP50Ms: painted.floor.p50,
    floorKeystrokeToPaintedP95Ms: painted.floor.p95,
    lateUpdates: lateUpdates(kit).length,
    institutions: kit.institutions,
    keystrokes: kit.timings.length,
    passes: PASSES,
    passKeystrokeP95Ms: passes(kit).map((timings) =>
      round(
        percentile(
          timings.map((timing) => timing.work),
          95,
        ),
      ),
    ),
    cpuThrottling: CPU_THROTTLING,
    measure:
      'work: input event → React commit and effects done, style and layout forced; ' +
      'toPainted: input event → second animation frame after it',
  }
  const line = (name: string, mode: Run, extra: string) =>
    `  ${name.padEnd(6)} work p50 ${work[mode.mode].p50} ms  p95 ${work[mode.mode].p95} ms  │  ` +
    `to painted p50 ${painted[mode.mode].p50} ms  p95 ${painted[mode.mode].p95} ms  ${extra}`
  console.info(
    `Picker: ${result.institutions.toLocaleString('en')} institutions, ${result.keystrokes} keystrokes ` +
      `(the script ${PASSES}×), ` +
      `CPU ${CPU_THROTTLING}× slower; work = input event → committed and laid out ` +
      `(target p95 ≤ ${TARGET_P95_MS} ms), to painted = input event → second frame`,
  )
  console.info(
    line('kit', kit, `max options in the DOM ${result.maxRenderedOptions}`) +
      `\n         (script alone p50 ${script.p50} ms  p95 ${script.p95} ms; ` +
      `work p95 of each pass ${result.passKeystrokeP95Ms.join(', ')} ms)`,
  )
  console.info(line('naive', naive, `max options in the DOM ${result.naiveMaxRenderedOptions}`))
  console.info(line('floor', floor, '(an input whose keystrokes update nothing)'))
  if (process.env.PICKER_SLOWEST) {
    // The kit's slowest keystrokes, to see where its tail comes from.
    const slowest = [...kit.timings].sort((a, b) => b.work - a.work)
    for (const timing of slowest.slice(0, Number(process.env.PICKER_SLOWEST) || 20)) {
      console.info(
        `    ${JSON.stringify(timing.query).padEnd(26)} work ${round(timing.work)} ms  ` +
          `script ${round(timing.script)} ms  options ${timing.options}`,
      )
    }
  }
  if (result.lateUpdates > 0) {
    throw new Error(
      `picker bench: ${result.lateUpdates} kit keystroke(s) changed the DOM again after the input ` +
        `event had been handled; the work figure would miss that render (after ${lateUpdates(kit)
          .map((timing) => JSON.stringify(timing.query))
          .join(', ')})`,
    )
  }
  for (const run of [kit, naive, floor]) {
    // A fast keystroke counts only if its result is on screen.
    const hidden = notShown(run)
    if (hidden.length > 0) {
      throw new Error(
        `picker bench: after ${hidden.length} ${run.mode} keystroke(s) the first option was not ` +
          `on screen (after ${hidden.map((timing) => JSON.stringify(timing.query)).join(', ')})`,
      )
    }
  }
  writeResult('picker', result)
} finally {
  await browser.close()
  await site.close()
  rmSync(site.dir, { recursive: true, force: true })
}

declare global {
  interface Window {
    bankconnectPickerBench: {
      take(): Promise<KeystrokeTiming[]>
      optionCount(): number
      institutionCount: number
    }
  }
}
