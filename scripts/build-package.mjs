// Builds the workspace package in the current directory: ESM JavaScript with Vite (one file per entry of
// the package's `exports`) and declarations with `tsc`. In the workspace the packages export their
// TypeScript source; `publishConfig.exports` points consumers of the published package at `dist`.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { basename, resolve } from 'node:path'
import { build } from 'vite'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const entries = {}
for (const [key, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'string' || !target.endsWith('.ts')) continue
  entries[key === '.' ? 'index' : key.replace(/^\.\//, '')] = resolve(target)
}

rmSync('dist', { recursive: true, force: true })
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
// React entry points keep their client boundary for server-component bundlers.
const banner = pkg.name === '@bankconnect/react' ? "'use client';" : undefined

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    target: 'es2022',
    lib: { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions: {
      external: (id) =>
        builtins.has(id) || !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')),
      output: banner ? { banner } : {},
    },
  },
})

execFileSync('pnpm', ['exec', 'tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
console.info(
  `${pkg.name}: built ${Object.keys(entries).length} entr${Object.keys(entries).length === 1 ? 'y' : 'ies'} into ${basename(process.cwd())}/dist`,
)
