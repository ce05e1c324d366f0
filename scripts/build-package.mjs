// Builds the workspace package in the current directory: ESM JavaScript with Vite (one file per
// source module, the package's `exports` as entries) and declarations with `tsc`. In the workspace the packages export their
// TypeScript source; `publishConfig.exports` points consumers of the published package at `dist`.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { basename, dirname, relative, resolve } from 'node:path'
import { build } from 'vite'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const entries = {}
// Stylesheets (the React package's opt-in theme) ship as they are: a consumer's bundler minifies
// them with the rest of its CSS, and `sideEffects` keeps them from being tree-shaken away.
const stylesheets = []
for (const target of Object.values(pkg.exports)) {
  if (typeof target !== 'string') continue
  if (target.endsWith('.css')) stylesheets.push(target)
  if (!target.endsWith('.ts')) continue
  // Named after the source file, as tsc names its declarations, so `publishConfig.exports` can
  // pair `./dist/<file>.js` with `./dist/<file>.d.ts` whatever the subpath is called.
  entries[relative(resolve('src'), resolve(target)).replace(/\.ts$/, '')] = resolve(target)
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
      // One file per source module, so a consumer's bundler drops whole modules the app does not
      // use (`sideEffects: false`) instead of reasoning statement by statement about one big file,
      // which keeps, for instance, every schema of the client in a bundle that only follows jobs.
      output: {
        preserveModules: true,
        preserveModulesRoot: 'src',
        entryFileNames: '[name].js',
        ...(banner ? { banner } : {}),
      },
    },
  },
})

execFileSync('pnpm', ['exec', 'tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
for (const stylesheet of stylesheets) {
  const to = resolve('dist', relative(resolve('src'), resolve(stylesheet)))
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(stylesheet, to)
}
console.info(
  `${pkg.name}: built ${Object.keys(entries).length} entr${Object.keys(entries).length === 1 ? 'y' : 'ies'} into ${basename(process.cwd())}/dist`,
)
