import { institutions as sandboxCatalogue } from '@bankconnect/sandbox'
import { fireEvent, render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { InstitutionLogo, initials } from './institution-logo.tsx'

describe('initials', () => {
  it.each([
    [{ shortName: 'NAB', name: 'National Australia Bank' }, 'NAB'],
    [{ shortName: 'ANZ', name: 'Australia and New Zealand Banking Group' }, 'ANZ'],
    [{ shortName: 'St.George', name: 'St.George Bank' }, 'SG'],
    [{ shortName: 'Bank of Melbourne', name: 'Bank of Melbourne' }, 'BM'],
    [{ shortName: 'Westpac', name: 'Westpac Banking Corporation' }, 'W'],
    [{ shortName: "People's Choice", name: "People's Choice Credit Union" }, 'PC'],
    [{ shortName: 'People’s Choice', name: '' }, 'PC'],
    [{ shortName: 'The Co-operative Bank', name: 'The Co-operative Bank' }, 'TC'],
    [{ shortName: '', name: 'Ōtaki Savings' }, 'OS'],
    [{ shortName: 'Āpiti Ōhākune', name: '' }, 'AO'],
    [{ shortName: '   ', name: 'ubank' }, 'U'],
    [{ shortName: '', name: '' }, '?'],
    [{ shortName: '—', name: '' }, '?'],
  ])('%o → %s', (institution, expected) => {
    expect(initials(institution)).toBe(expected)
  })

  it('copes with records that are not what the API promised', () => {
    expect(initials({} as never)).toBe('?')
    expect(initials({ shortName: 42, name: null } as never)).toBe('?')
    expect(initials(undefined as never)).toBe('?')
  })

  it('gives every sandbox institution one to three capitals or digits', () => {
    for (const institution of sandboxCatalogue) {
      expect(initials(institution)).toMatch(/^[A-Z0-9]{1,3}$/)
    }
  })
})

describe('InstitutionLogo', () => {
  it('shows new initials when the same institution object is renamed', () => {
    const institution = {
      name: 'Kiwi Savings Bank',
      shortName: 'Kiwi Savings',
      logo: { type: 'institution', links: { square: '', full: '' } },
    }
    const { container, rerender } = render(<InstitutionLogo institution={institution} />)
    const fallback = () => container.querySelector('[data-slot="logo"]')
    expect(fallback()).toHaveTextContent('KS')
    institution.shortName = 'Hooli'
    rerender(<InstitutionLogo institution={institution} className="renamed" />)
    expect(fallback()).toHaveTextContent('H')
    expect(fallback()).toHaveClass('renamed')
  })

  const withLogo = {
    name: 'Hooli Bank',
    shortName: 'Hooli',
    logo: { links: { square: 'https://logos.example/hooli.png', full: '' } },
  } as never
  const withoutLogo = {
    name: 'Kiwi Savings Bank',
    shortName: 'Kiwi Savings',
    logo: { links: { square: ' ', full: '' } },
  } as never

  it('loads the logo lazily, as decoration by default', () => {
    const { container } = render(<InstitutionLogo institution={withLogo} />)
    const image = container.querySelector('img') as HTMLImageElement
    expect(image).toHaveAttribute('src', 'https://logos.example/hooli.png')
    expect(image).toHaveAttribute('loading', 'lazy')
    expect(image).toHaveAttribute('alt', '')
    expect(image).toHaveAttribute('data-state', 'loading')
    fireEvent.load(image)
    expect(image).toHaveAttribute('data-state', 'loaded')
  })

  it('shows the initials without a logo URL or once the image fails', () => {
    const { container, rerender } = render(<InstitutionLogo institution={withoutLogo} />)
    expect(container.querySelector('[data-slot="logo"]')).toHaveTextContent('KS')
    expect(container.querySelector('img')).toBeNull()

    rerender(<InstitutionLogo institution={withLogo} />)
    fireEvent.error(container.querySelector('img') as HTMLImageElement)
    const fallback = container.querySelector('[data-slot="logo"]')
    expect(fallback?.tagName).toBe('SPAN')
    expect(fallback).toHaveAttribute('data-state', 'fallback')
    expect(fallback).toHaveAttribute('aria-hidden', 'true')
    expect(fallback).toHaveTextContent('H')
  })

  it('names the fallback as an image when given alt text', () => {
    const { getByRole } = render(<InstitutionLogo institution={withoutLogo} alt="Kiwi Savings" />)
    expect(getByRole('img', { name: 'Kiwi Savings' })).toHaveTextContent('KS')
  })
})
