// @vitest-environment jsdom
// jsdom brings a real XML parser (DOMParser in image/svg+xml mode), which rejects ill-formed markup.
import { describe, expect, test } from 'vitest'
import { institutions, type SandboxInstitution } from './catalogue.ts'
import { FALLBACK_LOGO_COLOUR, logoSvg, parseLogoPath, type LogoVariant } from './logos.ts'
import { stressInstitutions } from './stress.ts'

const SVG_NS = 'http://www.w3.org/2000/svg'
const variants: LogoVariant[] = ['square', 'full']

function parseSvg(markup: string): Document {
  const document = new DOMParser().parseFromString(markup, 'image/svg+xml')
  const error = document.getElementsByTagName('parsererror')[0]
  if (error) throw new Error(`not well-formed XML: ${error.textContent}\n${markup}`)
  return document
}

function byShortName(shortName: string): SandboxInstitution {
  const found = institutions.find((i) => i.shortName === shortName)
  if (!found) throw new Error(`${shortName} is not in the catalogue`)
  return found
}

function withName(name: string, shortName = name, primary = '#123456'): SandboxInstitution {
  const base = structuredClone(institutions[0] as SandboxInstitution)
  return { ...base, name, shortName, logo: { ...base.logo, colors: { primary } } }
}

/** WCAG contrast ratio of two `#RRGGBB` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((offset) => {
      const value = parseInt(hex.slice(offset, offset + 2), 16) / 255
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

function parts(markup: string) {
  const svg = parseSvg(markup).documentElement
  const rect = svg.getElementsByTagName('rect')[0]
  const text = svg.getElementsByTagName('text')[0]
  return {
    svg,
    title: svg.getElementsByTagName('title')[0]?.textContent,
    background: rect?.getAttribute('fill') ?? '',
    foreground: text?.getAttribute('fill') ?? '',
    text: text?.textContent,
  }
}

describe('logoSvg', () => {
  test('the parser used here does reject ill-formed markup', () => {
    expect(() =>
      parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>A & B</text></svg>'),
    ).toThrow(/not well-formed/)
  })

  test('every catalogue logo, in both variants, is a well-formed standalone SVG', () => {
    const found = institutions.flatMap((institution) =>
      variants.map((variant) => {
        const { svg, title } = parts(logoSvg(institution, variant))
        return { id: institution.id, root: `${svg.namespaceURI} ${svg.localName}`, title }
      }),
    )
    expect(found).toEqual(
      institutions.flatMap((institution) =>
        variants.map(() => ({
          id: institution.id,
          root: `${SVG_NS} svg`,
          title: institution.name,
        })),
      ),
    )
  })

  test('square is 64×64 and full is wider', () => {
    const square = parts(logoSvg(byShortName('Hooli'), 'square')).svg
    const full = parts(logoSvg(byShortName('Hooli'), 'full')).svg
    expect([square.getAttribute('width'), square.getAttribute('height')]).toEqual(['64', '64'])
    expect(Number(full.getAttribute('width'))).toBeGreaterThan(Number(full.getAttribute('height')))
  })

  test('square shows the initials and full shows the short name', () => {
    const initials = (shortName: string) => parts(logoSvg(byShortName(shortName), 'square')).text
    expect(initials('CommBank')).toBe('CB')
    expect(initials('NAB')).toBe('NAB')
    expect(initials('St.George')).toBe('SG')
    expect(initials("People's Choice")).toBe('PC')
    expect(initials('Hooli')).toBe('H')
    expect(initials('86 400')).toBe('86')
    expect(parts(logoSvg(byShortName('Bank of Melbourne'), 'full')).text).toBe('Bank of Melbourne')
  })

  test('the brand colour is the background and the text contrasts with it', () => {
    const found = institutions.flatMap((institution) =>
      variants.flatMap((variant) => {
        const { background, foreground } = parts(logoSvg(institution, variant))
        const ratio = contrast(background, foreground)
        return [
          background !== institution.logo.colors.primary && `${institution.id}: ${background}`,
          ratio < 4.5 &&
            `${institution.id}: ${foreground} on ${background} is ${ratio.toFixed(2)}:1`,
        ].filter(Boolean)
      }),
    )
    expect(found).toEqual([])
    // CommBank yellow needs dark text; Westpac red needs light text.
    expect(parts(logoSvg(byShortName('CommBank'), 'square')).foreground).toBe('#000000')
    expect(parts(logoSvg(byShortName('Westpac'), 'square')).foreground).toBe('#FFFFFF')
  })

  test('escapes XML special characters in names and keeps their text intact', () => {
    const name = `A&B <Bank> "Quoted" 'Single'`
    for (const variant of variants) {
      const markup = logoSvg(withName(name), variant)
      expect(markup).not.toContain('<Bank>')
      expect(markup).not.toContain('A&B')
      expect(parts(markup).title).toBe(name)
      expect(parts(markup).svg.getAttribute('aria-label')).toBe(name)
    }
    expect(parts(logoSvg(withName(name), 'full')).text).toBe(name)
    expect(parts(logoSvg(byShortName('G&C Mutual'), 'full')).text).toBe('G&C Mutual')
  })

  test('drops characters XML cannot carry instead of producing a broken file', () => {
    const markup = logoSvg(withName('Bad\u0000Bank\u0007 \uD800Ltd'), 'full')
    expect(parts(markup).text).toBe('BadBank Ltd')
  })

  test('references nothing outside itself', () => {
    const logos = [...institutions, ...stressInstitutions(50)].flatMap((institution) =>
      variants.map((variant) => logoSvg(institution, variant)),
    )
    for (const markup of logos) {
      const { svg } = parts(markup)
      const withoutNamespace = markup.replace(`xmlns="${SVG_NS}"`, '')
      expect(withoutNamespace).not.toMatch(/https?:|href|url\(|@import|<image|<use|<script/i)
      expect(svg.querySelectorAll('image, use, script, foreignObject, style')).toHaveLength(0)
    }
  })

  test('a colour that is not plain hex falls back instead of reaching the markup', () => {
    for (const primary of ['url(https://evil.example/x.svg)', '#123"/><script>1</script>', 'red']) {
      const markup = logoSvg(withName('Hostile', 'Hostile', primary), 'square')
      expect(parts(markup).background).toBe(FALLBACK_LOGO_COLOUR)
      expect(markup).not.toContain('evil')
      expect(markup).not.toContain('<script')
    }
    expect(parts(logoSvg(withName('Short', 'Short', '#fc0'), 'square')).background).toBe('#FFCC00')
  })

  test('generated names with apostrophes and macrons render', () => {
    const special = stressInstitutions(2_000).filter((i) => /['āēīōū]/i.test(i.name))
    expect(special.length).toBeGreaterThan(0)
    for (const institution of special.slice(0, 50)) {
      expect(parts(logoSvg(institution, 'full')).text).toBe(institution.shortName)
    }
  })

  test('bad arguments get a clear error', () => {
    const hooli = institutions[0] as SandboxInstitution
    expect(() => logoSvg(hooli, 'wide' as LogoVariant)).toThrow(/"square" or "full".*"wide"/)
    expect(() => logoSvg(null as unknown as SandboxInstitution, 'square')).toThrow(TypeError)
  })

  test('a record without names still gets a logo', () => {
    const nameless = { ...withName(''), shortName: '', name: '' }
    expect(parts(logoSvg(nameless, 'square')).text).toBe('AU')
    expect(parts(logoSvg(nameless, 'full')).text).toBe('AU00000')
  })
})

describe('parseLogoPath', () => {
  test('reads back every logo link of the catalogue', () => {
    for (const institution of institutions) {
      expect(parseLogoPath(institution.logo.links.square)).toEqual({
        id: institution.id,
        variant: 'square',
      })
      expect(parseLogoPath(institution.logo.links.full)).toEqual({
        id: institution.id,
        variant: 'full',
      })
    }
  })

  test('answers undefined for anything else', () => {
    const paths = [
      '/institutions/AU00000',
      '/__sandbox/logos/AU00000.png',
      '/__sandbox/logos/../AU00000.svg',
      '/__sandbox/logos/au00000.svg',
      '/__sandbox/logos/AU00000-wide.svg',
      '',
    ]
    expect(paths.map(parseLogoPath)).toEqual(paths.map(() => undefined))
  })
})
