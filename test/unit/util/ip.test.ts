import { describe, expect, it } from 'vitest';
import { ipIsInternal, isIp } from '../../../src-main/core/util/ip';

describe('ipIsInternal', () => {
  it('classify internal addresses, IPv6 and IPv4-mapped included', () => {
    const internal = [
      '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '100.127.255.255',
      '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255',
      '::1', '::', 'fe80::1', 'fe80::90e:17af:263c:5209%eth0', '[fe80::1]', 'fd2d:ab8c:225:0:0:0:0:1', 'fc00::1', 'ff02::1:3',
      '::ffff:10.0.0.1', '::ffff:192.168.1.1', '::ffff:c0a8:101', '0:0:0:0:0:ffff:172.16.5.4', 'fe80:0:0:0:90e:17af:263c:5209',
    ];
    const external = ['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '100.63.255.255', '193.201.9.232', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2a00:1450:4001:80b::200e'];
    const notIp = ['ec2.amazonaws.com', '1.2.3', '1.2.3.4.5', '300.1.1.1', '1..2.3', '::g', '1::2::3', '1:2:3:4:5:6:7:8:9', '', 'a', '12345'];
    for (const a of internal) expect(ipIsInternal(a), a).toBe(true);
    for (const a of external) expect(ipIsInternal(a), a).toBe(false);
    for (const a of notIp) expect(ipIsInternal(a), a).toBeNull();
  });
});

describe('isIp', () => {
  it('tells addresses from host names, ports and near misses', () => {
    for (const a of ['173.234.31.186', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::', '::1', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', 'fe80::1%eth0', '[2001:db8::1]']) {
      expect(isIp(a), a).toBe(true);
    }
    for (const a of ['ns.marryaldkfaczcz.com', '1.2.3.4.5', '1.2.3', '300.1.1.1', '1.2.3.4:22', '10.0.0.0/8', '1::2::3', '::g', 'dead', '', '1', 'Mar 27 13:06:56']) {
      expect(isIp(a), a).toBe(false);
    }
  });

  it('accepts exactly what ipIsInternal classifies', () => {
    for (const a of ['8.8.8.8', '10.1.2.3', '01.2.3.4', 'fe80::1%eth0', '[::1]', 'fe80::1%', 'host', '1.2.3', '999.1.1.1', '::ffff:300.1.1.1']) {
      expect(isIp(a), a).toBe(ipIsInternal(a) !== null);
    }
  });
});
