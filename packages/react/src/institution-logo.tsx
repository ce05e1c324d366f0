import type { Institution } from '@bankconnect/core'
import { useState } from 'react'
import type { ComponentPropsWithRef, ReactNode, SyntheticEvent } from 'react'

/**
 * Where a logo stands, exposed as `data-state`: `loading` until the image arrives, `loaded`, or
 * `fallback` (the institution's initials) when there is no logo URL or the image failed.
 */
export type InstitutionLogoState = 'loading' | 'loaded' | 'fallback'

/** Props of {@link InstitutionLogo}: an `<img>`'s own props, plus: */
export interface InstitutionLogoProps extends Omit<ComponentPropsWithRef<'img'>, 'src' | 'alt'> {
  /** The institution whose logo to show. */
  institution: Pick<Institution, 'name' | 'shortName' | 'logo'>
  /** Which of Basiq's logo images to use. Default `'square'`. */
  variant?: 'square' | 'full'
  /**
   * Text alternative. Default `''` (decorative): the institution's name is shown next to the
   * logo wherever the kit uses it.
   */
  alt?: string
}

/**
 * An institution's logo, loaded lazily (only when it nears the viewport) and decoded off the main
 * thread. Without a logo URL, or when the image fails, it shows the institution's initials
 * instead, so a broken logo never breaks the row it sits in. Renders `<img data-slot="logo">` or
 * `<span data-slot="logo" data-state="fallback">`; `width` / `height` default to 32 so rows do not
 * jump while logos arrive.
 */
export function InstitutionLogo(props: InstitutionLogoProps): ReactNode {
  const { institution, variant = 'square', alt = '', onError, onLoad, ...imgProps } = props
  const src = logoUrl(institution, variant)
  // Keyed by URL: a new institution (or a fixed URL) gets a fresh attempt.
  const [outcome, setOutcome] = useState<{ src: string; state: 'loaded' | 'failed' } | undefined>()
  const state: InstitutionLogoState =
    src === undefined || (outcome?.src === src && outcome.state === 'failed')
      ? 'fallback'
      : outcome?.src === src
        ? 'loaded'
        : 'loading'

  if (state === 'fallback') {
    return (
      <span
        className={imgProps.className}
        id={imgProps.id}
        data-slot="logo"
        data-state="fallback"
        aria-hidden={alt === '' ? true : undefined}
        role={alt === '' ? undefined : 'img'}
        aria-label={alt === '' ? undefined : alt}
      >
        {rememberedInitials(institution)}
      </span>
    )
  }
  return (
    <img
      width={32}
      height={32}
      loading="lazy"
      decoding="async"
      {...imgProps}
      src={src}
      alt={alt}
      data-slot="logo"
      data-state={state}
      onLoad={(event: SyntheticEvent<HTMLImageElement, Event>) => {
        onLoad?.(event)
        setOutcome({ src: src as string, state: 'loaded' })
      }}
      onError={(event: SyntheticEvent<HTMLImageElement, Event>) => {
        onError?.(event)
        setOutcome({ src: src as string, state: 'failed' })
      }}
    />
  )
}

function logoUrl(
  institution: InstitutionLogoProps['institution'],
  variant: 'square' | 'full',
): string | undefined {
  const url = institution?.logo?.links?.[variant]
  return typeof url === 'string' && url.trim() !== '' ? url : undefined
}

/** The names an institution's initials were worked out from, and the initials. */
interface Remembered {
  shortName: unknown
  name: unknown
  initials: string
}
const rememberedByInstitution = new WeakMap<object, Remembered>()

/**
 * `initials(institution)`, remembered per institution object: a picker row shows the same banks
 * again and again as the user types, and each time it would work them out anew. The names are
 * compared too, so an object whose names were changed in place gets new initials.
 */
function rememberedInitials(institution: InstitutionLogoProps['institution']): string {
  if (typeof institution !== 'object' || institution === null) return initials(institution)
  const remembered = rememberedByInstitution.get(institution)
  if (
    remembered !== undefined &&
    remembered.shortName === institution.shortName &&
    remembered.name === institution.name
  ) {
    return remembered.initials
  }
  const text = initials(institution)
  rememberedByInstitution.set(institution, {
    shortName: institution.shortName,
    name: institution.name,
    initials: text,
  })
  return text
}

const SMALL_WORDS = new Set(['of', 'the', 'and', 'bank'])
// Anything but printable ASCII (a control character merely takes the slower path).
const NON_ASCII = /[^ -~]/

/**
 * Up to three letters for a logo placeholder: an acronym as it is (`NAB`, `ANZ`), otherwise the
 * first letters of the first two significant words (`St.George` → `SG`, `Bank of Melbourne` →
 * `BM`), or the first letter of a single word (`Westpac` → `W`).
 */
export function initials(institution: Pick<Institution, 'name' | 'shortName'>): string {
  const source =
    typeof institution?.shortName === 'string' && institution.shortName.trim() !== ''
      ? institution.shortName
      : typeof institution?.name === 'string'
        ? institution.name
        : ''
  // Accents are taken off (Ō → O) only when the name has any, which most names do not.
  const plain = NON_ASCII.test(source)
    ? source.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    : source
  // An apostrophe does not start a word: People's Choice is PC.
  const words = plain
    .replace(/['’‘`´]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  const first = words[0]
  if (first === undefined) return '?'
  if (words.length === 1) {
    return /^[A-Z0-9]{2,3}$/.test(first) ? first : first.charAt(0).toUpperCase()
  }
  const significant = words.filter(
    (word, index) => index === 0 || !SMALL_WORDS.has(word.toLowerCase()),
  )
  return significant
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join('')
}
