import { institutions as sandboxCatalogue } from '@bankconnect/sandbox'
import { describe, expect, test } from 'vitest'
import { institutionHealth } from './institution-health.ts'
import type { Institution } from './schemas.ts'

describe('institutionHealth', () => {
  test.each([
    ['operational', 'ok', true],
    ['degraded-performance', 'warning', true],
    ['partial-outage', 'warning', true],
    ['under-maintenance', 'warning', true],
    ['under-improvement', 'warning', true],
    ['major-outage', 'down', false],
  ])('%s → %s, selectable: %s', (status, level, selectable) => {
    expect(institutionHealth({ status })).toEqual({
      level,
      selectable,
      messageKey: `health.${status}`,
      status,
    })
  })

  test('a status Basiq adds later is a selectable warning with the generic message', () => {
    expect(institutionHealth({ status: 'planet-aligned' })).toEqual({
      level: 'warning',
      selectable: true,
      messageKey: 'health.unknown',
      status: 'planet-aligned',
    })
  })

  test('a missing or non-string status is treated as unknown', () => {
    expect(institutionHealth({} as Institution)).toMatchObject({
      messageKey: 'health.unknown',
      selectable: true,
      status: '',
    })
    expect(institutionHealth({ status: 3 } as unknown as Institution).status).toBe('')
  })

  test('an inherited key is not mistaken for a status', () => {
    expect(institutionHealth({ status: 'toString' }).messageKey).toBe('health.unknown')
  })

  test('only the sandbox catalogue’s major-outage bank is unselectable', () => {
    const blocked = (sandboxCatalogue as unknown as Institution[])
      .filter((institution) => !institutionHealth(institution).selectable)
      .map((institution) => institution.status)
    expect(blocked.length).toBeGreaterThan(0)
    expect(new Set(blocked)).toEqual(new Set(['major-outage']))
  })

  test('a non-object is a clear TypeError', () => {
    expect(() => institutionHealth(null as unknown as Institution)).toThrow(TypeError)
    expect(() => institutionHealth('major-outage' as unknown as Institution)).toThrow(
      /expected an institution object/,
    )
  })
})
