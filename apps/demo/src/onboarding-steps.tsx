import type { ReactNode } from 'react'

/** The demo onboarding's steps, in order. */
export type OnboardingStep = 'signup' | 'connect' | 'profile' | 'done'

const STEPS: ReadonlyArray<readonly [OnboardingStep, string]> = [
  ['signup', 'Sign up'],
  ['connect', 'Connect your bank'],
  ['profile', 'Profile'],
  ['done', 'Done'],
]

/** Props of {@link OnboardingSteps}. */
export interface OnboardingStepsProps {
  /** The step the user is on; it carries `aria-current="step"`. */
  current: OnboardingStep
}

/**
 * The step indicator of the demo's onboarding ("1 Sign up · 2 Connect your bank · 3 Profile ·
 * 4 Done"). Each item's `data-state` is `complete`, `current` or `upcoming` for the stylesheet;
 * finished steps also say so in words, as colour alone would not reach a screen reader.
 */
export function OnboardingSteps(props: OnboardingStepsProps): ReactNode {
  const { current } = props
  const currentIndex = STEPS.findIndex(([step]) => step === current)
  return (
    <ol aria-label="Your progress" data-slot="demo-steps">
      {STEPS.map(([step, label], index) => {
        const state =
          index < currentIndex ? 'complete' : index === currentIndex ? 'current' : 'upcoming'
        return (
          <li
            key={step}
            data-slot="demo-step"
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span data-slot="demo-step-number" aria-hidden="true">
              {index + 1}
            </span>{' '}
            <span data-slot="demo-step-label">{label}</span>
            {state === 'complete' ? <span data-slot="demo-visually-hidden"> (done)</span> : null}
          </li>
        )
      })}
    </ol>
  )
}
