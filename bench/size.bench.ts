// Size budgets (DESIGN.md, Performance): min+gzip of what a consumer's bundle gains from the kit,
// with the peers (react, react-dom, @tanstack/react-query, zustand) external.
//
// What is measured is the published artifact, not the source: the packages are built (`pnpm build`),
// packed by pnpm and installed into a temporary consumer project; tiny entry files there import
// (a) `ConnectFlow` and `BankConnectProvider`, (b) `useJob` alone, (c) `theme.css`, and Vite builds
// each as an app would (minified ESM). The JavaScript chunks and the stylesheet are gzipped with
// node:zlib at level 9. `@bankconnect/core` and the kit's own dependency (valibot) are bundled:
// they are part of what a consumer pays for. Every chunk counts, lazy ones included.
// It also lists what each of ConnectFlow's parts adds, in the order a product team meets them.
// `SIZE_MODULES=1 pnpm bench size` also lists every module's share, to see who pulls a bundle up.
// Exits 1 over budget.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Rolldown } from 'vite'
import { createPackedConsumer, repoRoot } from '../scripts/packed-consumer.ts'
import { writeResult } from './results.ts'

/** Budgets in bytes (1 kB = 1,000 bytes). */
const BUDGETS = {
  connectFlowGzipBytes: 15_000,
  useJobGzipBytes: 3_000,
  themeCssGzipBytes: 4_000,
} as const

const PEERS = [
  /^react($|\/)/,
  /^react-dom($|\/)/,
  /^@tanstack\/react-query($|\/)/,
  /^zustand($|\/)/,
]

/**
 * ConnectFlow's parts in the order a product team meets them: the provider (client, schemas,
 * messages, background sync), the job hook and its screen, our picker, the credentials form, the
 * control wrapper, the consent redirect, and the flow that ties them together.
 */
const LADDER: readonly string[][] = [
  ['BankConnectProvider'],
  ['useJob'],
  ['JobProgress'],
  ['useInstitutions', 'BankPicker'],
  ['CredentialsForm'],
  ['BasiqConnectControl'],
  ['prepareConsentUrl', 'useConsentRedirect'],
  ['ConnectFlow'],
]

interface Measured {
  gzipBytes: number
  minifiedBytes: number
  /** Bytes each package contributes before minification, largest first. */
  byPackage: Array<[string, number]>
  /** Bytes each module contributes before minification, largest first. */
  byModule: Array<[string, number]>
}

function gzip(text: string | Uint8Array): number {
  return gzipSync(text, { level: 9 }).length
}

function packageOf(id: string): string {
  const parts = id.split('node_modules/')
  const last = parts[parts.length - 1] ?? id
  if (parts.length === 1) return '(entry)'
  const segments = last.split('/')
  const name = last.startsWith('@') ? `${segments[0]}/${segments[1]}` : (segments[0] ?? last)
  // Separate the kit's own packages from what they bundle, to show who pulls a bundle up.
  return name.startsWith('@bankconnect/') ? name : name
}

async function bundle(dir: string, name: string, source: string): Promise<Measured> {
  const entry = join(dir, `${name}.js`)
  writeFileSync(entry, source)
  const result = await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    build: {
      outDir: join(dir, `out-${name}`),
      write: false,
      minify: true,
      cssMinify: true,
      target: 'es2022',
      modulePreload: false,
      rolldownOptions: { input: entry, external: PEERS },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((item) =>
    'output' in item ? (item.output as Array<Rolldown.OutputChunk | Rolldown.OutputAsset>) : [],
  )
  let gzipBytes = 0
  let minifiedBytes = 0
  const byPackage = new Map<string, number>()
  const byModule = new Map<string, number>()
  for (const item of outputs) {
    if (item.type === 'chunk') {
      gzipBytes += gzip(item.code)
      minifiedBytes += Buffer.byteLength(item.code)
      for (const [id, info] of Object.entries(item.modules)) {
        const key = packageOf(id)
        byPackage.set(key, (byPackage.get(key) ?? 0) + info.renderedLength)
        const module = id.split('node_modules/').pop() ?? id
        byModule.set(module, (byModule.get(module) ?? 0) + info.renderedLength)
      }
    } else if (item.fileName.endsWith('.css')) {
      gzipBytes += gzip(item.source)
      minifiedBytes += Buffer.byteLength(item.source)
    }
  }
  return {
    gzipBytes,
    minifiedBytes,
    byPackage: [...byPackage.entries()]
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1]),
    byModule: [...byModule.entries()].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]),
  }
}

