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

export function navigate(route: string): void {
  window.location.hash = route;
}
