// A consumer project made of the packages exactly as they would be published: each workspace
// package is packed by pnpm (which applies `publishConfig` and the `files` list) and unpacked into a
// temporary `node_modules`, beside links to the third-party packages they need. Used by
// `scripts/check-packages.ts` (do the exports resolve for Node, TypeScript and bundlers?) and by the
// size benchmark (how big is a consumer's bundle?).
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root folder. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The workspace packages that are published, by folder under `packages/`. */
export const publishedPackages = ['core', 'server', 'sandbox', 'react'] as const

/** A folder under `packages/`. */
export type PublishedPackage = (typeof publishedPackages)[number]

/** The subset of a package.json the checks read. */
export interface PackageManifest {
  name: string
  version: string
  type?: string
  sideEffects?: boolean | string[]
  exports?: Record<string, string | Record<string, string>>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** A temporary consumer project with the packed packages installed. */
export interface PackedConsumer {
  /** The consumer project's folder (it has a `node_modules`). */
  dir: string
  /** The packed manifest of each package, by folder name. */
  manifests: Record<PublishedPackage, PackageManifest>
  /** Where each packed package was unpacked, by folder name. */
  packageDirs: Record<PublishedPackage, string>
  /** Deletes the project. */
  cleanup(): void
}

/** Options of {@link createPackedConsumer}. */
export interface PackedConsumerOptions {
  /**
   * Third-party packages to link beside the ones the packed manifests name (e.g. type packages a
   * TypeScript consumer needs). Default none.
   */
  extraDependencies?: string[]
}

/**
 * Packs every published package (their `dist` must be built: run `pnpm build` first) and installs
 * the tarballs' contents into a fresh temporary project. Third-party dependencies are linked from
 * the workspace's own install, so no registry is asked.
 */
export function createPackedConsumer(options: PackedConsumerOptions = {}): PackedConsumer {
  const dir = mkdtempSync(join(tmpdir(), 'bankconnect-consumer-'))
  const tarballs = join(dir, '.tarballs')
  mkdirSync(tarballs)
  const modules = join(dir, 'node_modules')
  const manifests = {} as Record<PublishedPackage, PackageManifest>
  const packageDirs = {} as Record<PublishedPackage, string>
  const thirdParty = new Map<string, string>()
  try {
    for (const folder of publishedPackages) {
      const source = join(repoRoot, 'packages', folder)
      if (!existsSync(join(source, 'dist'))) {
        throw new Error(`packages/${folder}/dist is missing: run \`pnpm build\` first`)
      }
      const before = new Set(readdirSync(tarballs))
      execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: source,
        stdio: 'pipe',
      })
      const tarball = readdirSync(tarballs).find((file) => !before.has(file))
      if (tarball === undefined)
        throw new Error(`pnpm pack wrote no tarball for packages/${folder}`)
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', join(tarballs, tarball), 'package/package.json'], {
          encoding: 'utf8',
        }),
      ) as PackageManifest
      const target = join(modules, ...manifest.name.split('/'))
      mkdirSync(target, { recursive: true })
      execFileSync('tar', ['-xzf', join(tarballs, tarball), '-C', target, '--strip-components=1'])
      manifests[folder] = manifest
      packageDirs[folder] = target
      const wanted = [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]
      for (const name of wanted) {
        if (name.startsWith('@bankconnect/') || thirdParty.has(name)) continue
        thirdParty.set(name, locate(name, [source, repoRoot]))
      }
    }
    for (const name of options.extraDependencies ?? []) {
      if (!thirdParty.has(name)) thirdParty.set(name, locate(name, [repoRoot]))
    }
    for (const [name, location] of thirdParty) {
      const link = join(modules, ...name.split('/'))
      mkdirSync(dirname(link), { recursive: true })
      symlinkSync(location, link, 'dir')
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    dir,
    manifests,
    packageDirs,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

// The real folder of an installed package, looked up the way Node would from each of `from`.
function locate(name: string, from: string[]): string {
  for (const base of from) {
    const candidate = join(base, 'node_modules', ...name.split('/'))
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
  }
  throw new Error(`${name} is not installed in the workspace (looked in ${from.join(', ')})`)
}

/** Reads a JSON file. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}
