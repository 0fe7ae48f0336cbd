import { isLoopback, parseLongPort, parseShortPort } from '../../../../electron/core/compose/ports';

describe('port specifications', () => {
  it.each([
    ['8000', null, null, '8000', 'tcp'],
    ['8000:8000', null, '8000', '8000', 'tcp'],
    ['127.0.0.1:8001:8001', '127.0.0.1', '8001', '8001', 'tcp'],
    ['127.0.0.1::5432', '127.0.0.1', null, '5432', 'tcp'],
    ['127.0.0.1:5000-5010:5000-5010', '127.0.0.1', '5000-5010', '5000-5010', 'tcp'],
    ['9090-9091:8080-8081', null, '9090-9091', '8080-8081', 'tcp'],
    ['::1:6000:6000', '::1', '6000', '6000', 'tcp'],
    ['[::1]:6001:6001', '::1', '6001', '6001', 'tcp'],
    ['[::1]:80:80/tcp', '::1', '80', '80', 'tcp'],
    ['127.0.0.1:8000:8000', '127.0.0.1', '8000', '8000', 'tcp'],
    ['[::]:6002:6002', null, '6002', '6002', 'tcp'],
    ['0.0.0.0:6003:6003', null, '6003', '6003', 'tcp'],
    ['6060:6060/udp', null, '6060', '6060', 'udp'],
    [5432, null, null, '5432', 'tcp'],
  ] as const)('%s', (spec, hostIp, published, targetPort, protocol) => {
    expect(parseShortPort(spec)).toEqual({ hostIp, published, target: targetPort, protocol });
  });

  it.each(['abc', '80:http', '1.2.3.4:80:80:80x', '80/icmp', '[::1:80:80'])('rejects %s', (spec) => {
    expect(() => parseShortPort(spec)).toThrow();
  });

  it('reads the long syntax', () => {
    expect(parseLongPort({ target: 5432, published: '5433', host_ip: '::1' })).toEqual({
      hostIp: '::1',
      published: '5433',
      target: '5432',
      protocol: 'tcp',
    });
    expect(parseLongPort({ target: 5432 }).published).toBeNull();
    expect(() => parseLongPort({ published: 1 })).toThrow(/target/);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect([null, '10.0.0.1', '192.168.1.2', '::ffff:1.2.3.4'].some(isLoopback)).toBe(false);
  });
});
