import { useEffect, useState } from 'react';

/**
 * Hash routes (`#/dashboard`, `#/settings`): they work identically under app:// and the test harness and
 * never cause a navigation that the window's hardening would have to judge.
 */
export function useRoute(): string {
  const read = () => window.location.hash.replace(/^#/, '') || '/dashboard';
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => {
      setRoute(read());
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}

export function navigate(to: Route): void {
  window.location.hash = to;
}

/** Goes to `to` in place of the current entry, so Back skips a page that only led here (a one-item list). */
export function replaceRoute(to: Route): void {
  const oldURL = window.location.href;
  window.history.replaceState(window.history.state, '', `#${to}`);
  // replaceState changes the URL silently: tell useRoute, as a hash change would have.
  window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: window.location.href }));
}

declare const routeBrand: unique symbol;
/** A path built by `route` below (a plain string is not one, so every link goes through the builders). */
export type Route = string & { readonly [routeBrand]: true };

/** `base/seg1/seg2` with each segment (an id, a variable name) encoded; absent segments are left out. */
function at(base: string, ...segments: Array<string | undefined>): Route {
  return [base, ...segments.filter((s): s is string => s !== undefined).map(encodeURIComponent)].join('/') as Route;
}

/**
 * Every page's route, once: the page registry, the navigation and every link build theirs here, so a link
 * to a page that does not exist (or with its parts in the wrong order) fails to compile.
 */
export const route = {
  dashboard: () => at('/dashboard'),
  setup: () => at('/setup'),
  /** `#/secrets/<deployment id>`; the list of deployments without one. */
  secrets: (deploymentId?: string) => at('/secrets', deploymentId),
  network: () => at('/network'),
  backup: () => at('/backup'),
  audit: (deploymentId?: string) => at('/audit', deploymentId),
  checklist: (deploymentId?: string) => at('/checklist', deploymentId),
  /** `#/rotation/<deployment id>/<VARIABLE>`: a deployment's rotation page, or one secret's rotation. */
  rotation: (deploymentId?: string, variable?: string) =>
    at('/rotation', deploymentId, deploymentId === undefined ? undefined : variable),
  incident: (incidentId?: string) => at('/incident', incidentId),
  /** A section anchor of docs/crucible.md (already URL-safe: headingAnchor makes it). */
  crucible: (section?: string) => (section ? `/crucible/${section}` : '/crucible') as Route,
  about: () => at('/about'),
} as const;

export type PageId = keyof typeof route;

/** The `href` of a route (`#/…`). */
export function href(to: Route): string {
  return `#${to}`;
}
