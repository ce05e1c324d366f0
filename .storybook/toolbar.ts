import type { FaultSpec } from '@bankconnect/sandbox'
import type { Preview } from '@storybook/react-vite'
import type { SandboxParameters, StoryConnection } from './sandbox.tsx'

/**
 * The toolbar's scenario menus: a reviewer replays any job outcome by picking a persona, a pace,
 * a fault or a catalogue size. Each menu starts on "story", which leaves the story's own
 * `parameters.sandbox` alone; a story's own setting always wins over the toolbar (its play function
 * asserts what that setting produces), so the toolbar fills in what the story left open. The
 * "Scenario/Playground" story leaves everything open.
 */

/** A toolbar value that leaves the story's own scenario alone. */
export const STORY_DEFAULT = 'story'

/** Persona choices: a documented sandbox login and the outcome it produces. */
export const TOOLBAR_PERSONAS: Record<string, { title: string; connections: StoryConnection[] }> = {
  'gavin-belson': {
    title: 'gavinBelson @ Hooli: connects',
    connections: [{ loginId: 'gavinBelson', password: 'hooli2016' }],
  },
  whistler: {
    title: 'Whistler @ Hooli: connects, few accounts',
    connections: [{ loginId: 'Whistler', password: 'ShowBox' }],
  },
  bighead: {
    title: 'bighead @ Hooli: account locked',
    connections: [{ loginId: 'bighead', password: 'password' }],
  },
  erlich: {
    title: 'erlich @ Hooli: action needed in the bank',
    connections: [{ loginId: 'erlich', password: 'aviato' }],
  },
  'jian-yang': {
    title: 'jianYang @ Hooli: bank unavailable',
    connections: [{ loginId: 'jianYang', password: 'nothotdog' }],
  },
  'jared-mfa': {
    title: 'jared @ Pied Piper: one-time code',
    connections: [{ loginId: 'jared', password: 'django', institutionId: 'AU00002' }],
  },
  'whistler-mfa': {
    title: 'Whistler @ Pied Piper: security questions',
    connections: [{ loginId: 'Whistler', password: 'ShowBox', institutionId: 'AU00002' }],
  },
  duplicate: {
    title: 'gavinBelson twice: paused (same login in progress)',
    connections: [
      { loginId: 'gavinBelson', password: 'hooli2016' },
      { loginId: 'gavinBelson', password: 'hooli2016' },
    ],
  },
}

/** Fault choices, injected before the story renders. */
export const TOOLBAR_FAULTS: Record<string, { title: string; faults: FaultSpec[] }> = {
  'jobs-503': {
    title: 'Job polls: three 503s',
    faults: [{ kind: 'status', status: 503, path: '/jobs/*', times: 3 }],
  },
  'jobs-429': {
    title: 'Job polls: 429, Retry-After 5 s',
    faults: [{ kind: 'rate-limit', retryAfterSeconds: 5, path: '/jobs/*', times: 2 }],
  },
  'jobs-latency': {
    title: 'Job polls: 3 s slower',
    faults: [{ kind: 'latency', latencyMs: 3_000, path: '/jobs/*', times: 5 }],
  },
  'jobs-drop': {
    title: 'Job polls: dropped connections',
    faults: [{ kind: 'drop', path: '/jobs/*', times: 3 }],
  },
  'jobs-malformed': {
    title: 'Job polls: a malformed body',
    faults: [{ kind: 'malformed', path: '/jobs/*', times: 1 }],
  },
  'institutions-503': {
    title: 'Bank list: 503',
    faults: [{ kind: 'status', status: 503, path: '/institutions', times: 1 }],
  },
}

const SPEEDS = ['0.5', '1', '2', '8', '30']
const CATALOGUE_SIZES = ['0', '5000']

/** The scenario menus, for `preview.globalTypes`. */
export const scenarioGlobalTypes: NonNullable<Preview['globalTypes']> = {
  persona: {
    description: 'Sandbox persona: who logs in, and so how the job ends',
    toolbar: {
      title: 'Persona',
      icon: 'user',
      dynamicTitle: true,
      items: [
        { value: STORY_DEFAULT, title: 'Persona: as the story' },
        ...Object.entries(TOOLBAR_PERSONAS).map(([value, { title }]) => ({ value, title })),
      ],
    },
  },
  speed: {
    description: 'Sandbox speed: job step durations are divided by this',
    toolbar: {
      title: 'Speed',
      icon: 'timer',
      dynamicTitle: true,
      items: [
        { value: STORY_DEFAULT, title: 'Speed: as the story' },
        ...SPEEDS.map((value) => ({ value, title: `Speed ×${value}` })),
      ],
    },
  },
  faults: {
    description: 'Faults injected into the sandbox before the story renders',
    toolbar: {
      title: 'Faults',
      icon: 'lightning',
      dynamicTitle: true,
      items: [
        { value: STORY_DEFAULT, title: 'Faults: as the story' },
        ...Object.entries(TOOLBAR_FAULTS).map(([value, { title }]) => ({ value, title })),
      ],
    },
  },
  institutions: {
    description: 'Generated institutions added to the sandbox catalogue',
    toolbar: {
      title: 'Institutions',
      icon: 'database',
      dynamicTitle: true,
      items: [
        { value: STORY_DEFAULT, title: 'Catalogue: as the story' },
        ...CATALOGUE_SIZES.map((value) => ({
          value,
          title: `Catalogue: +${Number(value).toLocaleString('en-AU')} banks`,
        })),
      ],
    },
  },
}

/** Every scenario menu starts on "as the story". */
export const scenarioInitialGlobals: Record<string, string> = {
  persona: STORY_DEFAULT,
  speed: STORY_DEFAULT,
  faults: STORY_DEFAULT,
  institutions: STORY_DEFAULT,
}

function chosen(globals: Record<string, unknown>, name: string): string | undefined {
  const value = globals[name]
  return typeof value === 'string' && value !== STORY_DEFAULT ? value : undefined
}

function pick<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined
}

/**
 * The story's scenario with the toolbar's choices filled in where the story set nothing. An
 * unknown toolbar value (an old URL) is ignored rather than breaking the story.
 */
export function withToolbarScenario(
  story: SandboxParameters,
  globals: Record<string, unknown> = {},
): SandboxParameters {
  const merged: SandboxParameters = { ...story }
  const speed = Number(chosen(globals, 'speed'))
  if (merged.speed === undefined && Number.isFinite(speed) && speed > 0) merged.speed = speed
  const size = Number(chosen(globals, 'institutions'))
  if (merged.stressInstitutions === undefined && Number.isInteger(size) && size >= 0) {
    merged.stressInstitutions = size
  }
  const faults = pick(TOOLBAR_FAULTS, chosen(globals, 'faults'))
  if (merged.faults === undefined && faults) merged.faults = faults.faults
  const persona = pick(TOOLBAR_PERSONAS, chosen(globals, 'persona'))
  if (merged.connections === undefined && persona) merged.connections = persona.connections
  return merged
}
