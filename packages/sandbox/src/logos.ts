import { SANDBOX_LOGO_PATH, type SandboxInstitution } from './catalogue.ts'

/** The two logo shapes an institution record links to. */
export type LogoVariant = 'square' | 'full'

/** Colour used when a record has no usable `logo.colors.primary`. */
export const FALLBACK_LOGO_COLOUR = '#4A5568'

const SQUARE = 64
const FULL_WIDTH = 256
const FULL_HEIGHT = 64
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif'

/**
 * A small self-made SVG logo for an institution: its initials on the brand primary colour
 * (`square`, 64×64), or its short name on a wider badge (`full`, 256×64). The text colour is black or
 * white, whichever contrasts more with the brand colour. The SVG is standalone: it has an `xmlns`,
 * references nothing outside itself and escapes every name.
 * @throws {TypeError} when `institution` is not an object or `variant` is not `square`/`full`.
 */
export function logoSvg(institution: SandboxInstitution, variant: LogoVariant): string {
  if (typeof institution !== 'object' || institution === null) {
    throw new TypeError('logoSvg needs an institution record, got ' + String(institution))
  }
  if (variant !== 'square' && variant !== 'full') {
    throw new TypeError(
      `Logo variant must be "square" or "full", got ${JSON.stringify(variant) ?? String(variant)}`,
    )
  }
  const label = textOf(institution.shortName) || textOf(institution.name) || textOf(institution.id)
  const title = textOf(institution.name) || label
  const background = parseHexColour(institution.logo?.colors?.primary) ?? FALLBACK_LOGO_COLOUR
  const foreground = contrastingText(background)

  if (variant === 'square') {
    const initials = initialsOf(label)
    const fontSize = initials.length > 2 ? 20 : 26
    return svg(SQUARE, SQUARE, title, [
      `<rect width="${SQUARE}" height="${SQUARE}" rx="12" fill="${background}"/>`,
      text(SQUARE / 2, initials, fontSize, foreground),
    ])
  }

  const padding = 16
  const fontSize = 26
  // Without font metrics, squeeze only names that would likely overflow the badge.
  const roughWidth = [...label].length * fontSize * 0.58
  const fit = roughWidth > FULL_WIDTH - padding * 2 ? FULL_WIDTH - padding * 2 : undefined
  return svg(FULL_WIDTH, FULL_HEIGHT, title, [
    `<rect width="${FULL_WIDTH}" height="${FULL_HEIGHT}" rx="12" fill="${background}"/>`,
    text(FULL_WIDTH / 2, label, fontSize, foreground, fit),
  ])
}

/**
 * Reads a sandbox logo path such as `/__sandbox/logos/AU00000-full.svg` back into the institution id
 * and variant, or `undefined` when the path is not one.
 */
export function parseLogoPath(pathname: string): { id: string; variant: LogoVariant } | undefined {
  if (typeof pathname !== 'string' || !pathname.startsWith(SANDBOX_LOGO_PATH)) return undefined
  const match = /^([A-Z]{2}[0-9]{5})(-full)?\.svg$/.exec(pathname.slice(SANDBOX_LOGO_PATH.length))
  if (!match) return undefined
  return { id: match[1] as string, variant: match[2] ? 'full' : 'square' }
}

/**
 * The initials shown on a square logo: an all-capitals short name of up to four characters as it is
 * ("NAB", "BNZ"), the capitals of a single word ("CommBank" → "CB"), a leading number as it is
 * ("86 400" → "86"), otherwise the first letter of each word, at most three.
 */
function initialsOf(label: string): string {
  const words = label.split(/[\s.\-_/]+/u).filter((word) => /[\p{L}\p{N}]/u.test(word))
  const first = words[0]
  if (first === undefined) return '?'
  if (/^\p{N}+$/u.test(first)) return first.slice(0, 3)
  const compact = words.join('')
  if (compact.length <= 4 && compact === compact.toUpperCase()) return compact
  if (words.length === 1) {
    const capitals = first.match(/\p{Lu}/gu) ?? []
    if (capitals.length >= 2) return capitals.slice(0, 3).join('')
    return (first.match(/[\p{L}\p{N}]/u)?.[0] ?? '?').toUpperCase()
  }
  return words
    .map((word) => word.match(/[\p{L}\p{N}]/u)?.[0] ?? '')
    .join('')
    .slice(0, 3)
    .toUpperCase()
}

function svg(width: number, height: number, title: string, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>${body.join('')}</svg>`
  )
}

function text(
  x: number,
  content: string,
  fontSize: number,
  fill: string,
  textLength?: number,
): string {
  const fit =
    textLength === undefined ? '' : ` textLength="${textLength}" lengthAdjust="spacingAndGlyphs"`
  return (
    `<text x="${x}" y="50%" dominant-baseline="central" text-anchor="middle" ` +
    `font-family="${FONT}" font-size="${fontSize}" font-weight="700" fill="${fill}"${fit}>` +
    `${escapeXml(content)}</text>`
  )
}

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot carry. */
function escapeXml(value: string): string {
  return (
    value
      // oxlint-disable-next-line no-control-regex -- removing the control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  )
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

// Only plain hex colours reach the SVG, so a record can never smuggle markup or a url() into it.
function parseHexColour(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim())
  if (!match) return undefined
  const digits = match[1] as string
  const full = digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits
  return `#${full.toUpperCase()}`
}

/** WCAG relative luminance of a `#RRGGBB` colour. */
function luminance(hex: string): number {
  const channel = (offset: number): number => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/**
 * `#000000` or `#FFFFFF`, whichever has the higher WCAG contrast ratio against `background`
 * (a `#RRGGBB` colour).
 */
function contrastingText(background: string): '#000000' | '#FFFFFF' {
  const l = luminance(background)
  const againstWhite = 1.05 / (l + 0.05)
  const againstBlack = (l + 0.05) / 0.05
  return againstBlack >= againstWhite ? '#000000' : '#FFFFFF'
}
