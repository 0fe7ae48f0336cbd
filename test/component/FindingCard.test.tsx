// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { FindingCard } from '../../renderer/src/components/audit/FindingCard';
import type { Finding } from '../../electron/common/model/finding';

afterEach(() => cleanup());

const base: Finding = {
  code: 'ENV_INVALID_VALUE',
  severity: 'error',
  title: 'ROUNDTABLE_LLM_RATE_LIMIT_TPM has an invalid value',
  message: 'pydantic refuses it',
  howToFix: 'Set a whole number.',
  variable: 'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
  file: '.env',
  line: 12,
};

describe('FindingCard and blocksStart (issue 23)', () => {
  it('says when Crucible will not start', () => {
    render(<FindingCard finding={{ ...base, blocksStart: true }} />);
    expect(screen.getByTestId('finding-blocks-start').textContent).toBe('Crucible will not start with this value.');
  });

  it('says nothing extra for advice (the message already starts "Crucible would start, but …") or unjudged findings', () => {
    render(
      <FindingCard
        finding={{
          ...base,
          code: 'ENV_LOW_ENTROPY',
          blocksStart: false,
          message: 'Crucible would start, but the app is stricter here: …',
        }}
      />,
    );
    render(<FindingCard finding={base} />);
    expect(screen.queryByTestId('finding-blocks-start')).toBeNull();
    expect(screen.getByText(/^Crucible would start, but/)).toBeTruthy();
  });
});
