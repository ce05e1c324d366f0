/**
 * Deterministic randomness. Every random draw in the sandbox comes from a `Random` derived from the
 * sandbox seed, so one seed reproduces the same ids, durations and MFA coin flips.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number
  /** A standard normal draw (mean 0, σ 1). */
  normal(): number
  /** A log-normal draw whose mean is `mean` and whose log has standard deviation `sigma`. */
  logNormal(mean: number, sigma: number): number
  /** A version-4-shaped UUID built from this generator's draws. */
  uuid(): string
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /**
   * An independent generator for one purpose (e.g. `job:<id>`). Forking by label keeps one
   * purpose's draws from shifting when another purpose draws more or less often.
   */
  fork(label: string): Random
}

/** 32-bit string hash (FNV-1a then an avalanche mix); stable across runs and platforms. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

function splitMix32(state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/**
 * Creates a seeded generator (a small-state counter-based generator; quality is ample for a
 * simulator and it is fast and portable).
 */
export function createRandom(seed: number): Random {
  const normalizedSeed = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0
  const init = splitMix32(normalizedSeed)
  let a = init()
  let b = init()
  let c = init()
  let d = init()

  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t >>> 0
  }
  // Warm up so that nearby seeds diverge immediately.
  for (let i = 0; i < 12; i += 1) nextUint32()

  const random: Random = {
    next: () => nextUint32() / 4294967296,
    int: (maxExclusive) => Math.floor(random.next() * Math.max(1, Math.floor(maxExclusive))),
    normal() {
      // Box–Muller; 1 - next() keeps the logarithm's argument in (0, 1].
      const u = 1 - random.next()
      const v = random.next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    logNormal(mean, sigma) {
      return mean * Math.exp(sigma * random.normal() - (sigma * sigma) / 2)
    },
    uuid() {
      const hex: string[] = []
      for (let i = 0; i < 4; i += 1) hex.push(nextUint32().toString(16).padStart(8, '0'))
      const s = hex.join('')
      const variant = ((parseInt(s.charAt(16), 16) & 0x3) | 0x8).toString(16)
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('Random.pick: empty array')
      return items[random.int(items.length)] as (typeof items)[number]
    },
    fork: (label) => createRandom(hashString(label, normalizedSeed)),
  }
  return random
}
