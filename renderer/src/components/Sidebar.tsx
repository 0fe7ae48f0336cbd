import { pages } from '../pages/registry';
import { href } from '../router';

export function Sidebar({ current }: { current: string }) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span>Crucible Secrets</span>
      </div>
      <ul>
        {pages
          .filter((p) => p.nav)
          .map((p) => (
            <li key={p.route}>
              <a
                href={href(p.route)}
                aria-current={current === p.route ? 'page' : undefined}
                onPointerEnter={p.preload}
                onFocus={p.preload}
              >
                {p.title}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}
