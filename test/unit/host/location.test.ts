import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { formatLocation, parseLocation, type Location } from '../../../electron/core/host/location';
import { LocationSchema } from '../../../electron/core/host/location-schema';

const CWD = '/home/admin/work';

describe('parseLocation accepts', () => {
  const good: Array<[string, Location]> = [
    ['/srv/crucible', { kind: 'local', path: '/srv/crucible' }],
    ['crucible', { kind: 'local', path: '/home/admin/work/crucible' }],
    ['./deploy/../crucible/', { kind: 'local', path: '/home/admin/work/crucible' }],
    ['/srv/my crucible', { kind: 'local', path: '/srv/my crucible' }],
    ['ssh://server/srv/crucible', { kind: 'ssh', user: null, host: 'server', port: null, path: '/srv/crucible' }],
    [
      'ssh://admin@crucible.example.org/srv/crucible',
      { kind: 'ssh', user: 'admin', host: 'crucible.example.org', port: null, path: '/srv/crucible' },
    ],
    [
      'ssh://admin@10.0.0.5:2222/srv/crucible',
      { kind: 'ssh', user: 'admin', host: '10.0.0.5', port: 2222, path: '/srv/crucible' },
    ],
    ['ssh://prod-box/opt/crucible/', { kind: 'ssh', user: null, host: 'prod-box', port: null, path: '/opt/crucible' }],
    [
      'ssh://deploy_user@[2001:db8::1]:22/srv/c',
      { kind: 'ssh', user: 'deploy_user', host: '2001:db8::1', port: 22, path: '/srv/c' },
    ],
    ['ssh://[::1]/srv/c', { kind: 'ssh', user: null, host: '::1', port: null, path: '/srv/c' }],
    ['SSH://Server/srv//crucible', { kind: 'ssh', user: null, host: 'Server', port: null, path: '/srv/crucible' }],
    ['ssh://server/', { kind: 'ssh', user: null, host: 'server', port: null, path: '/' }],
    ['ssh://server/srv/my crucible', { kind: 'ssh', user: null, host: 'server', port: null, path: '/srv/my crucible' }],
  ];
  it.each(good)('%s', (input, expected) => {
    const loc = parseLocation(input, CWD);
    expect(loc).toEqual(expected);
    expect(LocationSchema.parse(loc)).toEqual(expected);
    // Formatting and parsing again gives the same location.
    expect(parseLocation(formatLocation(loc), CWD)).toEqual(loc);
  });
});

describe('parseLocation refuses with LOCATION_INVALID', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['blank', '   ', /empty/],
    ['a host starting with - (option injection)', 'ssh://-oProxyCommand=touch%20x/srv', /starts with "-"/],
    ['a host starting with - after a user', 'ssh://admin@-oProxyCommand=x/srv', /starts with "-"/],
    ['a user starting with -', 'ssh://-oProxyCommand=x@server/srv', /user name .* starts with "-"/],
    ['a newline', 'ssh://server/srv/crucible\nHost evil', /control character/],
    ['a NUL byte', '/srv/cru\0cible', /control character/],
    ['an escape sequence', '/srv/\u001b[31mred', /control character/],
    ['a C1 control', 'ssh://server/srv/\u009bx', /control character/],
    ['no path', 'ssh://server', /absolute path/],
    ['a home-relative path', 'ssh://server/~/crucible', /absolute path/],
    ['a .. segment', 'ssh://server/srv/../etc', /"\.\."/],
    ['a . segment', 'ssh://server/srv/./crucible', /"\."/],
    ['a password', 'ssh://admin:hunter2-canary@server/srv', /password/],
    ['port 0', 'ssh://server:0/srv', /port "0"/],
    ['port 65536', 'ssh://server:65536/srv', /port "65536"/],
    ['a port that is not a number', 'ssh://server:ssh/srv', /port "ssh"/],
    ['an empty port', 'ssh://server:/srv', /port ""/],
    ['a query', 'ssh://server/srv?x=1', /query/],
    ['a fragment', 'ssh://server/srv#top', /fragment/],
    ['no host', 'ssh:///srv', /names no server/],
    ['an empty user', 'ssh://@server/srv', /user name "" is not valid/],
    ['two @', 'ssh://a@b@server/srv', /more than one "@"/],
    ['a space in the host', 'ssh://my server/srv', /server name "my server" is not valid/],
    ['a shell character in the host', 'ssh://server;id/srv', /not valid/],
    ['an unclosed IPv6 bracket', 'ssh://[::1/srv', /closing "\]"/],
    ['a non-IPv6 between brackets', 'ssh://[server]/srv', /not an IPv6 address/],
    ['another scheme', 'sftp://server/srv', /"sftp:\/\/" locations are not supported/],
    ['scp style', 'admin@server:/srv/crucible', /ssh:\/\//],
  ];
  it.each(bad)('%s', (_name, input, message) => {
    let caught: unknown;
    try {
      parseLocation(input, CWD);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'LOCATION_INVALID', message: expect.stringMatching(message) });
  });

  it('never repeats the password in its message', () => {
    expect(() => parseLocation('ssh://admin:hunter2-canary@server/srv', CWD)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('formatLocation', () => {
  it('writes ssh locations the way the admin types them, with IPv6 in brackets', () => {
    expect(formatLocation({ kind: 'ssh', user: 'admin', host: '2001:db8::1', port: 2222, path: '/srv/c' })).toBe(
      'ssh://admin@[2001:db8::1]:2222/srv/c',
    );
    expect(formatLocation({ kind: 'ssh', user: null, host: 'box', port: null, path: '/srv/c' })).toBe(
      'ssh://box/srv/c',
    );
    expect(formatLocation({ kind: 'local', path: '/srv/c' })).toBe('/srv/c');
  });
});

describe('LocationSchema', () => {
  it('describes exactly the Location type', () => {
    expectTypeOf<z.infer<typeof LocationSchema>>().toEqualTypeOf<Location>();
  });
});
