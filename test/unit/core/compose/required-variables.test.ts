import { composeRequiredVariables } from '../../../../electron/core/compose/required-variables';

describe('variables compose files require', () => {
  it('reads ${VAR:?} and ${VAR?} in values as compose interpolates them', () => {
    const text = [
      '# ${IN_A_COMMENT:?is not read}',
      'services:',
      '  api:',
      '    image: "crucible/api:${TAG:?set a tag}"',
      '    environment:',
      '      PRICE: "$$${AFTER_ESCAPE:?}"',
      '      ESCAPED: "$${NOT_A_REFERENCE:?}"',
      '      NESTED: "${A:-${IN_DEFAULT?}}"',
      '    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:?}"]',
      'x-defaults: &d',
      '  ${NOT_A_VALUE:?}: key',
      '',
    ].join('\n');
    expect(composeRequiredVariables([text])).toEqual([
      { name: 'TAG', emptyRefused: true },
      { name: 'AFTER_ESCAPE', emptyRefused: true },
      { name: 'IN_DEFAULT', emptyRefused: false },
      { name: 'REDIS_PASSWORD', emptyRefused: true },
    ]);
  });

  it('merges several files (either form refusing empty wins) and skips a file that is not YAML', () => {
    expect(composeRequiredVariables(['a: ${X?}\n', 'b: ${X:?}\n', 'c: [unclosed ${Y:?}\n'])).toEqual([
      { name: 'X', emptyRefused: true },
    ]);
  });
});
