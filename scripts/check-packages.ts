// `pnpm exec tsx scripts/check-packages.ts [--no-build]`: checks the packages as a consumer would
// get them from the registry. It builds them (`pnpm build`), packs each with pnpm and installs the
// tarballs in a temporary project, then checks that:
// - every `exports` target the published manifest names is in the tarball, `types` first;
// - `sideEffects` is `false`, except the React package's stylesheets;
// - the React entry keeps its `'use client'` boundary on the first line;
// - Node imports every JavaScript entry point (ESM, no build step, no DOM at import);
// - a TypeScript consumer with `moduleResolution: NodeNext` type-checks against the `.d.ts` files,
//   and the types are real (a wrong call is an error, not `any`);
// - a Vite build of a consumer app resolves the JavaScript and `@bankconnect/react/theme.css`.
// Exits 1 when any check fails.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'
import {
  createPackedConsumer,
  publishedPackages,
  repoRoot,
  type PackageManifest,
  type PackedConsumer,
} from './packed-consumer.ts'

const failures: string[] = []
let passed = 0

function check(name: string, run: () => void | Promise<void>): Promise<void> {
  return Promise.resolve()
    .then(run)
    .then(
      () => {
        passed += 1
        console.info(`✔ ${name}`)
      },
      (error: unknown) => {
        failures.push(name)
        console.error(`✘ ${name}\n  ${error instanceof Error ? error.message : String(error)}`)
      },
    )
}

function fail(message: string): never {
  throw new Error(message)
}

function entryTargets(manifest: PackageManifest): Array<[string, Record<string, string>]> {
  return Object.entries(manifest.exports ?? {}).map(([key, target]) => [
    key,
    typeof target === 'string' ? { default: target } : target,
  ])
}

if (!process.argv.includes('--no-build')) {
  execFileSync('pnpm', ['build'], { cwd: repoRoot, stdio: 'inherit' })
}