function report(label: string, measured: Measured, budget: number): boolean {
  const within = measured.gzipBytes <= budget
  console.info(
    `${within ? '✔' : '✘'} ${label}: ${measured.gzipBytes.toLocaleString('en-AU')} B min+gzip ` +
      `(${measured.minifiedBytes.toLocaleString('en-AU')} B minified), budget ${budget.toLocaleString('en-AU')} B`,
  )
  if (measured.byPackage.length > 1) {
    const parts = measured.byPackage.map(
      ([name, bytes]) => `${name} ${bytes.toLocaleString('en-AU')}`,
    )
    console.info(`    before minification: ${parts.join(', ')}`)
  }
  if (process.env.SIZE_MODULES === '1') {
    for (const [name, bytes] of measured.byModule) {
      console.info(`      ${bytes.toLocaleString('en-AU').padStart(8)}  ${name}`)
    }
  }
  return within
}

execFileSync('pnpm', ['build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] })
const consumer = createPackedConsumer()
try {
  const exported = Object.keys(
    (await import(pathToFileURL(join(consumer.packageDirs.react, 'dist/index.js')).href)) as object,
  )
  const flowImports = ['BankConnectProvider', 'ConnectFlow']
  const missing = flowImports.filter((name) => !exported.includes(name))
  if (missing.length > 0) throw new Error(`size: @bankconnect/react does not export ${missing}`)
  // Each entry hands its imports to the page, as an app's render would, so nothing is shaken away.
  const flow = await bundle(
    consumer.dir,
    'connect-flow',
    `import { ${flowImports.join(', ')} } from '@bankconnect/react'\nglobalThis.kit = { ${flowImports.join(', ')} }\n`,
  )
  const useJob = await bundle(
    consumer.dir,
    'use-job',
    `import { useJob } from '@bankconnect/react'\nglobalThis.kit = { useJob }\n`,
  )
  const theme = await bundle(consumer.dir, 'theme', `import '@bankconnect/react/theme.css'\n`)

  // What each part of ConnectFlow adds to a bundle that already has the parts before it, so a
  // reader can see what a budget would cost in features.
  const ladder: Array<{ adds: string; gzipBytes: number; addedGzipBytes: number }> = []
  const imported: string[] = []
  for (const [index, part] of LADDER.entries()) {
    imported.push(...part.filter((name) => exported.includes(name)))
    const measured = await bundle(
      consumer.dir,
      `ladder-${index}`,
      `import { ${imported.join(', ')} } from '@bankconnect/react'\nglobalThis.kit = { ${imported.join(', ')} }\n`,
    )
    const before = ladder.at(-1)?.gzipBytes ?? 0
    ladder.push({
      adds: part.join(' + '),
      gzipBytes: measured.gzipBytes,
      addedGzipBytes: measured.gzipBytes - before,
    })
  }

  const results = [
    report('ConnectFlow + BankConnectProvider', flow, BUDGETS.connectFlowGzipBytes),
    report('useJob alone', useJob, BUDGETS.useJobGzipBytes),
    report('theme.css', theme, BUDGETS.themeCssGzipBytes),
  ]
  console.info('  what each part adds (min+gzip, cumulative):')
  for (const step of ladder) {
    console.info(
      `    +${step.addedGzipBytes.toLocaleString('en-AU').padStart(7)} B  ` +
        `${step.gzipBytes.toLocaleString('en-AU').padStart(7)} B  ${step.adds}`,
    )
  }
  writeResult('bundle', {
    connectFlowGzipBytes: flow.gzipBytes,
    useJobGzipBytes: useJob.gzipBytes,
    themeCssGzipBytes: theme.gzipBytes,
    connectFlowMeasures: flowImports,
    connectFlowParts: ladder,
    budgetsGzipBytes: BUDGETS,
  })
  if (results.includes(false)) {
    console.error('size: over budget')
    process.exitCode = 1
  }
} finally {
  consumer.cleanup()
}
