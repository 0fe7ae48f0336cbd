/**
 * The six steps of the security guide's "If Compromised" list and their titles. Plain data with no imports,
 * so the window's start-up code (the incident banner) can name steps without loading any schema library.
 */
export const INCIDENT_STEPS = ['isolate', 'assess', 'rotate', 'review-logs', 'notify', 'document'] as const;

export const STEP_TITLES: Record<(typeof INCIDENT_STEPS)[number], string> = {
  isolate: 'Isolate',
  assess: 'Assess',
  rotate: 'Rotate',
  'review-logs': 'Review logs',
  notify: 'Notify',
  document: 'Document',
};