const consumer: PackedConsumer = createPackedConsumer({
  extraDependencies: ['@types/react', '@types/node', 'typescript'],
})
try {
  for (const folder of publishedPackages) {
    const manifest = consumer.manifests[folder]
    const dir = consumer.packageDirs[folder]
    await check(`${manifest.name}: every export target is in the tarball`, () => {
      const entries = entryTargets(manifest)
      if (entries.length === 0) fail('the published manifest has no exports')
      for (const [key, conditions] of entries) {
        const order = Object.keys(conditions)
        if (key.endsWith('.css')) {
          if (!('default' in conditions)) fail(`${key} should be a plain path`)
        } else {
          if (order[0] !== 'types') fail(`${key}: "types" must come first (it is ${order[0]})`)
          if (!('import' in conditions)) fail(`${key}: no "import" condition`)
          if (Object.values(conditions).some((target) => target.includes('/src/'))) {
            fail(`${key} points at source; publishConfig.exports should point at dist`)
          }
        }
        for (const target of Object.values(conditions)) {
          if (!existsSync(join(dir, target))) fail(`${key} → ${target} is not in the tarball`)
        }
      }
      const shipped = readdirSync(dir)
      const extra = shipped.filter((file) => !['dist', 'package.json', 'README.md'].includes(file))
      if (extra.length) fail(`unexpected files in the tarball: ${extra.join(', ')}`)
    })
    await check(`${manifest.name}: sideEffects`, () => {
      const expected = folder === 'react' ? ['**/*.css'] : false
      if (JSON.stringify(manifest.sideEffects) !== JSON.stringify(expected)) {
        fail(
          `sideEffects is ${JSON.stringify(manifest.sideEffects)}, want ${JSON.stringify(expected)}`,
        )
      }
    })
    await check(`${manifest.name}: Node imports every entry point`, () => {
      for (const [key] of entryTargets(manifest)) {
        if (key.endsWith('.css')) continue
        // The browser entry of the sandbox needs a service worker; it is checked by the bundler.
        if (key === './msw-browser') continue
        const specifier = key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`
        const result = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports')`,
          ],
          { cwd: consumer.dir, encoding: 'utf8' },
        )
        if (result.status !== 0) fail(`import('${specifier}') failed:\n${result.stderr.trim()}`)
      }
    })
  }

  await check("@bankconnect/react: dist/index.js starts with 'use client'", () => {
    const first = readFileSync(join(consumer.packageDirs.react, 'dist/index.js'), 'utf8')
      .split('\n', 1)[0]
      ?.trim()
    if (first !== '"use client";' && first !== "'use client';") {
      fail(`the first line is ${JSON.stringify(first)}`)
    }
  })

  await check('TypeScript (NodeNext) consumer type-checks against the .d.ts files', () => {
    writeFileSync(
      join(consumer.dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    writeFileSync(
      join(consumer.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          jsx: 'react-jsx',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    )
    // Each `@ts-expect-error` fails the check if its line type-checks, which it would if the
    // declarations had not resolved and everything were `any`.
    writeFileSync(
      join(consumer.dir, 'consumer.ts'),
      [
        "import { createElement } from 'react'",
        "import { createBasiqClient, interpretJob, type Job } from '@bankconnect/core'",
        "import { BankConnectProvider, JobProgress, useJob, type UseJobResult } from '@bankconnect/react'",
        "import { createTokenHandler } from '@bankconnect/server'",
        "import { createSandbox } from '@bankconnect/sandbox'",
        "import { sandboxHandlers } from '@bankconnect/sandbox/msw'",
        '',
        "const client = createBasiqClient({ baseUrl: 'https://au-api.basiq.io', getToken: async () => 'token' })",
        'export const phase = (job: Job) => interpretJob(job).phase',
        "export const handler = createTokenHandler({ apiKey: 'key', authorize: () => null })",
        'export const handlers = sandboxHandlers(createSandbox())',
        "export const element = createElement(BankConnectProvider, { userId: 'u', tokenUrl: '/token' }, createElement(JobProgress, { jobId: 'j' }))",
        "export type Phase = UseJobResult['phase']",
        'export const hook: typeof useJob = useJob',
        'export { client }',
        '// @ts-expect-error userId must be a string',
        "createElement(BankConnectProvider, { userId: 1, tokenUrl: '/token' })",
        '// @ts-expect-error the client has no such method',
        'client.noSuchMethod()',
        '// @ts-expect-error a phase is one of a few strings',
        "export const wrong: Phase = 'nope'",
        '',
      ].join('\n'),
    )
    const result = spawnSync(
      process.execPath,
      [join(consumer.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: consumer.dir, encoding: 'utf8' },
    )
    if (result.status !== 0) fail(`tsc failed:\n${(result.stdout + result.stderr).trim()}`)
  })

  await check('Vite resolves @bankconnect/react and its theme.css for a consumer app', async () => {
    writeFileSync(
      join(consumer.dir, 'app.js'),
      [
        "import '@bankconnect/react/theme.css'",
        "import { BankConnectProvider } from '@bankconnect/react'",
        "import { createSandbox } from '@bankconnect/sandbox'",
        "import { setupSandboxWorker } from '@bankconnect/sandbox/msw-browser'",
        'globalThis.bankconnect = { BankConnectProvider, createSandbox, setupSandboxWorker }',
        '',
      ].join('\n'),
    )
    const output = await build({
      configFile: false,
      root: consumer.dir,
      logLevel: 'silent',
      build: {
        outDir: join(consumer.dir, 'out'),
        write: false,
        minify: false,
        rolldownOptions: {
          input: join(consumer.dir, 'app.js'),
          external: [
            /^react($|\/)/,
            /^react-dom($|\/)/,
            /^@tanstack\/react-query/,
            /^zustand/,
            /^msw/,
          ],
        },
      },
    })
    const outputs = (Array.isArray(output) ? output : [output]).flatMap((result) =>
      'output' in result ? result.output : [],
    )
    const css = outputs.find((item) => item.fileName.endsWith('.css'))
    if (!css || css.type !== 'asset' || !String(css.source).includes('--bc-color-accent')) {
      fail('the bundle has no theme stylesheet')
    }
    const js = outputs.find((item) => item.type === 'chunk')
    if (!js || js.type !== 'chunk' || !js.code.includes('BankConnectProvider')) {
      fail('the bundle has no BankConnectProvider')
    }
  })
} finally {
  consumer.cleanup()
}

// `pnpm test` counts these checks with the other tests.
const report = process.env.CHECK_PACKAGES_REPORT
if (report) writeFileSync(report, JSON.stringify({ passed, failed: failures.length }))

if (failures.length) {
  console.error(`\ncheck-packages: ${failures.length} check(s) failed`)
  process.exit(1)
}
console.info('\ncheck-packages: every package resolves for Node, TypeScript (NodeNext) and Vite')
