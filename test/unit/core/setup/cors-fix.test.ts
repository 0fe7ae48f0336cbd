import { servicesHardCodingCors } from '../../../../electron/core/setup/cors-fix';

describe('services hard-coding CORS', () => {
  it('names the services whose CORS value compose takes as written', () => {
    const text = [
      'services:',
      '  api:',
      '    environment:',
      '      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000',
      '  worker:',
      '    environment:',
      '      ROUNDTABLE_CORS_ORIGINS: ${ROUNDTABLE_CORS_ORIGINS}',
      '  escaped:',
      '    environment:',
      '      ROUNDTABLE_CORS_ORIGINS: https://a.example/$$x',
      '  bare:',
      '    environment:',
      '      - ROUNDTABLE_CORS_ORIGINS=$ROUNDTABLE_CORS_ORIGINS',
      '',
    ].join('\n');
    expect(servicesHardCodingCors(text)).toEqual(['api', 'escaped']);
  });
});
