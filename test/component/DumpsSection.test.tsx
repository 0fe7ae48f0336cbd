// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { DumpsSection } from '../../renderer/src/components/dumps/DumpsSection';
import { demoDeployment, installFakeApi } from './fake-api';

const deployment = demoDeployment;
afterEach(() => {
  cleanup();
});

describe('Database dumps on the Backup page', () => {
  it('lists the dumps, decrypts one to the file main asks for, and deletes only after asking', async () => {
    const removed: string[] = [];
    let dumps = [
      {
        id: 'roundtable-before-POSTGRES_PASSWORD-r1.sql.age',
        size: 20480,
        createdAt: '2026-12-06T10:00:00.000Z',
        encrypted: true,
      },
      { id: 'old.sql', size: 1024, createdAt: '2026-12-01T10:00:00.000Z', encrypted: false },
    ];
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [deployment], notice: null }) },
      dumps: {
        list: () => Promise.resolve({ folder: '/home/me/.config/crucible-secrets/dumps/demo-one', dumps }),
        decrypt: ({ id }: { id: string }) => Promise.resolve({ savedTo: `/home/me/${id.replace(/\.age$/, '')}` }),
        remove: ({ id }: { id: string }) => {
          removed.push(id);
          dumps = dumps.filter((d) => d.id !== id);
          return Promise.resolve({ removed: id });
        },
      },
    });
    render(<DumpsSection />);
    expect(await screen.findByRole('table', { name: 'Database dumps of Demo' })).toBeTruthy();
    expect(screen.getByText('not encrypted', { exact: false })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Decrypt roundtable-before-POSTGRES_PASSWORD-r1.sql.age' }));
    expect((await screen.findByRole('status')).textContent).toContain(
      '/home/me/roundtable-before-POSTGRES_PASSWORD-r1.sql',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete old.sql' }));
    expect(removed).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect((await screen.findByText('Deleted old.sql.')).textContent).toBe('Deleted old.sql.');
    expect(removed).toEqual(['old.sql']);
  });
});
